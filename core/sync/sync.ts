import { randomUUID } from 'node:crypto';
import type { ChangeSource, Stateful, StateStore, TableSink, Watermark } from '../ports';
import { SchemaError, StateError } from '../model/errors';
import { canonicalJson, canonicalKey, canonicalKeyValue } from '../model/canonical';
import { findColumn, keyOf, type Column, type KeyTuple, type Row, type TableSchema, type Value } from '../model/schema';
import { LEASE_NAMESPACE, REPLAY_NAMESPACE, WATERMARK_NAMESPACE } from '../state/namespaces';
import { ownerName } from './run-owner';

/**
 * Incremental sync: rows whose (cursor, primary key) tuple is past the committed watermark, read in
 * that order up to a safety horizon, loaded, then committed in the destination's state table.
 * A run that fails or is killed before Commit leaves the watermark alone, so the next run reads the
 * same rows again and upserts them: nothing lost, nothing doubled.
 */

/** What the destination records per sync: where it stands and how far behind the source it was. */
export interface SyncState {
	sync: string;
	table: string;
	cursorColumn: string;
	primaryKey: string[];
	watermark: Watermark | null;
	committedAt?: string;
	rowsBehind?: number;
	secondsBehind?: number | null;
}

/** One batch read from the source, travelling to Commit Watermark as a plain value. */
export interface ChangeBatch extends SyncState {
	owner: string;
	from: Watermark | null;
	horizon: Value | null;
	sourceClock: string;
	upserts: number;
	deletedKeys: KeyTuple[];
	/** Replay-queue entries (keys in the source's state table) this batch re-read. */
	replayed: string[];
	/** The keys of the replayed rows the source still has: the destination must hold each before the commit. */
	replayedKeys?: KeyTuple[];
	more: boolean;
}

const CURSOR_TYPES = new Set(['timestamp', 'timestamptz', 'date', 'int16', 'int32', 'int64', 'decimal', 'objectId']);
const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'date']);

/** The cursor must order changes: a timestamp or a number, on a table with a primary key. */
export function requireCursorColumn(table: TableSchema, cursorColumn: string): Column {
	if (!table.primaryKey.length)
		throw new SchemaError('NO_PRIMARY_KEY', `Table ${table.name} has no primary key: incremental sync needs one`, {
			table: table.name,
		});
	const column = findColumn(table, cursorColumn);
	if (!column)
		throw new SchemaError('UNKNOWN_COLUMN', `Table ${table.name} has no column ${cursorColumn}`, {
			table: table.name,
			column: cursorColumn,
		});
	if (!CURSOR_TYPES.has(column.logical))
		throw new SchemaError(
			'SCHEMA_ERROR',
			`Cursor column ${cursorColumn} of ${table.name} is ${column.nativeType}: it must be a timestamp or a number${table.columns.some((c) => c.logical === 'objectId') ? ' (or an ObjectId)' : ''}`,
			{ table: table.name, column: cursorColumn },
		);
	return column;
}

/**
 * The source's clock as the cursor is written: a column without a zone (MySQL DATETIME) holds the
 * wall-clock time of the server's configured zone, so its horizon is read there, not assumed UTC.
 * Returned as an instant text either way, so the arithmetic below stays one.
 */
export async function cursorClock(source: ChangeSource, column: Column, utc: string): Promise<string> {
	const wall = column.logical === 'timestamp' ? await source.wallClock?.() : undefined;
	return wall === undefined ? utc : `${wall}Z`;
}

/**
 * An ObjectId starts with its creation second (4 bytes, big-endian): the highest id made in a
 * second is that second's hex followed by ff…. It orders inserts only (an update keeps its id).
 */
const objectIdUpTo = (ms: number) =>
	Math.floor(ms / 1000)
		.toString(16)
		.padStart(8, '0') + 'f'.repeat(16);
const objectIdSeconds = (id: string) => parseInt(id.slice(0, 8), 16);

/** Source clock minus the lag, in the cursor's own form; numeric cursors have no horizon. */
export function horizonFor(column: Column, sourceClock: string, lagSeconds: number): Value | undefined {
	if (column.logical === 'objectId') return objectIdUpTo(Date.parse(sourceClock) - lagSeconds * 1000);
	if (!TIME_TYPES.has(column.logical)) return undefined;
	const at = new Date(Date.parse(sourceClock) - lagSeconds * 1000).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
	if (column.logical === 'timestamptz') return at;
	if (column.logical === 'timestamp') return at.slice(0, -1);
	return at.slice(0, 10);
}

/** Seconds between the source clock and a cursor value, for time cursors. */
export function secondsBetween(sourceClock: string, cursor: Value, column: Column): number | null {
	if (column.logical === 'objectId' && typeof cursor === 'string' && /^[0-9a-f]{24}$/i.test(cursor))
		return Math.max(0, Math.round(Date.parse(sourceClock) / 1000 - objectIdSeconds(cursor)));
	if (!TIME_TYPES.has(column.logical) || cursor === null || typeof cursor !== 'string') return null;
	const at = Date.parse(column.logical === 'timestamptz' || column.logical === 'date' ? cursor : `${cursor}Z`);
	return Math.max(0, Math.round((Date.parse(sourceClock) - at) / 1000));
}

/** A soft-delete flag is set when it is neither null nor false/0. */
export function isSoftDeleted(value: Value | undefined): boolean {
	return !(value === null || value === undefined || value === false || value === 0 || value === '0');
}

export function watermarkKey(sync: string, table: string): string {
	return `${sync}/${table}`;
}

/** The committed state of a sync, refusing one recorded for another table or cursor. */
export async function committedState(
	destination: TableSink & Stateful,
	sync: string,
	table: string,
	cursorColumn: string,
): Promise<SyncState | undefined> {
	const state = await destination.state.get<SyncState>(WATERMARK_NAMESPACE, watermarkKey(sync, table));
	if (state && (state.table !== table || state.cursorColumn !== cursorColumn))
		throw new StateError(
			`The watermark of sync ${sync} was recorded for table ${state.table} (cursor ${state.cursorColumn}), not ${table} (cursor ${cursorColumn})`,
			{ table, sync, recordedTable: state.table },
		);
	return state;
}

export interface LeaseResult {
	acquired: boolean;
	holder: string;
	until: string;
}

/** Only one run of a sync may load at a time: overlapping runs could write an older version last. */
export async function takeLease(
	state: StateStore,
	sync: string,
	table: string,
	owner: string,
	ttlSeconds: number,
): Promise<LeaseResult> {
	const lease = await state.lease(LEASE_NAMESPACE, watermarkKey(sync, table), owner, ttlSeconds);
	return { acquired: lease.owner === owner, holder: lease.owner, until: lease.until };
}

export interface ReadBatchOptions {
	sync: string;
	table: string;
	cursorColumn: string;
	primaryKey?: string[];
	owner: string;
	after: Watermark | null;
	batchSize: number;
	lagSeconds: number;
	softDeleteColumn?: string;
	/** The source's own state store, holding writes the destination refused during dual-write. */
	replayQueue?: StateStore;
}

/** Reads the next batch of changes (and queued replays) from the source. */
export async function readChangeBatch(
	source: ChangeSource,
	options: ReadBatchOptions,
): Promise<{ batch: ChangeBatch; rows: Row[] }> {
	const [table] = await source.introspect([options.table]);
	const column = requireCursorColumn(table, options.cursorColumn);
	if (options.softDeleteColumn && !findColumn(table, options.softDeleteColumn))
		throw new SchemaError(
			'UNKNOWN_COLUMN',
			`Table ${table.name} has no soft-delete column ${options.softDeleteColumn}`,
			{
				table: table.name,
				column: options.softDeleteColumn,
			},
		);
	const primaryKey = table.primaryKey;
	const sourceClock = await source.clock();
	const cursorNow = await cursorClock(source, column, sourceClock);
	const horizon = horizonFor(column, cursorNow, options.lagSeconds);
	const query = { cursorColumn: column.name, after: options.after ?? undefined, horizon, limit: options.batchSize };
	const changed = await source.readChanges(table.name, query);
	const last = changed[changed.length - 1];
	const to: Watermark | null = last
		? { cursor: last[column.name], key: keyOf(last, primaryKey) }
		: (options.after ?? null);

	const replay = options.replayQueue ? await queuedReplays(options.replayQueue, options.sync, table.name) : [];
	const replayedRows = replay.length
		? await source.readByKeys(
				table.name,
				replay.map((r) => r.key),
			)
		: [];
	// Keys compared in one canonical form: a queued key came as JSON (a number), a re-read one as the
	// driver gives it (a string): taken for different, the row was deleted right after its replay.
	const keyColumns = primaryKey.map((k) => findColumn(table, k)!);
	const canonical = (key: KeyTuple) => canonicalKey(key, keyColumns);
	const replayedKeys = new Set(replayedRows.map((r) => canonical(keyOf(r, primaryKey))));
	// A key both changed and replayed is loaded once, as read last (batches are upserted row by row).
	const rows = [...changed.filter((r) => !replayedKeys.has(canonical(keyOf(r, primaryKey)))), ...replayedRows];
	// Deleted only when the source no longer has the row.
	const gone = replay
		.filter((r) => !replayedKeys.has(canonical(r.key)))
		.map((r) => r.key.map((v, i) => canonicalKeyValue(v, keyColumns[i].logical)));

	const soft = options.softDeleteColumn;
	const upserts = soft ? rows.filter((r) => !isSoftDeleted(r[soft])) : rows;
	const deletedKeys = [
		...(soft ? rows.filter((r) => isSoftDeleted(r[soft])).map((r) => keyOf(r, primaryKey)) : []),
		...gone,
	];

	const next = await source.readChanges(table.name, { ...query, after: to ?? undefined, horizon: undefined, limit: 1 });
	const rowsBehind = next.length
		? await source.countChanges(table.name, { ...query, after: to ?? undefined, horizon: undefined })
		: 0;
	const batch: ChangeBatch = {
		sync: options.sync,
		table: table.name,
		cursorColumn: column.name,
		primaryKey,
		owner: options.owner,
		from: options.after,
		watermark: to,
		horizon: horizon ?? null,
		sourceClock,
		upserts: upserts.length,
		deletedKeys,
		replayed: replay.map((r) => r.entry),
		replayedKeys: replayedRows.map((r) => keyOf(r, primaryKey)),
		more: changed.length === options.batchSize,
		rowsBehind,
		secondsBehind: next.length ? secondsBetween(cursorNow, next[0][column.name], column) : 0,
	};
	return { batch, rows: upserts };
}

/**
 * Applies the batch's deletes and stores its watermark in one transaction, while this run still
 * holds the sync's lease. Called only after the batch's rows were loaded.
 */
export async function commitBatch(
	destination: TableSink & Pick<ChangeSource, 'readByKeys'> & Stateful,
	batch: ChangeBatch,
	options: { destinationTable?: string; expectedTable?: string; leaseSeconds: number },
): Promise<SyncState> {
	if (options.expectedTable && options.expectedTable !== batch.table)
		throw new StateError(
			`This batch's watermark belongs to table ${batch.table}, not ${options.expectedTable}: connect Commit Watermark to the Read Changes of ${options.expectedTable}`,
			{ table: options.expectedTable, batchTable: batch.table },
		);
	const current = await committedState(destination, batch.sync, batch.table, batch.cursorColumn);
	// Compared as canonical JSON: a jsonb column hands objects back with their keys in its own order.
	if (canonicalJson(current?.watermark ?? null) !== canonicalJson(batch.from ?? null))
		throw new StateError(
			`The watermark of sync ${batch.sync} (${batch.table}) moved since this batch was read: another run committed first; this batch is not committed`,
			{ table: batch.table, sync: batch.sync },
		);
	const lease = await takeLease(destination.state, batch.sync, batch.table, batch.owner, options.leaseSeconds);
	if (!lease.acquired)
		throw new StateError(
			`Run ${ownerName(batch.owner)} lost the lease of sync ${batch.sync} (${batch.table}) to ${ownerName(lease.holder)}: this batch is not committed`,
			{ table: batch.table, sync: batch.sync },
		);
	const state: SyncState = {
		sync: batch.sync,
		table: batch.table,
		cursorColumn: batch.cursorColumn,
		primaryKey: batch.primaryKey,
		watermark: batch.watermark,
		committedAt: new Date().toISOString(),
		rowsBehind: batch.rowsBehind,
		secondsBehind: batch.secondsBehind,
	};
	const target = options.destinationTable || batch.table;
	// A queued key leaves the queue (Clear Replayed, after this) only once the new database holds its row.
	if (batch.replayedKeys?.length) {
		const held = await destination.readByKeys(target, batch.replayedKeys);
		if (held.length < batch.replayedKeys.length)
			throw new StateError(
				`${batch.replayedKeys.length - held.length} replayed row(s) of ${batch.table} are not in the destination after the load: this batch is not committed and the replay queue is kept`,
				{ table: batch.table, sync: batch.sync },
			);
	}
	await destination.deleteRows(target, batch.deletedKeys, {
		namespace: WATERMARK_NAMESPACE,
		key: watermarkKey(batch.sync, batch.table),
		value: state,
	});
	return state;
}

export interface QueuedReplay {
	entry: string;
	table: string;
	key: KeyTuple;
	at: string;
}

/** Queues keys whose write to the new database failed; each entry is unique, so clearing one never hides a newer one. */
export async function queueReplays(state: StateStore, sync: string, table: string, keys: KeyTuple[]): Promise<number> {
	for (const key of keys) {
		const entry = `${sync}/${table}/${new Date().toISOString()}/${randomUUID()}`;
		await state.set(REPLAY_NAMESPACE, entry, { entry, table, key, at: new Date().toISOString() });
	}
	return keys.length;
}

export async function queuedReplays(state: StateStore, sync: string, table: string): Promise<QueuedReplay[]> {
	const prefix = `${sync}/${table}/`;
	return (await state.list<QueuedReplay>(REPLAY_NAMESPACE)).filter((e) => e.key.startsWith(prefix)).map((e) => e.value);
}

/** Per table, how many refused dual writes wait in the replay queue, and since when (the oldest). */
export async function pendingReplays(
	state: StateStore,
	sync: string,
	tables: string[],
): Promise<Record<string, { pending: number; oldest: string | null }>> {
	const entries = await state.list<QueuedReplay>(REPLAY_NAMESPACE);
	return Object.fromEntries(
		tables.map((table) => {
			const own = entries.filter((e) => e.key.startsWith(`${sync}/${table}/`)).map((e) => e.value.at);
			return [table, { pending: own.length, oldest: own.length ? own.sort()[0] : null }];
		}),
	);
}

export async function clearReplays(state: StateStore, entries: string[]): Promise<number> {
	for (const entry of entries) await state.delete(REPLAY_NAMESPACE, entry);
	return entries.length;
}

/** What a sync says when it runs before its backfill recorded where to start. */
export function waitingMessage(sync: string, table: string): string {
	return `Sync ${sync} (${table}) is waiting for the backfill: no start position is recorded yet (the backfill records it first), so this run did nothing`;
}

/**
 * Where the first sync starts, read before the backfill: the source clock minus the lag, with no key.
 * Every row changed while the backfill runs is then past it. Numeric cursors have no clock: null
 * (the first sync reads the whole table, upserting what the backfill wrote).
 */
export async function startPosition(
	source: ChangeSource,
	table: string,
	cursorColumn: string,
	lagSeconds: number,
): Promise<{
	table: string;
	cursorColumn: string;
	primaryKey: string[];
	watermark: Watermark | null;
	sourceClock: string;
}> {
	const [schema] = await source.introspect([table]);
	const column = requireCursorColumn(schema, cursorColumn);
	const sourceClock = await source.clock();
	const horizon = horizonFor(column, await cursorClock(source, column, sourceClock), lagSeconds);
	return {
		table: schema.name,
		cursorColumn: column.name,
		primaryKey: schema.primaryKey,
		watermark: horizon === undefined ? null : { cursor: horizon, key: [] },
		sourceClock,
	};
}

/** Records the start position unless the sync already has a watermark (a rerun never moves it back). */
export async function commitStart(
	destination: TableSink & Stateful,
	sync: string,
	start: { table: string; cursorColumn: string; primaryKey: string[]; watermark: Watermark | null },
): Promise<{ state: SyncState; recorded: boolean }> {
	const current = await committedState(destination, sync, start.table, start.cursorColumn);
	if (current) return { state: current, recorded: false };
	const state: SyncState = { sync, ...start, rowsBehind: undefined, committedAt: undefined };
	await destination.state.set(WATERMARK_NAMESPACE, watermarkKey(sync, start.table), state);
	return { state, recorded: true };
}
