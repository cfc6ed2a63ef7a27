import type { StateStore } from '../ports';
import { CHUNK_LEASE_NAMESPACE } from '../state/namespaces';

export type Leased<T> = { held: true; value: T; lost: boolean } | { held: false; holder: string; until: string };

/**
 * Runs `work` while holding the chunk's lease: taken first (refused while another owner's has not
 * expired by the database's clock), renewed every third of its time, given back when the chunk is done. A
 * worker that dies keeps it only until it expires; then the chunk can be taken again. The writes
 * are idempotent and the checkpoint rides on the last one, so even a lease lost mid-copy (a worker
 * stalled past its expiry) cannot land the chunk twice: `lost` says it happened.
 */
export async function underLease<T>(
	state: StateStore,
	key: string,
	owner: string,
	ttlSeconds: number,
	work: () => Promise<T>,
): Promise<Leased<T>> {
	const taken = await state.lease(CHUNK_LEASE_NAMESPACE, key, owner, ttlSeconds);
	if (taken.owner !== owner) return { held: false, holder: taken.owner, until: taken.until };
	let lost = false;
	let renewing = Promise.resolve();
	const renew = setInterval(
		() => {
			renewing = state
				.lease(CHUNK_LEASE_NAMESPACE, key, owner, ttlSeconds)
				.then((lease) => void (lost ||= lease.owner !== owner))
				// A failed renewal is not a lost lease: the next one tries again, the expiry decides.
				.catch(() => undefined);
		},
		Math.max(200, (ttlSeconds * 1000) / 3),
	);
	const stop = async () => {
		clearInterval(renew);
		await renewing;
	};
	const value = await work().catch(async (error: unknown) => {
		// A failed copy keeps its lease until it expires: its own retry takes it again, and the sender
		// reads the worker's failure mark, not a free chunk to send again.
		await stop();
		return Promise.reject(error);
	});
	await stop();
	await state.release(CHUNK_LEASE_NAMESPACE, key, owner).catch(() => undefined);
	return { held: true, value, lost };
}
