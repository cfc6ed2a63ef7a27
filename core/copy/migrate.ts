import { portableDefault } from '../model/defaults';
import type { Stateful, TableSink, TableSource, WriteMode } from '../ports';
import { combineDigests } from '../validate/digest';
import { requirePrimaryKey } from '../model/identifiers';
import type { KeyRange, Row, TableSchema } from '../model/schema';
import { CHUNK_NAMESPACE } from '../state/namespaces';

export interface ChunkRef {
	run: string;
	table: string;
	range: KeyRange;
}

/** A chunk's checkpoint key: the run, the table and the exact range, so a re-plan never reuses a stale mark. */
export function chunkKey(chunk: ChunkRef): string {
	return `${chunk.run}/${chunk.table}/${JSON.stringify(chunk.range)}`;
}

export interface CopyOptions {
	batchSize: number;
	mode: WriteMode;
	destinationTable?: string;
}

export interface ChunkResult {
	rows: number;
	skipped: boolean;
	batches: number;
}

/**
 * Copies one key range. Every batch is an idempotent write; the last one carries the chunk's
 * checkpoint (in the same transaction where the destination has them), so a rerun skips a chunk
 * that is done and rewrites one that was cut off, never duplicating a row.
 */
export async function copyChunk(
	source: TableSource,
	destination: TableSink & Stateful,
	chunk: ChunkRef,
	options: CopyOptions,
): Promise<ChunkResult> {
	const key = chunkKey(chunk);
	if (await destination.state.get(CHUNK_NAMESPACE, key)) return { rows: 0, skipped: true, batches: 0 };
	const target = options.destinationTable ?? chunk.table;
	let rows = 0;
	let batches = 0;
	let pending: Row[] | undefined;
	// One batch is held back so the checkpoint can ride on the last write.
	for await (const batch of source.read(chunk.table, chunk.range, { batchSize: options.batchSize })) {
		if (pending) await destination.write(target, pending, { mode: options.mode });
		pending = batch;
		rows += batch.length;
		batches++;
	}
	const checkpoint = { namespace: CHUNK_NAMESPACE, key, value: { rows, at: new Date().toISOString() } };
	await destination.write(target, pending ?? [], { mode: options.mode, checkpoint });
	return { rows, skipped: false, batches };
}

export interface TableMigration {
	table: string;
	rows: number;
	chunks: number;
	chunksSkipped: number;
	seconds: number;
	sourceDigest: string;
	destinationDigest: string;
	matches: boolean;
}

/** Creates the table if missing, copies it chunk by chunk, and compares checksums computed in each database. */
export async function migrateTable(
	source: TableSource,
	destination: TableSink & Stateful,
	table: string,
	options: {
		run: string;
		rowsPerChunk: number;
		batchSize: number;
		mode?: WriteMode;
		onChunk?: (done: number, total: number) => void;
	},
): Promise<TableMigration> {
	const started = Date.now();
	const [schema] = await source.introspect([table]);
	requirePrimaryKey(schema, source.system);
	await destination.createTable(portableSchema(schema), { ifNotExists: true });
	const ranges = await source.planChunks(table, options.rowsPerChunk);
	let rows = 0;
	let skipped = 0;
	for (const [i, range] of ranges.entries()) {
		const result = await copyChunk(
			source,
			destination,
			{ run: options.run, table, range },
			{ batchSize: options.batchSize, mode: options.mode ?? 'upsert' },
		);
		rows += result.rows;
		if (result.skipped) skipped++;
		options.onChunk?.(i + 1, ranges.length);
	}
	const [sourceDigest, destinationDigest] = await Promise.all([
		Promise.all(ranges.map((r) => source.checksum(table, r))).then(combineDigests),
		destination.checksum(table),
	]);
	return {
		table,
		rows,
		chunks: ranges.length,
		chunksSkipped: skipped,
		seconds: (Date.now() - started) / 1000,
		sourceDigest: sourceDigest.digest,
		destinationDigest: destinationDigest.digest,
		matches: sourceDigest.digest === destinationDigest.digest,
	};
}

/** A source schema as another engine should create it: logical types carry over, native ones do not. */
export function portableSchema(schema: TableSchema): TableSchema {
	return {
		...schema,
		// A default every engine reads alike travels (see core/defaults.ts); others stay behind.
		columns: schema.columns.map((c) => ({
			...c,
			nativeType: '',
			defaultExpression: portableDefault(c) ? c.defaultExpression : undefined,
			autoIncrement: false,
		})),
		foreignKeys: [],
	};
}
