import type { Rejection } from '../copy/row-check';
import type { Stateful } from '../ports';

type Entry<T> = { key: string; value: T };
import { CHUNK_NAMESPACE, REJECT_NAMESPACE } from '../state/namespaces';

/** What a chunk's checkpoint says of the values its load could not write as they were. */
export interface ChunkRejects {
	rows: number;
	rejected?: Rejection[];
	rejectedCount?: number;
	nulledCount?: number;
	at: string;
}

/** The rejects of checkpoints about to be deleted, kept apart: a rollback must not erase the record of why. */
export async function keepRejects(
	destination: Stateful,
	checkpoints: Array<Entry<ChunkRejects>>,
	because: 'rolled back' | 'checkpoint cleared',
): Promise<void> {
	for (const { key, value } of checkpoints) {
		if (!value.rejected?.length) continue;
		await destination.state.set(REJECT_NAMESPACE, key, {
			rejected: value.rejected,
			rejectedCount: value.rejectedCount ?? 0,
			nulledCount: value.nulledCount ?? 0,
			at: value.at,
			because,
			keptAt: new Date().toISOString(),
		});
	}
}

export interface RunRejects {
	/** Rows refused by the loads that stand (their checkpoints), and values written as NULL by a policy. */
	rows: number;
	nulled: number;
	listed: Rejection[];
	/** From loads a rollback (or a cleared checkpoint) undid: why those rows were refused then. */
	earlier: { rows: number; listed: Array<Rejection & { because: string }> };
}

/** Every reject of a run: the standing loads' and the undone loads', listed up to `limit` each. */
export async function runRejects(destination: Stateful, migration: string, limit = 1000): Promise<RunRejects> {
	const mine = <T>(entries: Array<Entry<T>>) => entries.filter((e) => e.key.startsWith(`${migration}/`));
	const standing = mine(await destination.state.list<ChunkRejects>(CHUNK_NAMESPACE));
	const undone = mine(await destination.state.list<ChunkRejects & { because: string }>(REJECT_NAMESPACE));
	return {
		rows: standing.reduce((n, e) => n + (e.value.rejectedCount ?? 0), 0),
		nulled: standing.reduce((n, e) => n + (e.value.nulledCount ?? 0), 0),
		listed: standing.flatMap((e) => e.value.rejected ?? []).slice(0, limit),
		earlier: {
			rows: undone.reduce((n, e) => n + (e.value.rejectedCount ?? 0), 0),
			listed: undone
				.flatMap((e) => (e.value.rejected ?? []).map((r: Rejection) => ({ ...r, because: e.value.because })))
				.slice(0, limit),
		},
	};
}
