import type { Stateful, TableSource } from '../ports';
import { clearStaleCheckpoints, recordPlan } from '../report/progress';
import { CHUNK_NAMESPACE } from '../state/namespaces';
import { chunkKey, parseChunkRef, type PlannedChunk } from './chunks';

/**
 * Which planned chunks still need loading (their positions in `chunks`): the plan is recorded per
 * run as first seen (live progress and the report measure against it), checkpoints of tables
 * emptied since are cleared (they vouch for rows that are gone), and chunks with a checkpoint drop out.
 */
export async function chunksToLoad(destination: TableSource & Stateful, chunks: unknown[]): Promise<number[]> {
	const runs = new Map<string, PlannedChunk[]>();
	for (const value of chunks) {
		const chunk = value as PlannedChunk;
		if (typeof chunk?.migration === 'string' && typeof chunk.chunks === 'number')
			runs.set(chunk.migration, [...(runs.get(chunk.migration) ?? []), chunk]);
	}
	for (const [migration, planned] of runs) {
		await recordPlan(destination, migration, planned);
		await clearStaleCheckpoints(destination, migration, [...new Set(planned.map((c) => c.table))]);
	}
	const pending: number[] = [];
	for (const [i, value] of chunks.entries())
		if (!(await destination.state.get(CHUNK_NAMESPACE, chunkKey(parseChunkRef(value))))) pending.push(i);
	return pending;
}
