/**
 * Validation of a record source's copy: records fetched vs landed (from the pages' checkpoints
 * and a count of the table), the digest of the records as fetched vs the table's own in-database
 * checksum, and a deep compare of the first pages fetched again against the rows by key.
 */
import { canonicalText } from '../model/canonical';
import { keyOf, type Row } from '../model/schema';
import type { ChangeSource, PageCursor, RecordSource, Stateful } from '../ports';
import { fetchedDigest, rowsOf, tableShape, type PagesOptions } from '../copy/pages';
import type { ChildTable } from '../mapping/child-tables';
import type { Check } from './validate';

export interface ApiVerifyOptions extends Pick<PagesOptions, 'flatten'> {
	run: string;
	resource: string;
	table: string;
	/** Pages fetched again and compared value by value. */
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
	const [landedRows, landed] = await Promise.all([destination.count(table), destination.checksum(table)]);
	const count: Check = {
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
	};
	const checksum: Check = {
		check: 'checksum',
		table,
		pass: fetched.digest.digest === landed.digest,
		details: {
			segments: 1,
			mismatchedSegments: fetched.digest.digest === landed.digest ? 0 : 1,
			note: 'records as fetched vs as landed',
			fetched: fetched.digest.digest,
			landed: landed.digest,
		},
	};
	return [count, checksum, await sampleCheck(source, destination, options)];
}

async function sampleCheck(source: RecordSource, destination: ChangeSource, options: ApiVerifyOptions): Promise<Check> {
	const [schema] = await destination.introspect([options.table]);
	const differences: Array<{ key: unknown; column: string; fetched: string | null; landed: string | null }> = [];
	let compared = 0;
	let missing = 0;
	let cursor: PageCursor['cursor'] = null;
	for (let n = 0; n < options.samplePages; n++) {
		const page = await source.readPage(options.resource, { cursor });
		const rows = rowsOf(page.records, options).map((row) => tableShape(row, schema, options.children));
		const landed = new Map(
			(
				await destination.readByKeys(
					options.table,
					rows.map((r) => keyOf(r, schema.primaryKey)),
				)
			).map((r) => [keyText(r, schema.primaryKey, schema.columns), r]),
		);
		for (const row of rows) {
			compared++;
			const there = landed.get(keyText(row, schema.primaryKey, schema.columns));
			if (!there) {
				missing++;
				differences.push({ key: keyOf(row, schema.primaryKey), column: '(row)', fetched: 'present', landed: null });
				continue;
			}
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
		check: 'sample',
		table: options.table,
		pass: differences.length === 0,
		details: {
			rows: compared,
			seed: `the first ${options.samplePages} page(s), fetched again`,
			missing,
			differences: differences.slice(0, options.maxListed ?? 100),
			differenceCount: differences.length,
		},
	};
}

function keyText(
	row: Row,
	primaryKey: string[],
	columns: Array<{ name: string; logical: Parameters<typeof canonicalText>[1] }>,
) {
	return JSON.stringify(primaryKey.map((k) => canonicalText(row[k], columns.find((c) => c.name === k)!.logical)));
}
