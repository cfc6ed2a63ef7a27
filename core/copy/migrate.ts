import { portableDefault } from '../model/defaults';
import type { Stateful, TableSink, TableSource, WriteMode } from '../ports';
import { type ChunkRef } from './chunks';
import { copyBatches, type LoadOptions, type LoadResult, type RowStep } from './load';
import { readAhead } from './read-ahead';
import { copyChunkNatively } from './native-copy';
import { flattenRow } from '../mapping/flatten';
import { combineDigests } from '../validate/digest';
import { requirePrimaryKey } from '../model/identifiers';
import type { KeyRange, Row, TableSchema } from '../model/schema';

export interface CopyOptions {
	batchSize: number;
	mode: WriteMode;
	destinationTable?: string;
	/** Source rows flattened by this separator first (Map's design: one column per leaf). */
	flatten?: string;
	/** Transform steps, applied batch by batch. */
	steps?: RowStep[];
	/** What Apply DDL recorded for the destination table: value policies, flattening, child tables. */
	rules?: Pick<LoadOptions, 'children' | 'policies' | 'flattened'>;
	/** Batches read ahead while one is written (default 1): reading and writing overlap. */
	readAhead?: number;
}

export interface ChunkResult extends LoadResult {
	rows: number;
	batches: number;
	/** "native": the engine's own bulk format end to end (same engine, same column types); "rows": the row pipeline. */
	path: 'native' | 'rows';
}

/**
 * Copies one key range of a table through the copy pipeline (core/copy/load.ts), streaming: the
 * source's batches go to the destination as they come, the next one read while this one is
 * written, so memory is O(read-ahead × batch) whatever the chunk's size.
 */
export async function copyChunk(
	source: TableSource,
	destination: TableSink & Stateful,
	chunk: ChunkRef,
	options: CopyOptions,
): Promise<ChunkResult> {
	const table = options.destinationTable ?? chunk.table;
	// Nothing to reshape: a same-engine chunk may skip the row pipeline altogether.
	if (!options.steps?.length && !options.flatten && !options.rules?.children?.length) {
		const native = await copyChunkNatively(source, destination, chunk, options);
		if (native)
			return { ...native, table, rows: native.written, rejected: [], chunk, childRows: {}, batches: 0, path: 'native' };
	}
	const read = source.read(chunk.table, chunk.position as KeyRange, { batchSize: options.batchSize });
	const trustedJson = source.capabilities.jsonTextValid
		? new Set(
				(await source.introspect([chunk.table]))[0].columns.filter((c) => c.logical === 'json').map((c) => c.name),
			)
		: undefined;
	const separator = options.flatten;
	const batches = separator ? mapBatches(read, (row) => flattenRow(row, separator)) : read;
	const result = await copyBatches(destination, readAhead(batches, options.readAhead ?? 1), {
		...options.rules,
		table: options.destinationTable ?? chunk.table,
		mode: options.mode,
		batchSize: options.batchSize,
		chunk,
		steps: options.steps,
		trustedJson,
	});
	return { ...result, rows: result.written, path: 'rows' };
}

async function* mapBatches(batches: AsyncIterable<Row[]>, map: (row: Row) => Row): AsyncGenerator<Row[]> {
	for await (const batch of batches) yield batch.map(map);
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
			{ run: options.run, table, position: range },
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
