import { SchemaError } from './errors';
import type { ForeignKeyInfo, KeyRange, KeyTuple, Row, TableSchema } from './schema';
import type { ChangeQuery } from './sync';

export interface Capabilities {
	/** Bulk load through a COPY-like streaming protocol. */
	supportsCopy: boolean;
	/** Writes and state updates can share one transaction. */
	supportsTransactions: boolean;
	supportsUpsert: boolean;
	/** Tables have a fixed, declared schema (false for document stores). */
	hasSchema: boolean;
	/** Checksums are computed by the database itself rather than by streaming rows. */
	checksumInDatabase: boolean;
	/** The longest table name the database keeps as given (longer ones it truncates or refuses). */
	maxIdentifier: IdentifierLimit;
}

export interface IdentifierLimit {
	length: number;
	unit: 'bytes' | 'characters';
}

export interface ReadOptions {
	/** Rows per batch; memory stays bounded by one batch. */
	batchSize: number;
	columns?: string[];
}

export interface SegmentDigest {
	rows: number;
	/** Order-independent digest of the canonical text of every row in the range. */
	digest: string;
}

export type WriteMode = 'insert' | 'upsert';

/** A state entry written in the same transaction as the rows, where the system allows it. */
export interface StateEntry {
	namespace: string;
	key: string;
	value: unknown;
}

export interface WriteOptions {
	mode: WriteMode;
	/** Conflict key for upserts; defaults to the table's primary key. */
	key?: string[];
	checkpoint?: StateEntry;
}

export interface WriteResult {
	written: number;
}

export interface StateStore {
	get<T = unknown>(namespace: string, key: string): Promise<T | undefined>;
	set(namespace: string, key: string, value: unknown): Promise<void>;
	list<T = unknown>(namespace: string): Promise<Array<{ key: string; value: T }>>;
	delete(namespace: string, key?: string): Promise<void>;
	/**
	 * Takes or renews a lease atomically: granted when free, expired (by the database's clock) or
	 * already `owner`'s; returns whoever holds it afterwards.
	 */
	lease(namespace: string, key: string, owner: string, ttlSeconds: number): Promise<{ owner: string; until: string }>;
	/** Gives a lease back, only if `owner` still holds it. */
	release(namespace: string, key: string, owner: string): Promise<void>;
}

export interface TableSnapshot {
	table: string;
	/** The table did not exist before: restoring drops it. */
	createdByMigration: boolean;
	/** Name of the copy inside the destination, when the table existed. */
	copyName?: string;
	rows: number;
	digest?: string;
	/** The table as it was: the copy's checksum is computed under it, and a vanished table is recreated from it. */
	schema?: TableSchema;
	/** Sequence or auto-increment positions to put back. */
	sequences?: SequenceState[];
}

export interface SequenceState {
	column: string;
	/** The sequence's last value (PostgreSQL) or the table's next AUTO_INCREMENT (MySQL), as exact text. */
	value: string;
	isCalled?: boolean;
}

/** The record of a table copied for a snapshot: its copy, its checksum and what restoring needs. */
export function copiedSnapshot(
	table: TableSchema,
	copyName: string,
	digest: SegmentDigest,
	sequences: SequenceState[] = [],
): TableSnapshot {
	return {
		table: table.name,
		createdByMigration: false,
		copyName,
		rows: digest.rows,
		digest: digest.digest,
		schema: table,
		sequences,
	};
}

export function requireSnapshotSchema(snapshot: TableSnapshot): TableSchema {
	if (!snapshot.schema || !snapshot.copyName)
		throw new SchemaError('SCHEMA_ERROR', `The snapshot of ${snapshot.table} records no copy to restore from`, {
			table: snapshot.table,
		});
	return snapshot.schema;
}

export interface SourceConnector {
	readonly system: string;
	readonly capabilities: Capabilities;
	/** Opens a connection and runs a trivial statement: the credential test. */
	ping(): Promise<void>;
	introspect(tables?: string[]): Promise<TableSchema[]>;
	count(table: string, range?: KeyRange): Promise<number>;
	planChunks(table: string, rowsPerChunk: number): Promise<KeyRange[]>;
	read(table: string, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]>;
	/** In-database digest of the range; `columns` narrows it (a key-only digest, say). */
	checksum(table: string, range?: KeyRange, columns?: string[]): Promise<SegmentDigest>;
	/** Rows whose (cursor, primary key) is past `after`, cursor at most `horizon`, in that order. */
	readChanges(table: string, query: ChangeQuery): Promise<Row[]>;
	/** How many rows `readChanges` would return without a limit. */
	countChanges(table: string, query: Omit<ChangeQuery, 'limit'>): Promise<number>;
	/** The rows with these primary keys (those that still exist). */
	readByKeys(table: string, keys: KeyTuple[]): Promise<Row[]>;
	/** The server's clock as a UTC instant, canonical timestamptz text. */
	clock(): Promise<string>;
	close(): Promise<void>;
}

export interface DestinationConnector extends SourceConnector {
	createTable(table: TableSchema, options?: { ifNotExists?: boolean }): Promise<void>;
	dropTable(table: string): Promise<void>;
	/** Adds the foreign keys not there yet (after the load, so chunks load in any order); returns how many were added. */
	addForeignKeys(table: string, foreignKeys: ForeignKeyInfo[]): Promise<number>;
	write(table: string, rows: Row[], options: WriteOptions): Promise<WriteResult>;
	/** Deletes rows by primary key, with an optional state entry in the same transaction where the system allows it. */
	deleteRows(table: string, keys: KeyTuple[], checkpoint?: StateEntry): Promise<number>;
	/** Rows whose foreign-key columns are all set but match no referenced row. */
	orphans(table: string, foreignKey: ForeignKeyInfo): Promise<number>;
	snapshot(table: string, runId: string): Promise<TableSnapshot>;
	/** The checksum of a snapshot's copy, to prove it unchanged before restoring from it. */
	snapshotChecksum(snapshot: TableSnapshot): Promise<SegmentDigest>;
	restore(snapshot: TableSnapshot): Promise<void>;
	discardSnapshot(snapshot: TableSnapshot): Promise<void>;
	readonly state: StateStore;
}

export type Connector = DestinationConnector;
