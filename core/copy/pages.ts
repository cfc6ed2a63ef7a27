/**
 * A record source (a REST API) copied page by page into a table: each page's rows go through the
 * copy pipeline (core/copy/load.ts) and its checkpoint — the cursor it was read at, the cursor of
 * the next page, the digest of its rows as fetched — rides on its last write, in the same
 * transaction. A run resumes after the last committed page: a kill mid-page loses that page's
 * write, which the rerun reads again (rows upserted by key), so no record is lost or duplicated.
 */
import { RequestError, StateError } from '../model/errors';
import { exactRow } from '../model/exact-json';
import { canonicalJsonValue } from '../model/json-text';
import { keyOf, type Row, type TableSchema } from '../model/schema';
import type { PageCursor, RecordSource, Stateful, TableSink, WriteMode } from '../ports';
import { clearStaleCheckpoints, recordPlan } from '../report/progress';
import { CHUNK_NAMESPACE, WATERMARK_NAMESPACE } from '../state/namespaces';
import { combineDigests, DigestAccumulator } from '../validate/digest';
import { flattenRow } from '../mapping/flatten';
import { isRejection, splitRow, type ChildTable } from '../mapping/child-tables';
import { copyBatches, type LoadOptions, type RowStep } from './load';
import type { Rejection } from './row-check';

/** What a page's checkpoint holds beside the pipeline's rows and rejects. */
export interface PageCheckpoint {
	rows: number;
	rejectedCount: number;
	/** The cursor this page was read at (null: the first page). */
	cursor: PageCursor['cursor'];
	/** The next page's cursor; null when this page was the last. */
	next: PageCursor['cursor'] | null;
	last: boolean;
	/** Records the page held, as fetched. */
	fetched: number;
	/** Digest of the page's rows that were written, as fetched: summed, it must equal the table's. */
	digest: string;
	/** Records the API says the resource holds, when it says. */
	total?: number;
	/** Incremental: the watermark this run reads from (kept on page 1, so every execution of the run uses it). */
	since?: Watermark;
	/** Incremental: the highest watermark field value among the page's records. */
	maxSeen?: Watermark;
}

/** A watermark of an API resource: the value of its updated-at field (ISO text or a number). */
export type Watermark = string | number;

/** Where an incremental API copy keeps its watermark, per destination table (":" is in no sync name, so no sync's key). */
export const apiWatermarkKey = (table: string) => `rest-api:${table}`;

export interface PagesOptions {
	run: string;
	/** The resource the source reads (its name in the connector). */
	resource: string;
	/** The destination table. */
	table: string;
	/** Pages this call copies at most (one page-worker execution). */
	pages: number;
	mode: WriteMode;
	batchSize: number;
	/** Rows flattened by this separator first (Map's design). */
	flatten?: string;
	steps?: RowStep[];
	rules?: Pick<LoadOptions, 'children' | 'policies' | 'flattened'>;
	/**
	 * Incremental: only records changed since the last complete run's watermark (the highest `field`
	 * it saw); this run's, once its last page is in, is the next run's.
	 */
	incremental?: { field: string };
}

export interface PagesResult {
	table: string;
	pages: number;
	fetched: number;
	written: number;
	rejected: Rejection[];
	/** True when the last page of the resource is committed. */
	done: boolean;
	/** Pages committed so far in this run, this call's included. */
	pagesDone: number;
	next: PageCursor['cursor'] | null;
	/** Incremental: the watermark this run reads from (none: every record). */
	since?: Watermark;
}

/** The committed pages of a run, in order, from its checkpoints; a gap ends the chain (later pages are rewritten). */
export async function committedPages(
	destination: Stateful,
	run: string,
	table: string,
): Promise<Array<PageCheckpoint & { page: number }>> {
	const prefix = `${run}/${table}/`;
	const byPage = new Map<number, PageCheckpoint>();
	for (const { key, value } of await destination.state.list<PageCheckpoint>(CHUNK_NAMESPACE)) {
		if (!key.startsWith(prefix)) continue;
		const position = JSON.parse(key.slice(prefix.length)) as { page?: number };
		if (typeof position.page === 'number') byPage.set(position.page, value);
	}
	const chain: Array<PageCheckpoint & { page: number }> = [];
	for (let page = 1; byPage.has(page); page++) chain.push({ ...byPage.get(page)!, page });
	return chain;
}

/** The sum of every committed page's digest: the rows as fetched, to compare with the table's own checksum. */
export async function fetchedDigest(destination: Stateful, run: string, table: string) {
	const pages = await committedPages(destination, run, table);
	const digest = combineDigests(pages.map((p) => ({ rows: 0, digest: p.digest })));
	return {
		pages: pages.length,
		done: pages.at(-1)?.last ?? false,
		fetched: pages.reduce((n, p) => n + p.fetched, 0),
		written: pages.reduce((n, p) => n + p.rows, 0),
		rejected: pages.reduce((n, p) => n + (p.rejectedCount ?? 0), 0),
		digest,
		since: pages[0]?.since,
	};
}

export async function copyPages(
	source: RecordSource,
	destination: TableSink & Stateful,
	options: PagesOptions,
): Promise<PagesResult> {
	if (!Number.isInteger(options.pages) || options.pages < 1)
		throw new RequestError(`Pages per run must be a positive integer, got ${options.pages}`);
	let chain = await committedPages(destination, options.run, options.table);
	// Pages of a table emptied since (dropped and created again) vouch for rows that are gone: read again.
	if (chain.some((p) => p.rows > 0) && (await clearStaleCheckpoints(destination, options.run, [options.table])))
		chain = [];
	const seen = new Map(chain.map((p) => [JSON.stringify(p.cursor), p.page]));
	const lastDone = chain.at(-1);
	const result: PagesResult = {
		table: options.table,
		pages: 0,
		fetched: 0,
		written: 0,
		rejected: [],
		done: lastDone?.last ?? false,
		pagesDone: chain.length,
		next: lastDone ? lastDone.next : null,
	};
	const since = options.incremental
		? chain.length
			? chain[0].since
			: await startingWatermark(destination, options.table)
		: undefined;
	if (since !== undefined) result.since = since;
	if (result.done) {
		if (options.incremental) await recordWatermark(destination, options, chain);
		return result;
	}
	const [schema] = await destination.introspect([options.table]);
	let total: number | undefined = lastDone?.total;
	const read = (cursor: PageCursor['cursor']) => {
		const asked = source.readPage(options.resource, { cursor }, since !== undefined ? { since } : {});
		// A read that fails while the page before is still being written must not be an unhandled rejection.
		asked.catch(() => undefined);
		return asked;
	};
	let pending: ReturnType<typeof read> | undefined = read(result.next);
	while (pending) {
		const cursor = result.next;
		const page = await pending;
		pending = undefined;
		const next = page.next?.cursor ?? null;
		total = page.total ?? total;
		// The same cursor or URL twice would read the same pages for ever.
		if (next !== null && (seen.has(JSON.stringify(next)) || JSON.stringify(next) === JSON.stringify(cursor)))
			throw new StateError(
				`${source.system}: the page after cursor ${JSON.stringify(cursor)} points back to cursor ${JSON.stringify(next)} (page ${seen.get(JSON.stringify(next)) ?? result.pagesDone + 1} of this run): the API's pagination loops`,
				{ table: options.table, cursor: next },
			);
		const number = result.pagesDone + 1;
		seen.set(JSON.stringify(cursor), number);
		// The next page is asked for while this one is written: the API's pace is not spent waiting on the database.
		if (next !== null && result.pages + 1 < options.pages) pending = read(next);
		const rows = rowsOf(page.records, schema, options);
		const loaded = await copyBatches(destination, [rows], {
			...options.rules,
			table: options.table,
			mode: options.mode,
			batchSize: options.batchSize,
			steps: options.steps,
			chunk: { run: options.run, table: options.table, position: { page: number } },
			checkpointExtra: (rejected) => ({
				cursor,
				next,
				last: next === null,
				fetched: page.records.length,
				digest: digestOf(schema, rows, rejected, options.rules?.children),
				...(total !== undefined ? { total } : {}),
				...(number === 1 && since !== undefined ? { since } : {}),
				...(options.incremental ? { maxSeen: highest(page.records, options.incremental.field) } : {}),
			}),
		});
		result.pages++;
		result.pagesDone = number;
		result.fetched += page.records.length;
		result.written += loaded.written;
		result.rejected.push(...loaded.rejected);
		result.next = next;
		result.done = next === null;
	}
	if (result.done && options.incremental)
		await recordWatermark(destination, options, await committedPages(destination, options.run, options.table));
	await recordPlan(destination, options.run, [
		{ table: options.table, chunks: result.pagesDone + (result.done ? 0 : 1), tableRows: total },
	]);
	return result;
}

/** A new incremental run's watermark: the last complete run's, unless the table is empty (created again since): then every record. */
async function startingWatermark(destination: TableSink & Stateful, table: string): Promise<Watermark | undefined> {
	const recorded = await destination.state.get<{ since: Watermark }>(WATERMARK_NAMESPACE, apiWatermarkKey(table));
	if (recorded === undefined || (await destination.count(table)) === 0) return undefined;
	return recorded.since;
}

/** The highest value of a watermark field among records (numbers by value, text as ISO timestamps sort). */
function highest(records: Row[], field: string): Watermark | undefined {
	let top: Watermark | undefined;
	for (const record of records) {
		const value = record[field];
		if (typeof value !== 'number' && typeof value !== 'string') continue;
		if (
			top === undefined ||
			(typeof value === 'number' && typeof top === 'number' ? value > top : String(value) > String(top))
		)
			top = value;
	}
	return top;
}

/** A complete incremental run's watermark: the highest field value it saw (or the one it started from). */
async function recordWatermark(destination: Stateful, options: PagesOptions, chain: PageCheckpoint[]) {
	const seen = highest(
		chain.flatMap((p) => [p.maxSeen, p.since]).map((value) => ({ value: value ?? null })),
		'value',
	);
	if (seen === undefined) return;
	await destination.state.set(WATERMARK_NAMESPACE, apiWatermarkKey(options.table), {
		since: seen,
		run: options.run,
		field: options.incremental!.field,
	});
}

/**
 * Records as rows of the table: flattened as Map designed, numbers a double would round kept as
 * their digits (exact-json.ts), and a JSON column's value as its JSON text — a record's value is a
 * parsed JSON value, so the string "a" is written as "a", never read as JSON text.
 */
export function rowsOf(records: Row[], table: TableSchema, options: Pick<PagesOptions, 'flatten'>): Row[] {
	const separator = options.flatten;
	const json = table.columns.filter((c) => c.logical === 'json').map((c) => c.name);
	return records.map((record) => {
		const fields = separator ? flattenRow(record, separator) : record;
		const row = exactRow(fields, canonicalJsonValue);
		// From the value as parsed (exact numbers included), whatever exactRow made of it.
		for (const name of json)
			if (fields[name] !== null && fields[name] !== undefined) row[name] = canonicalJsonValue(fields[name]);
		return row;
	});
}

/**
 * The digest of the rows that go in, as fetched, in the table's shape (arrays stored as child tables
 * are their counts): rows refused whole are left out; a value a policy nulled stays as fetched, so
 * the comparison shows it.
 */
export function digestOf(schema: TableSchema, rows: Row[], rejected: Rejection[], children?: ChildTable[]): string {
	const refused = new Set(rejected.filter((r) => r.action !== 'nulled').map((r) => JSON.stringify(r.key)));
	const digest = new DigestAccumulator(schema.columns, schema.primaryKey);
	for (const row of rows) {
		if (refused.has(JSON.stringify(keyOf(row, schema.primaryKey)))) continue;
		digest.add(tableShape(row, schema, children));
	}
	return digest.result().digest;
}

/** A fetched row as the table holds it: its array fields as their child tables' counts. */
export function tableShape(row: Row, schema: TableSchema, children?: ChildTable[]): Row {
	if (!children?.length) return row;
	const split = splitRow(row, schema, children);
	return isRejection(split) ? row : split.parent;
}
