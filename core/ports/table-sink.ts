import type { ForeignKeyInfo, IndexInfo, KeyTuple, Row, TableSchema } from '../model/schema';
import type { StateEntry } from './state-store';
import type { TableSource } from './table-source';

export type WriteMode = 'insert' | 'upsert';

export interface WriteOptions {
	mode: WriteMode;
	/** Conflict key for upserts; defaults to the table's primary key. */
	key?: string[];
	checkpoint?: StateEntry;
}

export interface WriteResult {
	written: number;
}

export interface CreateTableOptions {
	ifNotExists?: boolean;
	/** The indexes to create with the table; the schema's own by default. Column types still follow every index of the schema. */
	indexes?: IndexInfo[];
}

/** Tables created and written (the destination); read back like any table source for validation. */
export interface TableSink extends TableSource {
	createTable(table: TableSchema, options?: CreateTableOptions): Promise<void>;
	dropTable(table: string): Promise<void>;
	/** Creates the indexes not there yet (by name); returns how many were created. */
	addIndexes(table: string, indexes: IndexInfo[]): Promise<number>;
	/** Adds the foreign keys not there yet (after the load, so chunks load in any order); returns how many were added. */
	addForeignKeys(table: string, foreignKeys: ForeignKeyInfo[]): Promise<number>;
	write(table: string, rows: Row[], options: WriteOptions): Promise<WriteResult>;
	/** Deletes rows by primary key, with an optional state entry in the same transaction where the system allows it. */
	deleteRows(table: string, keys: KeyTuple[], checkpoint?: StateEntry): Promise<number>;
	/** Rows whose foreign-key columns are all set but match no referenced row. */
	orphans(table: string, foreignKey: ForeignKeyInfo): Promise<number>;
}
