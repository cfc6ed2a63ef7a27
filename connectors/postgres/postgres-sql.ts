import { escapeIdentifier } from 'pg';
import type { Column, IndexInfo, KeyRange, TableSchema } from '../../core/model/schema';
import { portableDefault } from '../../core/model/defaults';
import { SqlCompiler, type Params, type Statement } from '../sql/sql-compiler';
import { ZERO_BITS } from '../../core/validate/digest';
import { INTERNAL_PREFIX } from './postgres-introspector';
import { postgresTypeFor } from './postgres-types';

export type { Statement };

/** PostgreSQL's statements: `$n` placeholders, schema-qualified names, keys compared as rows. */
export class PostgresSql extends SqlCompiler {
	readonly stateTable = `${INTERNAL_PREFIX}state`;
	readonly clock = `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`;
	protected readonly countAll = 'count(*)::text';

	constructor(readonly schema: string) {
		super();
	}

	q(name: string): string {
		return escapeIdentifier(name);
	}

	table(name: string): string {
		return `${this.q(this.schema)}.${this.q(name)}`;
	}

	protected placeholder(n: number): string {
		return `$${n}`;
	}

	/** `(k1,k2) > ($n,..)` as a row comparison, which PostgreSQL serves from the PK index. */
	protected tupleCompare(key: string[], op: '>' | '<=', bound: unknown[], params: Params): string {
		return `(${this.columnList(key)}) ${op} (${bound.map((v) => params.bind(v)).join(', ')})`;
	}

	canonicalExpression(column: Column): string {
		const c = this.q(column.name);
		switch (column.logical) {
			case 'boolean':
				return `CASE WHEN ${c} THEN '1' ELSE '0' END`;
			case 'decimal':
				return `trim_scale(${c})::text`;
			case 'timestamptz':
				return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
			case 'timestamp':
				return `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
			case 'time':
				return `to_char(${c}, 'HH24:MI:SS.US')`;
			case 'date':
				return `to_char(${c}, 'YYYY-MM-DD')`;
			case 'binary':
				return `encode(${c}, 'hex')`;
			case 'json':
				return `to_jsonb(${c})::text`;
			default:
				return `${c}::text`;
		}
	}

	/**
	 * A value in PostgreSQL's own form, for a digest compared with PostgreSQL only: a float's 8 bytes
	 * (no printing setting involved), JSON (and arrays) as jsonb prints it, the rest canonical.
	 */
	nativeExpression(column: Column): string {
		const c = this.q(column.name);
		// A real widens to double exactly: a real copied into a double column still digests alike.
		if (column.logical === 'float64' || column.logical === 'float32') return `encode(float8send(${c}::float8), 'hex')`;
		return this.canonicalExpression(column);
	}

	protected float64Bits(c: string): string {
		return `CASE WHEN ${c} = 0 THEN '${ZERO_BITS}' WHEN ${c} = 'NaN' THEN 'NaN' ELSE encode(float8send(${c}), 'hex') END`;
	}

	/** Count and sum of the first 60 bits of each row's md5, computed inside PostgreSQL. */
	checksumRange(table: TableSchema, range?: KeyRange, native = false): Statement {
		const params = this.params();
		const where = this.rangePredicate(table.primaryKey, range, params);
		const text = (col: Column) => (native ? this.nativeExpression(col) : this.digestExpression(col));
		const row = table.columns
			.map((col) => `CASE WHEN ${this.q(col.name)} IS NULL THEN 'N' ELSE 'V' || ${text(col)} END`)
			.join(` || chr(31) || `);
		return {
			text:
				`SELECT count(*)::text AS n, coalesce(sum(('x' || substr(md5(${row}), 1, 15))::bit(60)::bigint), 0)::text AS s ` +
				`FROM ${this.table(table.name)} WHERE ${where}`,
			values: params.values,
		};
	}

	createTable(table: TableSchema, ifNotExists: boolean, indexes = table.indexes): string[] {
		const columns = table.columns.map(
			(c) => `${this.q(c.name)} ${postgresTypeFor(c)}${postgresDefault(c)}${c.nullable ? '' : ' NOT NULL'}`,
		);
		if (table.primaryKey.length) columns.push(`PRIMARY KEY (${this.columnList(table.primaryKey)})`);
		return [
			`CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${this.table(table.name)} (${columns.join(', ')})`,
			...indexes.map((index) => this.createIndex(table.name, index)),
		];
	}

	createIndex(table: string, index: IndexInfo): string {
		return (
			`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${this.q(index.name)} ` +
			`ON ${this.table(table)} (${this.columnList(index.columns)})`
		);
	}

	copyTable(table: TableSchema, copy: string): string[] {
		return [
			`DROP TABLE IF EXISTS ${this.table(copy)}`,
			// LIKE keeps column order and types; the key makes the copy's checksum a keyed read.
			`CREATE TABLE ${this.table(copy)} (LIKE ${this.table(table.name)})`,
			...(table.primaryKey.length
				? [`ALTER TABLE ${this.table(copy)} ADD PRIMARY KEY (${this.columnList(table.primaryKey)})`]
				: []),
			`INSERT INTO ${this.table(copy)} SELECT * FROM ${this.table(table.name)}`,
		];
	}

	/** A temporary table shaped like `table`'s columns, dropped at commit: COPY fills it, an upsert empties it. */
	stagingTable(table: string, staging: string, columns: string[]): string {
		return `CREATE TEMP TABLE ${this.q(staging)} ON COMMIT DROP AS SELECT ${this.columnList(columns)} FROM ${this.table(table)} WITH NO DATA`;
	}

	/**
	 * A key range in key order as COPY text. COPY takes no bound parameters, so the bounds are literals
	 * cast to their columns' types (the caller passes only text or numbers).
	 */
	copyOutRange(table: TableSchema, columns: string[], range: KeyRange, literal: (value: string) => string): string {
		const types = table.primaryKey.map((k) => table.columns.find((c) => c.name === k)!.nativeType);
		const tuple = (bound: unknown[]) => bound.map((v, i) => `${literal(String(v))}::${types[i]}`).join(', ');
		const parts = [
			...(range.after ? [`(${this.columnList(table.primaryKey)}) > (${tuple(range.after)})`] : []),
			...(range.upTo ? [`(${this.columnList(table.primaryKey)}) <= (${tuple(range.upTo)})`] : []),
		];
		return (
			`COPY (SELECT ${this.columnList(columns)} FROM ${this.table(table.name)} WHERE ${parts.join(' AND ') || 'TRUE'} ` +
			`ORDER BY ${this.columnList(table.primaryKey)}) TO STDOUT`
		);
	}

	/** COPY into a table of the schema, or (qualified false) into a temporary table. */
	copyFrom(table: string, columns: string[], qualified = true): string {
		return `COPY ${qualified ? this.table(table) : this.q(table)} (${this.columnList(columns)}) FROM STDIN`;
	}

	/** Upsert from a staging table filled by COPY. */
	upsertFromStaging(table: string, staging: string, columns: string[], key: string[]): string {
		const cols = this.columnList(columns);
		const updates = columns.filter((c) => !key.includes(c)).map((c) => `${this.q(c)} = EXCLUDED.${this.q(c)}`);
		return (
			`INSERT INTO ${this.table(table)} (${cols}) SELECT ${cols} FROM ${this.q(staging)} ` +
			`ON CONFLICT (${this.columnList(key)}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`
		);
	}

	createNamespace(name: string): string {
		return `CREATE SCHEMA ${this.q(name)}`;
	}

	dropNamespace(name: string): string {
		return `DROP SCHEMA IF EXISTS ${this.q(name)} CASCADE`;
	}

	createStateTable(): string {
		return (
			`CREATE TABLE IF NOT EXISTS ${this.table(this.stateTable)} (namespace text NOT NULL, key text NOT NULL, ` +
			`value jsonb, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (namespace, key))`
		);
	}

	setState(namespace: string, key: string, json: string): Statement {
		return {
			text:
				`INSERT INTO ${this.table(this.stateTable)} (namespace, key, value) VALUES ($1, $2, $3) ` +
				`ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
			values: [namespace, key, json],
		};
	}

	takeLease(namespace: string, key: string, owner: string, ttlSeconds: number): Statement {
		const table = this.table(this.stateTable);
		const until = `to_char((clock_timestamp() + $4 * interval '1 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
		return {
			text:
				`INSERT INTO ${table} (namespace, key, value) VALUES ($1, $2, jsonb_build_object('owner', $3::text, 'until', ${until})) ` +
				`ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now() ` +
				`WHERE ${table}.value->>'owner' = $3 OR (${table}.value->>'until')::timestamptz < clock_timestamp()`,
			values: [namespace, key, owner, ttlSeconds],
		};
	}

	protected stateField(field: string): string {
		return `value->>'${field}'`;
	}
}

/** ` DEFAULT …` for a default every engine reads alike; '' otherwise. */
export function postgresDefault(column: Column): string {
	const value = portableDefault(column);
	if (!value) return '';
	if (value.kind === 'now') return column.logical === 'date' ? ' DEFAULT CURRENT_DATE' : ' DEFAULT CURRENT_TIMESTAMP';
	if (value.kind === 'boolean') return ` DEFAULT ${value.value}`;
	if (value.kind === 'number') return ` DEFAULT ${value.text}`;
	return ` DEFAULT '${value.text.replace(/'/g, "''")}'`;
}
