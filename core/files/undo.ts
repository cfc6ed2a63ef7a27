/** Runs `work`; if it fails, runs `undo` (its own failure ignored) before the failure goes on. */
export async function undoOnFailure<T>(work: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> {
	let done = false;
	try {
		const value = await work();
		done = true;
		return value;
	} finally {
		if (!done) await undo().catch(() => undefined);
	}
}
