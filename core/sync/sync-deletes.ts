import type { TableSink, TableSource } from '../ports';
import { SchemaError } from '../model/errors';
import { findColumn, keyOf, type KeyRange, type KeyTuple } from '../model/schema';
import { canonicalKey } from '../model/canonical';

/**
 * Hard deletes found by comparing key sets per primary-key segment: checksums of the key columns
 * first (computed inside each database), keys read only for the segments whose checksums differ.
 */
export interface KeySegment {
	table: string;
	primaryKey: string[];
	range: KeyRange;
	rows: number;
	digest: string;
}

export interface SegmentKeys {
	table: string;
	primaryKey: string[];
	range: KeyRange;
	sourceKeys: KeyTuple[];
}

/** Segments of the destination table with the digest of their keys. */
export async function keySegments(destination: TableSource, table: string, segmentRows: number): Promise<KeySegment[]> {
	const [schema] = await destination.introspect([table]);
	if (!schema.primaryKey.length)
		throw new SchemaError('NO_PRIMARY_KEY', `Table ${table} has no primary key: key-set deletes need one`, { table });
	const segments: KeySegment[] = [];
	for (const range of await destination.planChunks(table, segmentRows)) {
		const digest = await destination.checksum(table, range, schema.primaryKey);
		segments.push({ table, primaryKey: schema.primaryKey, range, rows: digest.rows, digest: digest.digest });
	}
	return segments;
}

/** The source's keys of a segment whose key digest differs from the destination's; undefined when equal. */
export async function sourceKeysIfDifferent(
	source: TableSource,
	segment: KeySegment,
	sourceTable = segment.table,
): Promise<SegmentKeys | undefined> {
	const digest = await source.checksum(sourceTable, segment.range, segment.primaryKey);
	if (digest.digest === segment.digest && digest.rows === segment.rows) return undefined;
	const sourceKeys: KeyTuple[] = [];
	for await (const rows of source.read(sourceTable, segment.range, { batchSize: 10000, columns: segment.primaryKey }))
		for (const row of rows) sourceKeys.push(keyOf(row, segment.primaryKey));
	return { table: segment.table, primaryKey: segment.primaryKey, range: segment.range, sourceKeys };
}

/**
 * Deletes the destination's keys of the segment that the source no longer has. Keys are compared
 * in one canonical form (the destination's types): each engine hands its own (a BIGINT as a string
 * or a number, an ObjectId as hex), and a key taken for missing would delete a row the source has.
 */
export async function deleteMissingKeys(destination: TableSink, segment: SegmentKeys): Promise<number> {
	const [schema] = await destination.introspect([segment.table]);
	const columns = segment.primaryKey.map((k) => findColumn(schema, k)!);
	const present = new Set(segment.sourceKeys.map((k) => canonicalKey(k, columns)));
	const missing: KeyTuple[] = [];
	for await (const rows of destination.read(segment.table, segment.range, {
		batchSize: 10000,
		columns: segment.primaryKey,
	}))
		for (const row of rows) {
			const key = keyOf(row, segment.primaryKey);
			if (!present.has(canonicalKey(key, columns))) missing.push(key);
		}
	if (missing.length) await destination.deleteRows(segment.table, missing);
	return missing.length;
}
