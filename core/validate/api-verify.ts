/**
 * Validation of a record source's copy. A whole copy: records fetched vs landed (from the pages'
 * checkpoints and a count of the table), the digest of the records as fetched vs the table's own
 * in-database checksum, and a deep compare of the first pages fetched again against the rows by
 * key. An incremental copy (only records changed since a watermark; the table holds earlier runs'
 * rows too): every page of the run fetched again, each record compared by key, and the digests of
 * those records as fetched and as landed.
 */
import { canonicalKey, canonicalText } from '../model/canonical';
import { keyOf, type Row } from '../model/schema';
import type { ChangeSource, PageCursor, RecordSource, Stateful } from '../ports';
import { fetchedDigest, rowsOf, tableShape, type PagesOptions, type Watermark } from '../copy/pages';
import type { ChildTable } from '../mapping/child-tables';
import { DigestAccumulator } from './digest';
import type { Check } from './validate';

export interface ApiVerifyOptions extends Pick<PagesOptions, 'flatten'> {
	run: string;
	resource: string;
	table: string;
	/** Pages fetched again and compared value by value (an incremental run: all of them). */
	samplePages: number;
	children?: ChildTable[];
	/** Differences listed at most (all are counted). */
	maxListed?: number;
}

export async function verifyApiCopy(
	source: RecordSource,
	destination: ChangeSource & Stateful,
	options: ApiVerifyOptions,
): Promise<Check[]> {
	const { table } = options;
	const fetched = await fetchedDigest(destination, options.run, table);
	if (fetched.since !== undefined) return verifyIncrement(source, destination, options, fetched);
	const [landedRows, landed] = await Promise.all([destination.count(table), destination.checksum(table)]);
	const sample = await compareAgain(source, destination, options, options.samplePages);
	return [
		{
			check: 'count',
			table,
			pass: fetched.done && fetched.written === landedRows,
			details: {
				source: fetched.written,
				destination: landedRows,
				fetched: fetched.fetched,
				rejected: fetched.rejected,
				pages: fetched.pages,
				allPagesLoaded: fetched.done,
			},
		},
		digestCheck(table, fetched.digest.digest, landed.digest, 'records as fetched vs as landed'),
		sampleCheck(table, sample, `the first ${options.samplePages} page(s), fetched again`),
	];
}

async function verifyIncrement(
	source: RecordSource,
	destination: ChangeSource & Stateful,
	options: ApiVerifyOptions,
	fetched: Awaited<ReturnType<typeof fetchedDigest>>,
): Promise<Check[]> {
	const { table } = options;
	const again = await compareAgain(source, destination, options, Infinity, fetched.since);
	return [
		{
			check: 'count',
			table,
			pass: fetched.done && again.missing === 0 && fetched.rejected === 0,
			details: {
				source: fetched.written,
				destination: again.compared - again.missing,
				fetched: fetched.fetched,
				rejected: fetched.rejected,
				pages: fetched.pages,
				allPagesLoaded: fetched.done,
				since: fetched.since,
			},
		},
		digestCheck(
			table,
			again.fetchedDigest,
			again.landedDigest,
			`records changed since ${fetched.since}, fetched again vs as landed`,
		),
		sampleCheck(table, again, `every page since ${fetched.since}, fetched again`),
	];
}

function digestCheck(table: string, fetched: string, landed: string, note: string): Check {
	return {
		check: 'checksum',
		table,
		pass: fetched === landed,
		details: { segments: 1, mismatchedSegments: fetched === landed ? 0 : 1, note, fetched, landed },
	};
}

type Compared = Awaited<ReturnType<typeof compareAgain>>;

function sampleCheck(table: string, compared: Compared, seed: string): Check {
	return {
		check: 'sample',
		table,
		pass: compared.differences.length === 0,
		details: {
			rows: compared.compared,
			seed,
			missing: compared.missing,
			differences: compared.differences.slice(0, 100),
			differenceCount: compared.differences.length,
		},
	};
}

/** Pages fetched again from the start, each record compared with its row by key; digests of both sides. */
async function compareAgain(
	source: RecordSource,
	destination: ChangeSource,
	options: ApiVerifyOptions,
	pages: number,
	since?: Watermark,
) {
	const [schema] = await destination.introspect([options.table]);
	const keyColumns = schema.primaryKey.map((k) => schema.columns.find((c) => c.name === k)!);
	const keyText = (row: Row) => canonicalKey(keyOf(row, schema.primaryKey), keyColumns);
	const fetchedDigest = new DigestAccumulator(schema.columns, schema.primaryKey);
	const landedDigest = new DigestAccumulator(schema.columns, schema.primaryKey);
	const differences: Array<{ key: unknown; column: string; fetched: string | null; landed: string | null }> = [];
	let compared = 0;
	let missing = 0;
	let cursor: PageCursor['cursor'] = null;
	for (let n = 0; n < pages; n++) {
		const page = await source.readPage(options.resource, { cursor }, since !== undefined ? { since } : {});
		const rows = rowsOf(page.records, schema, options).map((row) => tableShape(row, schema, options.children));
		const landed = new Map(
			(
				await destination.readByKeys(
					options.table,
					rows.map((r) => keyOf(r, schema.primaryKey)),
				)
			).map((r) => [keyText(r), r]),
		);
		for (const row of rows) {
			compared++;
			fetchedDigest.add(row);
			const there = landed.get(keyText(row));
			if (!there) {
				missing++;
				differences.push({ key: keyOf(row, schema.primaryKey), column: '(row)', fetched: 'present', landed: null });
				continue;
			}
			landedDigest.add(there);
			for (const column of schema.columns) {
				const a = canonicalText(row[column.name], column.logical);
				const b = canonicalText(there[column.name], column.logical);
				if (a !== b)
					differences.push({ key: keyOf(row, schema.primaryKey), column: column.name, fetched: a, landed: b });
			}
		}
		if (!page.next) break;
		cursor = page.next.cursor;
	}
	return {
		compared,
		missing,
		differences,
		fetchedDigest: fetchedDigest.result().digest,
		landedDigest: landedDigest.result().digest,
	};
}
