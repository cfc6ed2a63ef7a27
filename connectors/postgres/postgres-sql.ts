import { escapeIdentifier } from 'pg';
import type { Column, KeyRange, TableSchema } from '../../core/model/schema';
import { portableDefault } from '../../core/model/defaults';
import { postgresTypeFor } from './postgres-types';

/** Statement builders: pure, and every identifier passes through the driver's own escaping. */
export const q = escapeIdentifier;

export function qualified(schema: string, table: string): string {
	return `${q(schema)}.${q(table)}`;
}

export interface Statement {
	text: string;
	values: unknown[];
}

/** `(k1,k2) > ($n,..) AND (k1,k2) <= ($m,..)` as a row comparison, which PostgreSQL serves from the PK index. */
export function rangePredicate(key: string[], range: KeyRange | undefined, firstParam = 1): Statement {
	const parts: string[] = [];
	const values: unknown[] = [];
	const tuple = `(${key.map(q).join(', ')})`;
	let n = firstParam;
	const params = (count: number) => `(${Array.from({ length: count }, () => `$${n++}`).join(', ')})`;
	if (range?.after) {
		parts.push(`${tuple} > ${params(key.length)}`);
		values.push(...range.after);
	}
	if (range?.upTo) {
		parts.push(`${tuple} <= ${params(key.length)}`);
		values.push(...range.upTo);
	}
	return { text: parts.length ? parts.join(' AND ') : 'TRUE', values };
}

export function selectPage(
	schema: string,
	table: TableSchema,
	columns: string[],
	range: KeyRange,
	limit: number,
): Statement {
	const where = rangePredicate(table.primaryKey, range);
	return {
		text:
			`SELECT ${columns.map(q).join(', ')} FROM ${qualified(schema, table.name)} WHERE ${where.text} ` +
			`ORDER BY ${table.primaryKey.map(q).join(', ')} LIMIT ${Math.floor(limit)}`,
		values: where.values,
	};
}

export function countRows(schema: string, table: TableSchema, range?: KeyRange): Statement {
	const where = rangePredicate(table.primaryKey, range);
	return {
		text: `SELECT count(*)::text AS n FROM ${qualified(schema, table.name)} WHERE ${where.text}`,
		values: where.values,
	};
}

/** Every `rowsPerChunk`-th key in key order: one pass over the PK index, no OFFSET. */
export function chunkBoundaries(schema: string, table: TableSchema, rowsPerChunk: number): Statement {
	const key = table.primaryKey.map(q).join(', ');
	return {
		text:
			`SELECT ${key} FROM (SELECT ${key}, row_number() OVER (ORDER BY ${key}) AS dm_rn ` +
			`FROM ${qualified(schema, table.name)}) s WHERE dm_rn % $1 = 0 ORDER BY ${key}`,
		values: [Math.floor(rowsPerChunk)],
	};
}

/** Canonical text of one column, matching core/canonical.ts. */
export function canonicalExpression(column: Column): string {
	const c = q(column.name);
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
			return `${c}::jsonb::text`;
		default:
			return `${c}::text`;
	}
}

/** Count and sum of the first 60 bits of each row's md5, computed inside PostgreSQL. */
export function checksumRange(schema: string, table: TableSchema, range?: KeyRange): Statement {
	const where = rangePredicate(table.primaryKey, range);
	const row = table.columns
		.map((col) => `CASE WHEN ${q(col.name)} IS NULL THEN 'N' ELSE 'V' || ${canonicalExpression(col)} END`)
		.join(` || chr(31) || `);
	return {
		text:
			`SELECT count(*)::text AS n, coalesce(sum(('x' || substr(md5(${row}), 1, 15))::bit(60)::bigint), 0)::text AS s ` +
			`FROM ${qualified(schema, table.name)} WHERE ${where.text}`,
		values: where.values,
	};
}

export function createTable(schema: string, table: TableSchema, ifNotExists: boolean): string {
	const columns = table.columns.map(
		(c) => `${q(c.name)} ${postgresTypeFor(c)}${postgresDefault(c)}${c.nullable ? '' : ' NOT NULL'}`,
	);
	if (table.primaryKey.length) columns.push(`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
	return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(schema, table.name)} (${columns.join(', ')})`;
}

export function copyFrom(schema: string, table: string, columns: string[]): string {
	return `COPY ${qualified(schema, table)} (${columns.map(q).join(', ')}) FROM STDIN`;
}

/** Upsert from a staging table filled by COPY. */
export function upsertFromStaging(
	schema: string,
	table: string,
	staging: string,
	columns: string[],
	key: string[],
): string {
	const cols = columns.map(q).join(', ');
	const updates = columns.filter((c) => !key.includes(c)).map((c) => `${q(c)} = EXCLUDED.${q(c)}`);
	return (
		`INSERT INTO ${qualified(schema, table)} (${cols}) SELECT ${cols} FROM ${q(staging)} ` +
		`ON CONFLICT (${key.map(q).join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`
	);
}

/** `(cursor, pk…) > (…) AND cursor <= horizon`: the change feed's position, compared as one tuple. */
export function changePredicate(
	table: TableSchema,
	cursorColumn: string,
	after: unknown[] | undefined,
	horizon: unknown,
): Statement {
	// A start position has a cursor and no key yet: then it compares the cursor alone.
	const columns = [cursorColumn, ...table.primaryKey].slice(0, after?.length);
	const tuple = rangePredicate(columns, after ? { after: after as never } : undefined);
	// A row without a cursor value has no place in the feed (the backfill carries it).
	const text = `${q(cursorColumn)} IS NOT NULL AND ${tuple.text}`;
	if (horizon === undefined) return { text, values: tuple.values };
	return { text: `${text} AND ${q(cursorColumn)} <= $${tuple.values.length + 1}`, values: [...tuple.values, horizon] };
}

export function selectChanges(
	schema: string,
	table: TableSchema,
	cursorColumn: string,
	after: unknown[] | undefined,
	horizon: unknown,
	limit: number,
): Statement {
	const where = changePredicate(table, cursorColumn, after, horizon);
	return {
		text:
			`SELECT ${table.columns.map((c) => q(c.name)).join(', ')} FROM ${qualified(schema, table.name)} WHERE ${where.text} ` +
			`ORDER BY ${[cursorColumn, ...table.primaryKey].map(q).join(', ')} LIMIT ${Math.floor(limit)}`,
		values: where.values,
	};
}

export function countChanges(
	schema: string,
	table: TableSchema,
	cursorColumn: string,
	after: unknown[] | undefined,
	horizon: unknown,
): Statement {
	const where = changePredicate(table, cursorColumn, after, horizon);
	return {
		text: `SELECT count(*)::text AS n FROM ${qualified(schema, table.name)} WHERE ${where.text}`,
		values: where.values,
	};
}

/** `(k1, k2) IN (($1, $2), …)` for `keys` key tuples. */
export function keyList(key: string[], keys: unknown[][]): Statement {
	let n = 1;
	const tuples = keys.map(() => `(${key.map(() => `$${n++}`).join(', ')})`);
	return { text: `(${key.map(q).join(', ')}) IN (${tuples.join(', ')})`, values: keys.flat() };
}

export function selectByKeys(schema: string, table: TableSchema, keys: unknown[][]): Statement {
	const where = keyList(table.primaryKey, keys);
	return {
		text: `SELECT ${table.columns.map((c) => q(c.name)).join(', ')} FROM ${qualified(schema, table.name)} WHERE ${where.text}`,
		values: where.values,
	};
}

export function deleteByKeys(schema: string, table: TableSchema, keys: unknown[][]): Statement {
	const where = keyList(table.primaryKey, keys);
	return { text: `DELETE FROM ${qualified(schema, table.name)} WHERE ${where.text}`, values: where.values };
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
