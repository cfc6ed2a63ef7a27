import type { DestinationConnector, StateEntry, WriteMode } from './connector';
import { ConstraintError, isMigrationError } from './errors';
import { CHUNK_NAMESPACE, chunkKey, type ChunkRef } from './migrate';
import { checkRows, type Rejection } from './row-check';
import type { Row } from './schema';

/** Rejections stored with a chunk's checkpoint; the count is always exact. */
export const MAX_KEPT_REJECTS = 1000;

export interface LoadOptions {
	table: string;
	mode: WriteMode;
	batchSize: number;
	/** The chunk these rows are; its checkpoint is written with the last batch. */
	chunk?: ChunkRef;
}

export interface LoadResult {
	table: string;
	written: number;
	rejected: Rejection[];
	skipped: boolean;
	chunk?: ChunkRef;
}

/**
 * Writes rows in batches. Rows the destination cannot hold exactly are rejected with a reason
 * before any write; a batch the database still refuses is split to find the row, so the good rows
 * land and the bad ones are reported. The chunk's checkpoint rides on the last write.
 */
export async function loadRows(
	destination: DestinationConnector,
	rows: Row[],
	options: LoadOptions,
): Promise<LoadResult> {
	if (options.chunk && (await destination.state.get(CHUNK_NAMESPACE, chunkKey(options.chunk)))) {
		return { table: options.table, written: 0, rejected: [], skipped: true, chunk: options.chunk };
	}
	const [schema] = await destination.introspect([options.table]);
	const { good, rejected } = checkRows(schema, rows, { extraFields: !destination.capabilities.hasSchema });
	let written = 0;
	const refusedBeforeWriting = rejected.length;
	const batches: Row[][] = [];
	for (let i = 0; i < good.length; i += options.batchSize) batches.push(good.slice(i, i + options.batchSize));
	if (!batches.length) batches.push([]);
	for (const [i, batch] of batches.entries()) {
		const last = i === batches.length - 1;
		// Built when written, so rejects found while writing the last batch are in it too. The rejects are
		// kept with the checkpoint: a worker that saves no execution data must not lose them.
		const chunk = options.chunk;
		const checkpoint =
			last && chunk
				? () => ({
						namespace: CHUNK_NAMESPACE,
						key: chunkKey(chunk),
						value: {
							rows: good.length - (rejected.length - refusedBeforeWriting),
							rejected: rejected.slice(0, MAX_KEPT_REJECTS),
							rejectedCount: rejected.length,
							at: new Date().toISOString(),
						},
					})
				: undefined;
		written += await writeIsolating(destination, schema.primaryKey, options, batch, rejected, checkpoint);
	}
	return { table: options.table, written, rejected, skipped: false, chunk: options.chunk };
}

async function writeIsolating(
	destination: DestinationConnector,
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
		});
		if (checkpoint) await destination.write(options.table, [], { mode: options.mode, checkpoint: checkpoint() });
		return 0;
	}
	// Halve until the refused rows are found; the checkpoint goes with the second half's last write.
	const middle = Math.ceil(batch.length / 2);
	const first = await writeIsolating(destination, primaryKey, options, batch.slice(0, middle), rejected, undefined);
	return first + (await writeIsolating(destination, primaryKey, options, batch.slice(middle), rejected, checkpoint));
}
