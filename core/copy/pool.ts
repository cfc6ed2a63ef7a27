export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs work(0…count-1) with at most `limit` at once; every one settles, none stops the others. */
export async function inPool<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<Settled<T>[]> {
	const settled: Settled<T>[] = new Array(count);
	let next = 0;
	const lane = async () => {
		while (next < count) {
			const i = next++;
			settled[i] = await work(i).then(
				(value) => ({ ok: true as const, value }),
				(error: unknown) => ({ ok: false as const, error }),
			);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
	return settled;
}
