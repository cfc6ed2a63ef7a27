import { isRejection, splitRow, type ChildTable, type SplitRow } from '../mapping/child-tables';
import type { StateEntry, Stateful, TableSink, WriteMode } from '../ports';
import { ConstraintError, isMigrationError } from '../model/errors';
import { chunkKey, type ChunkRef } from './chunks';
import { checkRows, rejectedRowCount, type Rejection, type ValuePolicies } from './row-check';
import type { Row, TableSchema } from '../model/schema';
import { CHUNK_NAMESPACE } from '../state/namespaces';
import { nullMissingSubdocuments } from '../mapping/flatten';

/** Rejections stored with a chunk's checkpoint; the count is always exact. */
export const MAX_KEPT_REJECTS = 1000;

export interface LoadOptions {
	table: string;
	mode: WriteMode;
	batchSize: number;
	/** The chunk these rows are; its checkpoint is written with the last batch. */
	chunk?: ChunkRef;
	/** Array fields stored as child tables (Schema Mapper's design); their rows are written first. */
	children?: ChildTable[];
	/** What to do with a value the destination cannot hold exactly, per column (default: refuse the row). */
	policies?: ValuePolicies;
	/** The rows were flattened by this separator (Map's design): a null subdocument means NULL leaves. */
	flattened?: string;
	/**
	 * Columns whose JSON text comes from a source database that holds only valid JSON (capability
	 * jsonTextValid): not parsed again, unless a transform step ran in between.
	 */
	trustedJson?: ReadonlySet<string>;
	/** More of the checkpoint's value, built when it is written (the rejects known by then): a page's cursors and digest. */
	checkpointExtra?: (rejected: Rejection[]) => Record<string, unknown>;
}

export interface LoadResult {
	table: string;
	written: number;
	rejected: Rejection[];
	skipped: boolean;
	chunk?: ChunkRef;
	/** Rows written per child table. */
	childRows?: Record<string, number>;
}

/** A transform step of the pipeline: rows in, rows out, and the ones it refused with their reasons. */
export type RowStep = (rows: Row[]) => { rows: Row[]; rejected: Rejection[] };

/**
 * The copy pipeline every path runs (templates' Load Chunk, migrateTable, the fast path): batches
 * in → transform steps → row checks → write → the chunk's checkpoint with the last write. Rows the
 * destination cannot hold exactly are rejected with a reason before any write; a batch the
 * database still refuses is split to find the row, so the good rows land and the bad ones are
 * reported. One batch is held back, so the checkpoint rides on the last write (in the same
 * transaction where the destination has them): a rerun skips a chunk that is done and rewrites one
 * that was cut off, never duplicating a row.
 */
export async function copyBatches(
	destination: TableSink & Stateful,
	batches: AsyncIterable<Row[]> | Iterable<Row[]>,
	options: LoadOptions & { steps?: RowStep[] },
): Promise<LoadResult & { batches: number }> {
	if (options.chunk && (await destination.state.get(CHUNK_NAMESPACE, chunkKey(options.chunk)))) {
		return { table: options.table, written: 0, rejected: [], skipped: true, chunk: options.chunk, batches: 0 };
	}
	const [schema] = await destination.introspect([options.table]);
	const rejected: Rejection[] = [];
	const childRows: Record<string, number> = {};
	let written = 0;
	let passed = 0;
	let refusedWhileWriting = 0;
	const refusedRows = () => rejectedRowCount(rejected);
	let count = 0;
	let held: Row[] | undefined;
	const write = async (parents: Row[], last: boolean) => {
		const chunk = options.chunk;
		const before = rejected.length;
		// Built when written, so rejects found while writing the last batch are in it too. The rejects are
		// kept with the checkpoint: a worker that saves no execution data must not lose them.
		const checkpoint =
			last && chunk
				? () => ({
						namespace: CHUNK_NAMESPACE,
						key: chunkKey(chunk),
						value: {
							rows: passed - refusedWhileWriting - (rejected.length - before),
							rejected: rejected.slice(0, MAX_KEPT_REJECTS),
							rejectedCount: refusedRows(),
							nulledCount: rejected.filter((r) => r.action === 'nulled').length,
							at: new Date().toISOString(),
							...options.checkpointExtra?.(rejected),
						},
					})
				: undefined;
		written += await writeIsolating(destination, schema.primaryKey, options, parents, rejected, checkpoint);
		refusedWhileWriting += rejected.length - before;
	};
	for await (const incoming of batches) {
		count++;
		const parents = await checkedParents(destination, schema, incoming, options, rejected, childRows);
		passed += parents.length;
		for (let i = 0; i < parents.length; i += options.batchSize) {
			if (held) await write(held, false);
			held = parents.slice(i, i + options.batchSize);
		}
	}
	await write(held ?? [], true);
	return { table: options.table, written, rejected, skipped: false, chunk: options.chunk, childRows, batches: count };
}

/** The rows of one batch after the transform steps and the checks, their child rows written first. */
async function checkedParents(
	destination: TableSink & Stateful,
	schema: TableSchema,
	incoming: Row[],
	options: LoadOptions & { steps?: RowStep[] },
	rejected: Rejection[],
	childRows: Record<string, number>,
): Promise<Row[]> {
	let rows = incoming;
	for (const step of options.steps ?? []) {
		const out = step(rows);
		rejected.push(...out.rejected);
		rows = out.rows;
	}
	if (options.flattened) rows = rows.map((row) => nullMissingSubdocuments(row, schema, options.flattened!));
	if (options.children?.length) {
		const split = rows.map((row) => splitRow(row, schema, options.children!));
		rejected.push(...split.filter(isRejection));
		rows = await writeChildren(
			destination,
			schema,
			split.filter((s): s is SplitRow => !isRejection(s)),
			options,
			rejected,
			childRows,
		);
	}
	const checked = checkRows(schema, rows, {
		...checkOptions(destination, options),
		trustedJson: options.steps?.length ? undefined : options.trustedJson,
	});
	rejected.push(...checked.rejected);
	return checked.good;
}

function checkOptions(destination: TableSink, options: LoadOptions) {
	const { hasSchema, textHoldsNul, nonFiniteFloats, maxDurationSeconds } = destination.capabilities;
	return { extraFields: !hasSchema, textHoldsNul, nonFiniteFloats, maxDurationSeconds, policies: options.policies };
}

/** The pipeline over rows already in memory (one n8n item per row: Batch Load). */
export function loadRows(destination: TableSink & Stateful, rows: Row[], options: LoadOptions): Promise<LoadResult> {
	return copyBatches(destination, [rows], options).then(({ batches: _batches, ...result }) => result);
}

/**
 * Checks every parent and child row first, so a document lands whole or is rejected whole; then
 * upserts the child rows (keyed by parent key and position, so a rerun rewrites the same rows) and
 * returns the parents left to write: the checkpoint rides on them, after their children.
 */
async function writeChildren(
	destination: TableSink & Stateful,
	parentSchema: TableSchema,
	split: SplitRow[],
	options: LoadOptions,
	rejected: Rejection[],
	childRows: Record<string, number>,
): Promise<Row[]> {
	const keyOf = (row: Row, columns: string[]) => JSON.stringify(columns.map((c) => row[c] ?? null));
	const primaryKey = parentSchema.primaryKey;
	const parentCheck = checkRows(
		parentSchema,
		split.map((s) => s.parent),
		checkOptions(destination, options),
	);
	// Values the policy sets to NULL are listed by the parents' own check, after this one.
	const refused = new Map<string, Rejection>(
		parentCheck.rejected.filter((r) => r.action !== 'nulled').map((r) => [JSON.stringify(r.key), r]),
	);
	const childSchemas = await destination.introspect(options.children!.map((c) => c.table));
	const rejectParentsOf = (child: ChildTable, problems: Rejection[]) => {
		for (const problem of problems) {
			const key = JSON.stringify(child.parentKey.map((_, i) => problem.key[i]));
			if (!refused.has(key))
				refused.set(key, {
					...problem,
					table: options.table,
					key: JSON.parse(key),
					column: `${child.table}.${problem.column}`,
				});
		}
	};
	for (const [i, child] of options.children!.entries()) {
		const check = checkRows(
			childSchemas[i],
			split.flatMap((s) => s.children[child.table] ?? []),
			{ ...checkOptions(destination, options), extraFields: false, policies: undefined },
		);
		rejectParentsOf(child, check.rejected);
	}
	const keep = split.filter((s) => !refused.has(keyOf(s.parent, primaryKey)));
	for (const [i, child] of options.children!.entries()) {
		const rows = keep.flatMap((s) => s.children[child.table] ?? []);
		const problems: Rejection[] = [];
		childRows[child.table] = 0;
		for (let at = 0; at < rows.length; at += options.batchSize) {
			const batch = rows.slice(at, at + options.batchSize);
			childRows[child.table] += await writeIsolating(
				destination,
				childSchemas[i].primaryKey,
				{ ...options, table: child.table, mode: 'upsert' },
				batch,
				problems,
				undefined,
			);
		}
		rejectParentsOf(child, problems);
	}
	rejected.push(...refused.values());
	return keep.filter((s) => !refused.has(keyOf(s.parent, primaryKey))).map((s) => s.parent);
}

async function writeIsolating(
	destination: TableSink & Stateful,
	primaryKey: string[],
	options: LoadOptions,
	batch: Row[],
	rejected: Rejection[],
	checkpoint: (() => StateEntry) | undefined,
): Promise<number> {
	const failure = await destination
		.write(options.table, batch, { mode: options.mode, checkpoint: checkpoint?.() })
		.then(
			() => undefined,
			(error: unknown) => error,
		);
	if (!failure) return batch.length;
	const rowLevel =
		failure instanceof ConstraintError || (isMigrationError(failure) && failure.code === 'VALUE_NOT_REPRESENTABLE');
	if (!rowLevel) throw failure;
	if (batch.length === 1) {
		rejected.push({
			table: options.table,
			key: primaryKey.map((k) => batch[0][k] ?? null),
			column: String(failure.context.column ?? ''),
			value: null,
			reason: failure.message,
			action: 'rejected',
		});
		if (checkpoint) await destination.write(options.table, [], { mode: options.mode, checkpoint: checkpoint() });
		return 0;
	}
	// Halve until the refused rows are found; the checkpoint goes with the second half's last write.
	const middle = Math.ceil(batch.length / 2);
	const first = await writeIsolating(destination, primaryKey, options, batch.slice(0, middle), rejected, undefined);
	return first + (await writeIsolating(destination, primaryKey, options, batch.slice(middle), rejected, checkpoint));
}
