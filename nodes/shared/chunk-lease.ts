import { hostname } from 'node:os';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { underLease } from '../../core/copy/chunk-lease';
import type { PlannedChunk } from '../../core/copy/chunks';
import { keyOfChunk } from '../../core/copy/fan-out';
import type { Stateful } from '../../core/ports';

/** Who copies a chunk: this n8n process (host, pid) and its execution, so n8n's execution list and the lease agree. */
export const chunkWorkerName = (context: IExecuteFunctions) =>
	`${hostname()}/${process.pid}/${context.getExecutionId()}`;

/**
 * A chunk sent by Fan Out Chunks carries `lease`: it is copied only under its lease (another worker
 * already copying it makes this a no-op, said in `skippedAsLeased`). A chunk without one (run in
 * the calling execution) is copied as it is.
 */
export async function leasedChunk<T>(
	context: IExecuteFunctions,
	destination: Stateful,
	chunk: Partial<PlannedChunk>,
	work: () => Promise<T>,
): Promise<{ value?: T; lease: IDataObject }> {
	if (!chunk.lease) return { value: await work(), lease: {} };
	const worker = chunkWorkerName(context);
	const leased = await underLease(
		destination.state,
		keyOfChunk(chunk as PlannedChunk),
		worker,
		chunk.lease.seconds,
		work,
	);
	return leased.held
		? { value: leased.value, lease: { worker, ...(leased.lost ? { leaseLost: true } : {}) } }
		: { lease: { worker, skippedAsLeased: leased.holder, leasedUntil: leased.until } };
}
