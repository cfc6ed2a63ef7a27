import { applyDdl, recordedLoadRules } from '../mapping/apply';
import type { TableMapping } from '../mapping/mapping';
import { copyChunk } from '../copy/migrate';
import { transformBatch, type TransformStep } from '../mapping/transform';
import type { Rejection } from '../copy/row-check';
import { rejectedRowCount } from '../copy/row-check';
import type { KeyRange, Row, Value } from '../model/schema';
import { scratchName, type ScratchSpace, type ScratchSpaces, type TableSource } from '../ports';
import { compareWithFingerprint, fingerprintTable, verifyRows, type Check } from '../validate/validate';
import { loadOrder } from './table-order';

export interface DryRunOptions {
	migration: string;
	/** Rows per table, the first ones in key order. */
	sampleRows: number;
	batchSize: number;
	/** The run's Transform steps, applied batch by batch as Copy Chunk applies them. */
	steps?: TransformStep[];
}

export interface TableDryRun {
	table: string;
	destinationTable: string;
	sampled: number;
	written: number;
	rejectedRows: number;
	/** The first values the load could not write as they were (column, value, reason). */
	rejected: Rejection[];
	/** Bytes per sampled row, as the values' own sizes (text in UTF-8, binary as is). */
	rowBytes: { average: number; max: number };
	/** Measured: create the table, load the sample, its deferred indexes, validate it. */
	seconds: { schema: number; load: number; indexes: number; validation: number };
	checks: Check[];
	pass: boolean;
	/** What stopped this table's dry run (a DDL the destination refused, say). */
	error?: string;
}

export interface DryRunResult {
	migration: string;
	scratch: string;
	sampleRows: number;
	order: string[];
	tables: TableDryRun[];
	pass: boolean;
	/** The scratch namespace was dropped: nothing is left behind. */
	dropped: boolean;
	seconds: number;
}

const MAX_LISTED_REJECTS = 20;

/**
 * A dry run: the first `sampleRows` rows of every table through the run's own path (create as Map
 * designed, read → transform → load as the chunk worker does, validate as Verify Rows does) into a
 * scratch namespace of the destination, which is dropped at the end whatever happened. The real
 * tables are never written.
 */
export async function dryRun(
	source: TableSource,
	destination: ScratchSpaces,
	mappings: TableMapping[],
	options: DryRunOptions,
): Promise<DryRunResult> {
	const started = Date.now();
	const { order } = loadOrder(mappings);
	const ordered = order.map((name) => mappings.find((m) => m.destinationTable === name)!);
	const space = await destination.openScratch(scratchName(options.migration));
	const tables: TableDryRun[] = [];
	let dropped = false;
	try {
		for (const mapping of ordered) tables.push(await dryRunTable(source, space, mapping, options));
	} finally {
		await space.drop();
		dropped = true;
	}
	return {
		migration: options.migration,
		scratch: space.name,
		sampleRows: options.sampleRows,
		order,
		tables,
		pass: tables.every((t) => t.pass),
		dropped,
		seconds: seconds(Date.now() - started),
	};
}

const seconds = (ms: number) => Math.round(ms) / 1000;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
	const started = Date.now();
	const result = await work();
	return [result, seconds(Date.now() - started)];
}

async function dryRunTable(
	source: TableSource,
	space: ScratchSpace,
	mapping: TableMapping,
	options: DryRunOptions,
): Promise<TableDryRun> {
	const scratch = space.connector;
	const result: TableDryRun = {
		table: mapping.table,
		destinationTable: mapping.destinationTable,
		sampled: 0,
		written: 0,
		rejectedRows: 0,
		rejected: [],
		rowBytes: { average: 0, max: 0 },
		seconds: { schema: 0, load: 0, indexes: 0, validation: 0 },
		checks: [],
		pass: false,
	};
	try {
		[, result.seconds.schema] = await timed(() => applyDdl(scratch, mapping));
		const sample = await firstRows(source, mapping.table, options.sampleRows);
		result.sampled = sample.rows.length;
		result.rowBytes = rowSizes(sample.rows);
		if (!sample.range) {
			result.pass = true;
			return result;
		}
		const range = sample.range;
		const rules = await recordedLoadRules(scratch, mapping.destinationTable, {
			childTables: Boolean(mapping.children?.length),
		});
		const [loaded, loadSeconds] = await timed(() =>
			copyChunk(
				source,
				scratch,
				{ run: `${options.migration}-dry-run`, table: mapping.table, position: range },
				{
					batchSize: options.batchSize,
					mode: 'upsert',
					destinationTable: mapping.destinationTable,
					flatten: mapping.flatten,
					rules,
					steps: options.steps?.length
						? [transformBatch(options.steps, mapping.table, mapping.source.primaryKey)]
						: undefined,
				},
			),
		);
		result.seconds.load = loadSeconds;
		result.written = loaded.written;
		result.rejectedRows = rejectedRowCount(loaded.rejected);
		result.rejected = loaded.rejected.slice(0, MAX_LISTED_REJECTS);
		const deferred = mapping.target.indexes.filter((i) => !i.unique);
		[, result.seconds.indexes] = await timed(() => scratch.addIndexes(mapping.destinationTable, deferred));
		[result.checks, result.seconds.validation] = await timed(() => validateSample(source, space, mapping, range));
		result.pass = result.rejectedRows === 0 && result.checks.every((c) => c.pass);
	} catch (error) {
		result.error = error instanceof Error ? error.message : String(error);
	}
	return result;
}

/** The first rows in key order and the key range that holds exactly them. */
async function firstRows(source: TableSource, table: string, size: number): Promise<{ rows: Row[]; range?: KeyRange }> {
	const [schema] = await source.introspect([table]);
	for await (const rows of source.read(table, {}, { batchSize: size })) {
		if (!rows.length) break;
		const last = rows[rows.length - 1];
		return { rows, range: { upTo: schema.primaryKey.map((k) => last[k]) } };
	}
	return { rows: [] };
}

/** The sample as Verify Rows checks a run: counts, the digest, every sampled row value by value. */
async function validateSample(
	source: TableSource,
	space: ScratchSpace,
	mapping: TableMapping,
	range: KeyRange,
): Promise<Check[]> {
	const native = source.system === space.connector.system && source.capabilities.nativeDigest;
	const fingerprint = await fingerprintTable(source, mapping.table, {
		segmentRows: Number.MAX_SAFE_INTEGER,
		sampleSize: 100,
		sampleAtMostTable: true,
		seed: 1,
		native,
		range,
	});
	const comparison = await compareWithFingerprint(space.connector, fingerprint, {
		destinationTable: mapping.destinationTable,
		maxDiffRows: 100_000,
	});
	return verifyRows(source, comparison);
}

function valueBytes(value: Value | undefined): number {
	if (value === null || value === undefined) return 0;
	if (typeof value === 'string') return Buffer.byteLength(value);
	if (value instanceof Uint8Array) return value.length;
	if (typeof value === 'number' || typeof value === 'bigint' || value instanceof Date) return 8;
	if (typeof value === 'boolean') return 1;
	return Buffer.byteLength(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

function rowSizes(rows: Row[]): TableDryRun['rowBytes'] {
	if (!rows.length) return { average: 0, max: 0 };
	let total = 0;
	let max = 0;
	for (const row of rows) {
		const bytes = Object.values(row).reduce<number>((n, v) => n + valueBytes(v), 0);
		total += bytes;
		max = Math.max(max, bytes);
	}
	return { average: Math.round(total / rows.length), max };
}
