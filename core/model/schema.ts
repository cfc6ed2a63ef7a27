/**
 * Engine-independent description of tables and rows.
 *
 * Row values use one canonical, JSON-safe form per logical type so they can travel
 * through n8n items unchanged and compare equal across engines:
 *   int64, decimal      exact decimal strings (never JS numbers)
 *   date                'YYYY-MM-DD'
 *   time                'HH:MM:SS[.ffffff]'   (a time of day)
 *   interval            '[-]H:MM:SS[.ffffff]' (a duration: MySQL TIME, PostgreSQL interval; see canonicalInterval)
 *   timestamp           'YYYY-MM-DDTHH:MM:SS[.ffffff]'   (no zone: a wall-clock value)
 *   timestamptz         'YYYY-MM-DDTHH:MM:SS[.ffffff]Z'  (a UTC instant)
 *   binary              Buffer in process; base64 string inside n8n items
 *   json                JSON text, exactly as the database holds it (from a document store or an n8n
 *                       item, a parsed value)
 */
export type LogicalType =
	| 'boolean'
	| 'int16'
	| 'int32'
	| 'int64'
	| 'decimal'
	| 'float32'
	| 'float64'
	| 'string'
	| 'text'
	| 'uuid'
	| 'date'
	| 'time'
	| 'interval'
	| 'timestamp'
	| 'timestamptz'
	| 'binary'
	| 'json'
	| 'objectId'
	| 'unknown';

export type Value = null | boolean | number | string | Buffer | JsonValue;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Row = Record<string, Value>;

export interface Column {
	name: string;
	nativeType: string;
	logical: LogicalType;
	nullable: boolean;
	/** Character length, or total digits for decimal. */
	length?: number;
	precision?: number;
	scale?: number;
	autoIncrement?: boolean;
	defaultExpression?: string;
}

export interface IndexInfo {
	name: string;
	columns: string[];
	unique: boolean;
}

export interface ForeignKeyInfo {
	name: string;
	columns: string[];
	referencedTable: string;
	referencedColumns: string[];
}

export interface TableSchema {
	name: string;
	columns: Column[];
	primaryKey: string[];
	indexes: IndexInfo[];
	foreignKeys: ForeignKeyInfo[];
	rowEstimate: number;
	sizeBytes?: number;
}

/** A value of each primary-key column, in key order. */
export type KeyTuple = Value[];

/**
 * A keyset range over the primary key: keys greater than `after` and at most `upTo`.
 * A missing bound is open, so the first and last chunks also catch keys outside the plan.
 */
export interface KeyRange {
	after?: KeyTuple;
	upTo?: KeyTuple;
}

export function findColumn(table: TableSchema, name: string): Column | undefined {
	return table.columns.find((c) => c.name === name);
}

export function keyOf(row: Row, primaryKey: string[]): KeyTuple {
	return primaryKey.map((k) => row[k] ?? null);
}
