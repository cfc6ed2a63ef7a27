/**
 * Fan-out: a run hands each chunk to n8n as an execution of its own (any worker process may take
 * it) and follows the chunks by their state in the destination, not by n8n's results: a checkpoint
 * (done), a worker's lease (copying), a failure mark (given up). At most `concurrency` chunks are
 * out at once; a chunk whose worker died (its lease expired, by the database's clock) or that no
 * worker claimed in time is sent again. The ledger of what was sent is plain data the caller keeps between calls.
 */
import type { StateStore } from '../ports';
import { CHUNK_FAILURE_NAMESPACE, CHUNK_LEASE_NAMESPACE, CHUNK_NAMESPACE } from '../state/namespaces';
import { chunkKey, parseChunkRef, type PlannedChunk } from './chunks';

export interface FanOutOptions {
	/** Chunks sent and not finished, at most. */
	concurrency: number;
	/** How long a sent chunk may wait for a worker (queued) before it is sent again. */
	claimSeconds: number;
	/** Sends of one chunk before the run gives up on it. */
	maxAttempts: number;
}

/** When a chunk was sent (the sender's clock, ms) and how many times. */
export type Ledger = Record<string, { at: number; attempts: number }>;

export interface ChunkFacts {
	done: boolean;
	failure?: string;
	lease?: { owner: string; until: string };
}

export interface Decision {
	/** Positions (in the chunk list) to send now. */
	send: number[];
	/** Chunks given up on, with why; reported once nothing else is out. */
	failed: Array<{ index: number; error: string }>;
	/** Sent and not finished: copying under a lease, or waiting for a worker. */
	out: number;
	done: number;
	finished: boolean;
}

/** What to do now, from each chunk's facts, the ledger, the sender's clock and the database's. */
export function decide(
	keys: string[],
	facts: Map<string, ChunkFacts>,
	ledger: Ledger,
	options: FanOutOptions,
	now: { ms: number; database: string },
): Decision {
	const failed: Decision['failed'] = [];
	const again: number[] = [];
	const fresh: number[] = [];
	let out = 0;
	let done = 0;
	const databaseNow = Date.parse(now.database);
	for (const [index, key] of keys.entries()) {
		const fact = facts.get(key) ?? { done: false };
		const sent = ledger[key];
		if (fact.done) done++;
		else if (!sent) fresh.push(index);
		else if (fact.failure !== undefined) failed.push({ index, error: fact.failure });
		else if (fact.lease && Date.parse(fact.lease.until) > databaseNow) out++;
		else if (!fact.lease && now.ms - sent.at < options.claimSeconds * 1000) out++;
		else if (sent.attempts >= options.maxAttempts)
			failed.push({
				index,
				error: fact.lease
					? `its worker stopped (${fact.lease.owner}'s lease expired) ${sent.attempts} time(s)`
					: `no worker took it within ${options.claimSeconds} s, ${sent.attempts} time(s): is the chunk webhook workflow active and a worker running?`,
			});
		else again.push(index);
	}
	// After a failure nothing new goes out: the run ends once the chunks already out have finished.
	const room = failed.length ? 0 : Math.max(0, options.concurrency - out);
	return { send: [...again, ...fresh].slice(0, room), failed, out, done, finished: done === keys.length };
}

/** Every chunk's checkpoint, lease and failure mark, read per run (one listing per namespace). */
export async function chunkFacts(state: StateStore, chunks: PlannedChunk[]): Promise<Map<string, ChunkFacts>> {
	const facts = new Map<string, ChunkFacts>();
	const fact = (key: string) => facts.get(key) ?? facts.set(key, { done: false }).get(key)!;
	for (const run of new Set(chunks.map((c) => c.migration))) {
		const [checkpoints, leases, failures] = await Promise.all(
			[CHUNK_NAMESPACE, CHUNK_LEASE_NAMESPACE, CHUNK_FAILURE_NAMESPACE].map((ns) => state.list(ns, `${run}/`)),
		);
		for (const { key } of checkpoints) fact(key).done = true;
		for (const { key, value } of leases) fact(key).lease = value as ChunkFacts['lease'];
		for (const { key, value } of failures) fact(key).failure = String((value as { error?: unknown }).error);
	}
	return facts;
}

export const keyOfChunk = (chunk: PlannedChunk) => chunkKey(parseChunkRef(chunk));

/** A new send of these chunks: failure marks of an earlier run of the same name no longer count. */
export async function forgetFailures(state: StateStore, chunks: PlannedChunk[]): Promise<void> {
	for (const chunk of chunks) await state.delete(CHUNK_FAILURE_NAMESPACE, keyOfChunk(chunk));
}

/** A worker gave up on its chunk: the run that sent it reads why. */
export async function recordChunkFailure(state: StateStore, chunk: PlannedChunk, error: string, by: string) {
	await state.set(CHUNK_FAILURE_NAMESPACE, keyOfChunk(chunk), { error, by, at: new Date().toISOString() });
}

/**
 * Waits until there is something to do: chunks to send (marked in the ledger), every chunk done, or
 * failures with nothing else out. Polls the state every `pollMs`.
 */
export async function nextChunks(
	state: StateStore,
	clock: () => Promise<string>,
	chunks: PlannedChunk[],
	ledger: Ledger,
	options: FanOutOptions & { pollMs: number; signal?: AbortSignal },
): Promise<Decision> {
	const keys = chunks.map(keyOfChunk);
	for (;;) {
		// A cancelled execution stops waiting; the chunks out finish (or expire) on their own.
		options.signal?.throwIfAborted();
		const [facts, database] = await Promise.all([chunkFacts(state, chunks), clock()]);
		const decision = decide(keys, facts, ledger, options, { ms: Date.now(), database });
		if (decision.send.length || decision.finished || (decision.failed.length && !decision.out)) {
			for (const index of decision.send) {
				const key = keys[index];
				ledger[key] = { at: Date.now(), attempts: (ledger[key]?.attempts ?? 0) + 1 };
			}
			return decision;
		}
		await new Promise((resolve) => setTimeout(resolve, options.pollMs));
	}
}
