import { canonicalText } from '../model/canonical';
import type { ChangeSource, SegmentDigest, TableSink, TableSource } from '../ports';
import { inPool } from '../copy/pool';
import { combineDigests } from './digest';
import { SchemaError } from '../model/errors';
import { requirePrimaryKey } from '../model/identifiers';
import type { Column, KeyRange, KeyTuple, Row } from '../model/schema';

/**
 * Validation across two databases in one-credential steps (an n8n node holds one credential of a
 * type): Fingerprint on the source, Compare on the destination, Verify Rows on the source again.
 * Values compare in one canonical text per logical type, the source's, on both sides.
 */

/** A row's canonical text per column; null is SQL NULL. */
export type CanonicalRow = Record<string, string | null>;

export interface Segment {
	range: KeyRange;
	rows: number;
	digest: string;
}

export interface SampleRow {
	/** The key before this one in the source (the segment start for the first): the row is in (after, key]. */
	after?: KeyTuple;
	key: KeyTuple;
	values: CanonicalRow;
}

export interface Fingerprint {
	table: string;
	columns: Column[];
	primaryKey: string[];
	rows: number;
	digest: string;
	segments: Segment[];
	sample: { seed: number; rows: SampleRow[] };
	/** How the digests were taken: "portable" (any destination), or "native:<system>" (the same engine only). */
	digestMode?: string;
}

export interface Check {
	check: 'columns' | 'count' | 'checksum' | 'sample' | 'rows' | 'referential';
	table: string;
	pass: boolean;
	details: Record<string, unknown>;
}

/** The destination's side of the segments whose digests differ, for Verify Rows. */
export interface PendingDiff {
	table: string;
	destinationTable: string;
	columns: Column[];
	primaryKey: string[];
	segments: Array<{ range: KeyRange; rows: Array<{ key: KeyTuple; values: CanonicalRow }> }>;
	/** Mismatching segments not carried (the row cap was reached). */
	skippedSegments: number;
}

export interface Comparison {
	checks: Check[];
	pending: PendingDiff;
}

const MAX_LISTED = 100;

export function canonicalRow(row: Row, columns: Column[]): CanonicalRow {
	const out: CanonicalRow = {};
	for (const column of columns) out[column.name] = canonicalText(row[column.name], column.logical);
	return out;
}

const keyOf = (row: Row, primaryKey: string[], columns: Column[]) =>
	primaryKey.map((k) => canonicalText(row[k], columns.find((c) => c.name === k)?.logical ?? 'string'));

const keyRow = (primaryKey: string[], key: KeyTuple): Row => Object.fromEntries(primaryKey.map((k, i) => [k, key[i]]));

/** A small seeded generator (mulberry32): the same seed picks the same sample. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface FingerprintOptions {
	segmentRows: number;
	sampleSize: number;
	seed: number;
	/** A table smaller than the sample is sampled whole instead of refused. */
	sampleAtMostTable?: boolean;
	/** Every column digested inside the database, JSON and floats included: for a destination of the same engine. */
	native?: boolean;
	/** One key range of the table instead of all of it (a dry run's sample), as one segment. */
	range?: KeyRange;
}

/**
 * Segments digested this many at a time: each digest is one query summing the scalar columns and
 * one stream of the JSON and float columns (see SqlConnector.checksumTable), so three segments keep a
 * connector's default pool of 4 busy, and the database works while Node hashes.
 */
const SEGMENTS_AT_ONCE = 3;

/** The digest of each range, in order; the first failure fails the whole (after the rest settled). */
async function segmentDigests(
	source: TableSource,
	table: string,
	ranges: KeyRange[],
	native: boolean,
): Promise<SegmentDigest[]> {
	const settled = await inPool(ranges.length, SEGMENTS_AT_ONCE, (i) =>
		source.checksum(table, ranges[i], undefined, { native }),
	);
	return settled.map((outcome) => {
		if (!outcome.ok) throw outcome.error;
		return outcome.value;
	});
}

/** Counts, per-segment digests computed inside the database, and a seeded sample of rows. */
export async function fingerprintTable(
	source: TableSource,
	table: string,
	options: FingerprintOptions,
): Promise<Fingerprint> {
	const [schema] = await source.introspect([table]);
	requirePrimaryKey(schema, source.system);
	const native = Boolean(options.native);
	if (native && !source.capabilities.nativeDigest)
		throw new RangeError(
			`Digest "Same Engine" is for databases that digest every column themselves (PostgreSQL); ${source.system} does not: choose "Portable"`,
		);
	const ranges = options.range ? [options.range] : await source.planChunks(table, options.segmentRows);
	const segments: Segment[] = (await segmentDigests(source, table, ranges, native)).map((digest, i) => ({
		range: ranges[i],
		rows: digest.rows,
		digest: digest.digest,
	}));
	const total = combineDigests(segments);
	if (options.sampleAtMostTable) options = { ...options, sampleSize: Math.min(options.sampleSize, total.rows) };
	if (options.sampleSize > total.rows)
		throw new RangeError(
			`Sample size ${options.sampleSize} is larger than table ${table} (${total.rows} rows); choose at most ${total.rows}`,
		);
	const sample = await sampleRows(source, schema.columns, schema.primaryKey, table, segments, options);
	return {
		table,
		columns: schema.columns,
		primaryKey: schema.primaryKey,
		rows: total.rows,
		digest: total.digest,
		segments,
		sample: { seed: options.seed, rows: sample },
		digestMode: native ? `native:${source.system}` : 'portable',
	};
}

/** Rows at seeded positions: a segment is picked at random, then a row among its first page. */
async function sampleRows(
	source: TableSource,
	columns: Column[],
	primaryKey: string[],
	table: string,
	segments: Segment[],
	options: FingerprintOptions,
): Promise<SampleRow[]> {
	const next = seededRandom(options.seed);
	const wanted = new Map<number, Set<number>>();
	const filled = segments.map((s, i) => [s, i] as const).filter(([s]) => s.rows > 0);
	const pageSize = Math.min(1000, options.segmentRows);
	let picked = 0;
	for (let tries = 0; picked < options.sampleSize && tries < options.sampleSize * 20; tries++) {
		const [segment, index] = filled[Math.floor(next() * filled.length)];
		const offset = Math.floor(next() * Math.min(segment.rows, pageSize));
		const offsets = wanted.get(index) ?? new Set<number>();
		if (offsets.has(offset)) continue;
		offsets.add(offset);
		wanted.set(index, offsets);
		picked += 1;
	}
	const sample: SampleRow[] = [];
	for (const [index, offsets] of [...wanted].sort((a, b) => a[0] - b[0])) {
		const range = segments[index].range;
		const limit = Math.max(...offsets) + 1;
		const page: Row[] = [];
		for await (const rows of source.read(table, range, { batchSize: limit })) {
			page.push(...rows);
			break;
		}
		for (const offset of [...offsets].sort((a, b) => a - b)) {
			const row = page[offset];
			if (!row) continue;
			const previous = offset === 0 ? range.after : primaryKey.map((k) => page[offset - 1][k]);
			sample.push({ after: previous, key: primaryKey.map((k) => row[k]), values: canonicalRow(row, columns) });
		}
	}
	return sample;
}

/**
 * The destination's row with a sampled key: by key where the destination reads by key (two engines
 * may order text or mixed-type keys differently, so a range could miss it), else in its key range.
 */
async function findSampled(
	destination: TableSink & Partial<Pick<ChangeSource, 'readByKeys'>>,
	table: string,
	sampled: SampleRow,
	primaryKey: string[],
	common: Column[],
	wanted: string,
): Promise<Row | undefined> {
	const matches = (r: Row) => JSON.stringify(keyOf(r, primaryKey, common)) === wanted;
	if (destination.readByKeys) return (await destination.readByKeys(table, [sampled.key])).find(matches);
	let found: Row | undefined;
	for await (const batch of destination.read(
		table,
		{ after: sampled.after, upTo: sampled.key },
		{
			batchSize: 1000,
			columns: common.map((c) => c.name),
		},
	))
		found ??= batch.find(matches);
	return found;
}

/** Whether a fingerprint's digests were native; refused where this destination could not reproduce them. */
function nativeFor(destination: TableSource, fingerprint: Fingerprint): boolean {
	const mode = fingerprint.digestMode ?? 'portable';
	if (mode === 'portable') return false;
	if (mode !== `native:${destination.system}` || !destination.capabilities.nativeDigest)
		throw new RangeError(
			`The fingerprint of ${fingerprint.table} was taken with Digest "Same Engine" (${mode.slice(7)}), which only ${mode.slice(7)} reproduces; this destination is ${destination.system}: fingerprint with Digest "Portable"`,
		);
	return true;
}

export interface CompareOptions {
	destinationTable?: string;
	/** Destination rows carried to Verify Rows at most; segments beyond are counted, not diffed. */
	maxDiffRows: number;
}

/** The destination against a source fingerprint: columns, count, segment digests, the sample, foreign keys. */
export async function compareWithFingerprint(
	destination: TableSink & Partial<Pick<ChangeSource, 'readByKeys'>>,
	fingerprint: Fingerprint,
	options: CompareOptions,
): Promise<Comparison> {
	const table = fingerprint.table;
	const destinationTable = options.destinationTable ?? table;
	const native = nativeFor(destination, fingerprint);
	const [schema] = await destination.introspect([destinationTable]);
	if (schema.primaryKey.join() !== fingerprint.primaryKey.join())
		throw new SchemaError(
			'NO_PRIMARY_KEY',
			`${table} and ${destinationTable} have no common key (source: ${fingerprint.primaryKey.join(', ') || 'none'}; destination: ${schema.primaryKey.join(', ') || 'none'}): rows cannot be paired`,
			{ table: destinationTable },
		);
	const names = new Set(schema.columns.map((c) => c.name));
	const common = fingerprint.columns.filter((c) => names.has(c.name));
	const checks: Check[] = [];
	const missingColumns = fingerprint.columns.filter((c) => !names.has(c.name)).map((c) => c.name);
	const extraColumns = schema.columns
		.filter((c) => !fingerprint.columns.some((f) => f.name === c.name))
		.map((c) => c.name);
	// Mapped columns (flattened, child tables) differ on purpose: listed, and values compared on the common ones.
	checks.push({
		check: 'columns',
		table,
		pass: true,
		details: { compared: common.length, missingColumns, extraColumns },
	});

	const rows = await destination.count(destinationTable);
	checks.push({
		check: 'count',
		table,
		pass: rows === fingerprint.rows,
		details: { source: fingerprint.rows, destination: rows, difference: rows - fingerprint.rows },
	});

	const pending: PendingDiff = {
		table,
		destinationTable,
		columns: common,
		primaryKey: fingerprint.primaryKey,
		segments: [],
		skippedSegments: 0,
	};
	let carried = 0;
	let mismatched = 0;
	const digests = await segmentDigests(
		destination,
		destinationTable,
		fingerprint.segments.map((s) => s.range),
		native,
	);
	for (const [i, segment] of fingerprint.segments.entries()) {
		if (digests[i].digest === segment.digest) continue;
		mismatched += 1;
		if (carried >= options.maxDiffRows) {
			pending.skippedSegments += 1;
			continue;
		}
		const diffRows: PendingDiff['segments'][number]['rows'] = [];
		for await (const batch of destination.read(destinationTable, segment.range, {
			batchSize: 5000,
			columns: common.map((c) => c.name),
		}))
			for (const row of batch)
				diffRows.push({ key: keyOf(row, fingerprint.primaryKey, common), values: canonicalRow(row, common) });
		carried += diffRows.length;
		pending.segments.push({ range: segment.range, rows: diffRows });
	}
	checks.push({
		check: 'checksum',
		table,
		pass: mismatched === 0,
		details: {
			segments: fingerprint.segments.length,
			mismatchedSegments: mismatched,
			sourceDigest: fingerprint.digest,
		},
	});

	const differences: Array<Record<string, unknown>> = [];
	for (const sampled of fingerprint.sample.rows) {
		const wanted = JSON.stringify(keyOf(keyRow(fingerprint.primaryKey, sampled.key), fingerprint.primaryKey, common));
		const found = await findSampled(destination, destinationTable, sampled, fingerprint.primaryKey, common, wanted);
		if (!found) {
			differences.push({ key: sampled.key, column: null, source: 'row', destination: 'missing' });
			continue;
		}
		const values = canonicalRow(found, common);
		for (const column of common)
			if (values[column.name] !== sampled.values[column.name])
				differences.push({
					key: sampled.key,
					column: column.name,
					source: sampled.values[column.name],
					destination: values[column.name],
				});
	}
	checks.push({
		check: 'sample',
		table,
		pass: differences.length === 0,
		details: {
			rows: fingerprint.sample.rows.length,
			seed: fingerprint.sample.seed,
			differences: differences.slice(0, MAX_LISTED),
		},
	});

	const orphans: Array<{ foreignKey: string; orphans: number }> = [];
	for (const fk of schema.foreignKeys)
		orphans.push({ foreignKey: fk.name, orphans: await destination.orphans(destinationTable, fk) });
	checks.push({
		check: 'referential',
		table,
		pass: orphans.every((o) => o.orphans === 0),
		details: { foreignKeys: orphans },
	});
	return { checks, pending };
}

/**
 * Reads the source rows of every mismatching segment and names each difference: rows missing or
 * extra, and per changed value its key, column, source and destination text. A segment whose
 * digests differed but whose values are equal (two engines' representations) passes the checksum.
 */
export async function verifyRows(source: TableSource, comparison: Comparison): Promise<Check[]> {
	const { pending } = comparison;
	const missing: KeyTuple[] = [];
	const extra: KeyTuple[] = [];
	const changed: Array<Record<string, unknown>> = [];
	let changedCount = 0;
	// One map over every differing segment: a destination that sorts keys otherwise (a collation) may
	// hold a row in another segment's range, and it is paired there rather than called missing and extra.
	const destination = new Map(pending.segments.flatMap((s) => s.rows).map((r) => [JSON.stringify(r.key), r]));
	for (const segment of pending.segments) {
		for await (const batch of source.read(pending.table, segment.range, {
			batchSize: 5000,
			columns: pending.columns.map((c) => c.name),
		}))
			for (const row of batch) {
				const key = keyOf(row, pending.primaryKey, pending.columns);
				const other = destination.get(JSON.stringify(key));
				if (!other) {
					missing.push(key);
					continue;
				}
				destination.delete(JSON.stringify(key));
				const values = canonicalRow(row, pending.columns);
				for (const column of pending.columns)
					if (values[column.name] !== other.values[column.name]) {
						changedCount += 1;
						if (changed.length < MAX_LISTED)
							changed.push({
								key,
								column: column.name,
								source: values[column.name],
								destination: other.values[column.name],
							});
					}
			}
	}
	extra.push(...[...destination.values()].map((r) => r.key));
	const clean = missing.length === 0 && extra.length === 0 && changedCount === 0 && pending.skippedSegments === 0;
	const checks = comparison.checks.map((check) =>
		check.check === 'checksum' && !check.pass && clean
			? {
					...check,
					pass: true,
					details: { ...check.details, note: 'digests differ in representation only: every value compared equal' },
				}
			: check,
	);
	checks.push({
		check: 'rows',
		table: pending.table,
		pass: clean,
		details: {
			segmentsCompared: pending.segments.length,
			segmentsNotCompared: pending.skippedSegments,
			missingInDestination: missing.length,
			extraInDestination: extra.length,
			changedValues: changedCount,
			missing: missing.slice(0, MAX_LISTED),
			extra: extra.slice(0, MAX_LISTED),
			changed,
		},
	});
	return checks;
}
