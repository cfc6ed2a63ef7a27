import type { Column, ForeignKeyInfo, IndexInfo, KeyRange, TableSchema } from '../../core/model/schema';

/** A statement's text and the values bound to its placeholders. */
export interface Statement {
	text: string;
	values: unknown[];
}

/** The values of one statement as it is built: each bound value gets the next placeholder. */
export class Params {
	readonly values: unknown[] = [];
	constructor(private readonly placeholder: (n: number) => string) {}

	bind(value: unknown): string {
		this.values.push(value);
		return this.placeholder(this.values.length);
	}
}

/**
 * The statements every SQL connector runs, built once here (in the spirit of Kysely's query
 * compilers); a dialect overrides only what its engine spells differently: quoting, qualification,
 * placeholders, the key-tuple comparison, counts, the canonical text of a value, DDL and the state
 * table's upsert and lease. Pure: identifiers through the driver's own escaping, values bound.
 */
export abstract class SqlCompiler {
	/** Quotes an identifier. */
	abstract q(name: string): string;
	/** A table as statements name it (schema-qualified where the engine has schemas). */
	abstract table(name: string): string;
	/** The n-th placeholder (1-based). */
	protected abstract placeholder(n: number): string;
	/** `key > bound` or `key <= bound` over a key tuple. */
	protected abstract tupleCompare(key: string[], op: '>' | '<=', bound: unknown[], params: Params): string;
	/** Canonical text of one column's value, matching core/model/canonical.ts. */
	abstract canonicalExpression(column: Column): string;
	/** A double's IEEE 754 bits as 16 lowercase hex digits, 0 for ±0 (core/validate/digest.ts float64DigestText). */
	protected abstract float64Bits(column: string): string;

	/** A column's text in a portable digest: its canonical text, but a double by its bits, which every engine computes alike. */
	digestExpression(column: Column): string {
		return column.logical === 'float64' ? this.float64Bits(this.q(column.name)) : this.canonicalExpression(column);
	}
	/** Count and digest sum of a key range, as `n` and `s`; `native`: in the engine's own form (capability nativeDigest). */
	abstract checksumRange(table: TableSchema, range?: KeyRange, native?: boolean): Statement;
	/** Creates the table, its key and the given indexes (column types follow every index of the schema). */
	abstract createTable(table: TableSchema, ifNotExists: boolean, indexes?: IndexInfo[]): string[];
	/** One index on an existing table. */
	abstract createIndex(table: string, index: IndexInfo): string;
	/** The server's clock as canonical UTC text, as `now`. */
	abstract readonly clock: string;
	/** The server's wall clock in its configured zone as canonical timestamp text, as `now` (NULL: not convertible). */
	readonly wallClock?: string;
	/** `count(*)` as the engine returns it exactly. */
	protected readonly countAll: string = 'COUNT(*)';
	/** The package's own state table. */
	abstract readonly stateTable: string;

	params(): Params {
		return new Params((n) => this.placeholder(n));
	}

	columnList(names: string[]): string {
		return names.map((n) => this.q(n)).join(', ');
	}

	rangePredicate(key: string[], range: KeyRange | undefined, params: Params): string {
		const parts: string[] = [];
		if (range?.after) parts.push(this.tupleCompare(key, '>', range.after, params));
		if (range?.upTo) parts.push(this.tupleCompare(key, '<=', range.upTo, params));
		return parts.length ? parts.join(' AND ') : 'TRUE';
	}

	selectPage(table: TableSchema, columns: string[], range: KeyRange, limit: number): Statement {
		const params = this.params();
		const where = this.rangePredicate(table.primaryKey, range, params);
		return {
			text:
				`SELECT ${this.columnList(columns)} FROM ${this.table(table.name)} WHERE ${where} ` +
				`ORDER BY ${this.columnList(table.primaryKey)} LIMIT ${Math.floor(limit)}`,
			values: params.values,
		};
	}

	/** One row whose column holds a value outside the integers given, if any (NULL is not outside). */
	valueOutside(table: TableSchema, column: string, values: number[]): Statement {
		const list = values.map((v) => String(Math.trunc(v))).join(', ');
		return {
			text: `SELECT 1 AS found FROM ${this.table(table.name)} WHERE ${this.q(column)} NOT IN (${list}) LIMIT 1`,
			values: [],
		};
	}

	countRows(table: TableSchema, range?: KeyRange): Statement {
		const params = this.params();
		const where = this.rangePredicate(table.primaryKey, range, params);
		return {
			text: `SELECT ${this.countAll} AS n FROM ${this.table(table.name)} WHERE ${where}`,
			values: params.values,
		};
	}

	/** Every `rowsPerChunk`-th key in key order: one pass over the PK index, no OFFSET. */
	chunkBoundaries(table: TableSchema, rowsPerChunk: number): Statement {
		const key = this.columnList(table.primaryKey);
		const params = this.params();
		const every = params.bind(Math.floor(rowsPerChunk));
		return {
			text:
				`SELECT ${key} FROM (SELECT ${key}, row_number() OVER (ORDER BY ${key}) AS dm_rn ` +
				`FROM ${this.table(table.name)}) s WHERE dm_rn % ${every} = 0 ORDER BY ${key}`,
			values: params.values,
		};
	}

	/** `(cursor, pk…) > (…) AND cursor <= horizon`: the change feed's position, compared as one tuple. */
	changePredicate(
		table: TableSchema,
		cursorColumn: string,
		after: unknown[] | undefined,
		horizon: unknown,
		params: Params,
	): string {
		// A start position has a cursor and no key yet: then it compares the cursor alone.
		const columns = [cursorColumn, ...table.primaryKey].slice(0, after?.length);
		const tuple = this.rangePredicate(columns, after ? { after: after as never } : undefined, params);
		// A row without a cursor value has no place in the feed (the backfill carries it).
		const text = `${this.q(cursorColumn)} IS NOT NULL AND ${tuple}`;
		return horizon === undefined ? text : `${text} AND ${this.q(cursorColumn)} <= ${params.bind(horizon)}`;
	}

	selectChanges(
		table: TableSchema,
		cursorColumn: string,
		after: unknown[] | undefined,
		horizon: unknown,
		limit: number,
	): Statement {
		const params = this.params();
		const where = this.changePredicate(table, cursorColumn, after, horizon, params);
		return {
			text:
				`SELECT ${this.columnList(table.columns.map((c) => c.name))} FROM ${this.table(table.name)} WHERE ${where} ` +
				`ORDER BY ${this.columnList([cursorColumn, ...table.primaryKey])} LIMIT ${Math.floor(limit)}`,
			values: params.values,
		};
	}

	countChanges(table: TableSchema, cursorColumn: string, after: unknown[] | undefined, horizon: unknown): Statement {
		const params = this.params();
		const where = this.changePredicate(table, cursorColumn, after, horizon, params);
		return {
			text: `SELECT ${this.countAll} AS n FROM ${this.table(table.name)} WHERE ${where}`,
			values: params.values,
		};
	}

	/** `(k1, k2) IN ((…), …)` for `keys` key tuples. */
	keyList(key: string[], keys: unknown[][], params: Params): string {
		const tuples = keys.map((tuple) => `(${tuple.map((v) => params.bind(v)).join(', ')})`);
		return `(${this.columnList(key)}) IN (${tuples.join(', ')})`;
	}

	selectByKeys(table: TableSchema, keys: unknown[][]): Statement {
		const params = this.params();
		const where = this.keyList(table.primaryKey, keys, params);
		return {
			text: `SELECT ${this.columnList(table.columns.map((c) => c.name))} FROM ${this.table(table.name)} WHERE ${where}`,
			values: params.values,
		};
	}

	deleteByKeys(table: TableSchema, keys: unknown[][]): Statement {
		const params = this.params();
		const where = this.keyList(table.primaryKey, keys, params);
		return { text: `DELETE FROM ${this.table(table.name)} WHERE ${where}`, values: params.values };
	}

	/** Rows whose foreign-key columns are all set but match no referenced row, as `n`. */
	orphans(table: string, parent: string, fk: ForeignKeyInfo): Statement {
		const set = fk.columns.map((c) => `c.${this.q(c)} IS NOT NULL`).join(' AND ');
		const match = fk.columns.map((c, i) => `p.${this.q(fk.referencedColumns[i])} = c.${this.q(c)}`).join(' AND ');
		return {
			text:
				`SELECT ${this.countAll} AS n FROM ${this.table(table)} c WHERE ${set} ` +
				`AND NOT EXISTS (SELECT 1 FROM ${this.table(parent)} p WHERE ${match})`,
			values: [],
		};
	}

	addForeignKey(table: string, fk: ForeignKeyInfo): string {
		return (
			`ALTER TABLE ${this.table(table)} ADD CONSTRAINT ${this.q(fk.name)} FOREIGN KEY (${this.columnList(fk.columns)}) ` +
			`REFERENCES ${this.table(fk.referencedTable)} (${this.columnList(fk.referencedColumns)})`
		);
	}

	dropTable(name: string, ifExists = false): string {
		return `DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${this.table(name)}`;
	}

	/** A snapshot's copy of a table: same columns and types, its primary key, every row. */
	abstract copyTable(table: TableSchema, copy: string): string[];

	/** Replaces a table's rows by a copy's, the columns named (a copy's column order may differ). */
	replaceRows(table: TableSchema, copy: string): string[] {
		const cols = this.columnList(table.columns.map((c) => c.name));
		return [
			`DELETE FROM ${this.table(table.name)}`,
			`INSERT INTO ${this.table(table.name)} (${cols}) SELECT ${cols} FROM ${this.table(copy)}`,
		];
	}

	/** A scratch namespace (a schema, a database) created afresh and dropped with everything in it. */
	abstract createNamespace(name: string): string;
	abstract dropNamespace(name: string): string;

	// The state table: `(namespace, key) → value` (JSON), one row per entry.
	abstract createStateTable(): string;
	abstract setState(namespace: string, key: string, json: string): Statement;
	/** Takes the lease when free, expired (by the server's clock) or already the owner's. */
	abstract takeLease(namespace: string, key: string, owner: string, ttlSeconds: number): Statement;
	/** The JSON field `field` of the state value, as text. */
	protected abstract stateField(field: string): string;

	getState(namespace: string, key: string): Statement {
		const p = this.params();
		return {
			text: `SELECT value FROM ${this.table(this.stateTable)} WHERE namespace = ${p.bind(namespace)} AND ${this.q('key')} = ${p.bind(key)}`,
			values: p.values,
		};
	}

	/** With a prefix, LIKE narrows the rows (escaped; the caller still compares exactly: a collation may fold case). */
	listState(namespace: string, prefix?: string): Statement {
		const p = this.params();
		const ns = p.bind(namespace);
		const like =
			prefix === undefined ? '' : ` AND ${this.q('key')} LIKE ${p.bind(prefix.replace(/[\\%_]/g, '\\$&') + '%')}`;
		return {
			text: `SELECT ${this.q('key')}, value FROM ${this.table(this.stateTable)} WHERE namespace = ${ns}${like} ORDER BY ${this.q('key')}`,
			values: p.values,
		};
	}

	deleteState(namespace: string, key?: string): Statement {
		const p = this.params();
		const ns = p.bind(namespace);
		return {
			text: `DELETE FROM ${this.table(this.stateTable)} WHERE namespace = ${ns}${key === undefined ? '' : ` AND ${this.q('key')} = ${p.bind(key)}`}`,
			values: p.values,
		};
	}

	releaseLease(namespace: string, key: string, owner: string): Statement {
		const p = this.params();
		return {
			text: `DELETE FROM ${this.table(this.stateTable)} WHERE namespace = ${p.bind(namespace)} AND ${this.q('key')} = ${p.bind(key)} AND ${this.stateField('owner')} = ${p.bind(owner)}`,
			values: p.values,
		};
	}
}
