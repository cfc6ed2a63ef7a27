import type { ForeignKeyInfo, KeyTuple, Row, TableSchema } from '../model/schema';
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

/** Tables created and written (the destination); read back like any table source for validation. */
export interface TableSink extends TableSource {
	createTable(table: TableSchema, options?: { ifNotExists?: boolean }): Promise<void>;
	dropTable(table: string): Promise<void>;
	/** Adds the foreign keys not there yet (after the load, so chunks load in any order); returns how many were added. */
	addForeignKeys(table: string, foreignKeys: ForeignKeyInfo[]): Promise<number>;
	write(table: string, rows: Row[], options: WriteOptions): Promise<WriteResult>;
	/** Deletes rows by primary key, with an optional state entry in the same transaction where the system allows it. */
	deleteRows(table: string, keys: KeyTuple[], checkpoint?: StateEntry): Promise<number>;
	/** Rows whose foreign-key columns are all set but match no referenced row. */
	orphans(table: string, foreignKey: ForeignKeyInfo): Promise<number>;
}
