import type { KeyRange, Row, TableSchema } from '../model/schema';
import type { System } from './capabilities';

export interface ReadOptions {
	/** Rows per batch; memory stays bounded by one batch. */
	batchSize: number;
	columns?: string[];
}

export interface DigestOptions {
	/** Every column digested in the database's own form (capability nativeDigest): comparable with the same engine only. */
	native?: boolean;
}

export interface SegmentDigest {
	rows: number;
	/** Order-independent digest of the canonical text of every row in the range. */
	digest: string;
}

/** Tables read by primary-key range: the source of a copy, and either side of a validation. */
export interface TableSource extends System {
	introspect(tables?: string[]): Promise<TableSchema[]>;
	count(table: string, range?: KeyRange): Promise<number>;
	planChunks(table: string, rowsPerChunk: number): Promise<KeyRange[]>;
	read(table: string, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]>;
	/** In-database digest of the range; `columns` narrows it (a key-only digest, say). */
	checksum(table: string, range?: KeyRange, columns?: string[], options?: DigestOptions): Promise<SegmentDigest>;
	/** True when the column holds no value but these integers (and NULL): what Map asks of a TINYINT(1). */
	holdsOnly?(table: string, column: string, values: number[]): Promise<boolean>;
}
