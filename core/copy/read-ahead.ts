/**
 * Keeps up to `depth` batches of the source in flight while the consumer works on the current one,
 * so reading the next batch overlaps writing this one. Memory stays O(depth × batch); a read error
 * surfaces when its batch is reached, and leaving early ends the source (its cursor is released).
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
	const iterator = source[Symbol.asyncIterator]();
	const pending: Promise<IteratorResult<T>>[] = [];
	// A read that fails while an earlier batch is still being written must not be an unhandled rejection.
	const pull = () => {
		const next = iterator.next();
		next.catch(() => undefined);
		pending.push(next);
	};
	let finished = false;
	try {
		pull();
		for (;;) {
			const result = await pending.shift()!;
			if (result.done) {
				finished = true;
				return;
			}
			// Generators run one next() at a time anyway; the queue only decides how far ahead to ask.
			while (pending.length < depth) pull();
			yield result.value;
			if (pending.length === 0) pull();
		}
	} finally {
		if (!finished) await iterator.return?.(undefined);
	}
}
