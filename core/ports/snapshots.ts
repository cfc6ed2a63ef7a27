import { SchemaError } from '../model/errors';
import type { TableSchema } from '../model/schema';
import type { SegmentDigest } from './table-source';

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

/** Copies of tables inside their own database, to put them back exactly (Rollback). */
export interface Snapshots {
	snapshot(table: string, runId: string): Promise<TableSnapshot>;
	/** The checksum of a snapshot's copy, to prove it unchanged before restoring from it. */
	snapshotChecksum(snapshot: TableSnapshot): Promise<SegmentDigest>;
	restore(snapshot: TableSnapshot): Promise<void>;
	discardSnapshot(snapshot: TableSnapshot): Promise<void>;
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
