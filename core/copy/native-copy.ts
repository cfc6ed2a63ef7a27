import { chunkKey, type ChunkRef } from './chunks';
import { ConstraintError, ValueError } from '../model/errors';
import type { Column, KeyRange, TableSchema } from '../model/schema';
import {
	hasNativeCopy,
	type Stateful,
	type StateEntry,
	type TableSink,
	type TableSource,
	type WriteMode,
} from '../ports';
import { CHUNK_NAMESPACE } from '../state/namespaces';

/** Key types whose bounds a COPY statement can carry as literals. */
const COPYABLE_KEYS = new Set(['int16', 'int32', 'int64', 'string', 'text', 'uuid']);

/**
 * The columns to copy when both tables have them alike: the same names and key, each type one the
 * engine's bulk text reads back into exactly. Undefined when anything differs.
 */
export function nativeCopyColumns(
	source: TableSchema,
	destination: TableSchema,
	copiesExactly: (from: Column, to: Column) => boolean,
): string[] | undefined {
	if (source.columns.length !== destination.columns.length) return undefined;
	if (source.primaryKey.join() !== destination.primaryKey.join() || !source.primaryKey.length) return undefined;
	for (const column of source.columns) {
		const twin = destination.columns.find((c) => c.name === column.name);
		if (!twin || !copiesExactly(column, twin)) return undefined;
	}
	const keyTypes = source.primaryKey.map((k) => source.columns.find((c) => c.name === k)!.logical);
	return keyTypes.every((t) => COPYABLE_KEYS.has(t)) ? source.columns.map((c) => c.name) : undefined;
}

export interface NativeCopyResult {
	written: number;
	skipped: boolean;
}

/**
 * A same-engine chunk copied in the engine's own bulk format, source stream piped into the
 * destination (PostgreSQL: COPY TO STDOUT → COPY FROM STDIN), with the checkpoint in the write's
 * transaction. Undefined when the two ends or tables do not allow it, or when the destination
 * refused a row (a constraint, a NOT NULL): nothing of it stays, and the row path names the row.
 */
export async function copyChunkNatively(
	source: TableSource,
	destination: TableSink & Stateful,
	chunk: ChunkRef,
	options: { destinationTable?: string; mode: WriteMode },
): Promise<NativeCopyResult | undefined> {
	if (!hasNativeCopy(source) || !hasNativeCopy(destination) || source.system !== destination.system) return undefined;
	const table = options.destinationTable ?? chunk.table;
	const [[from], [to]] = await Promise.all([source.introspect([chunk.table]), destination.introspect([table])]);
	const columns = nativeCopyColumns(from, to, (a, b) => destination.copiesExactly(a, b));
	if (!columns) return undefined;
	if (await destination.state.get(CHUNK_NAMESPACE, chunkKey(chunk))) return { written: 0, skipped: true };
	// The same value copyBatches records: a rerun and the report read both alike.
	const checkpoint = (rows: number): StateEntry => ({
		namespace: CHUNK_NAMESPACE,
		key: chunkKey(chunk),
		value: { rows, rejected: [], rejectedCount: 0, nulledCount: 0, at: new Date().toISOString() },
	});
	return source
		.copyOut(chunk.table, chunk.position as KeyRange, columns, (rows) =>
			destination.copyIn(table, columns, rows, { mode: options.mode, checkpoint }),
		)
		.then(
			(written) => ({ written, skipped: false }),
			(error: unknown) =>
				error instanceof ConstraintError || error instanceof ValueError ? undefined : Promise.reject(error),
		);
}
