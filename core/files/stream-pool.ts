/**
 * Work on the items of an async stream with at most `limit` at once, in arrival order, reading
 * ahead no further than the lanes need (memory bounded by `limit`, not by the stream's length).
 */
export async function streamPool<T>(
	items: AsyncIterable<T>,
	limit: number,
	work: (item: T) => Promise<void>,
): Promise<void> {
	const iterator = items[Symbol.asyncIterator]();
	let failure: unknown;
	const lane = async () => {
		while (failure === undefined) {
			const next = await iterator.next();
			if (next.done) return;
			await work(next.value).catch((error: unknown) => {
				failure ??= error;
			});
		}
	};
	// One lane pulls at a time: an async generator queues concurrent next() calls in order.
	await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
	if (failure !== undefined) throw failure;
}
