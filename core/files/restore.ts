/**
 * Undoes a file run: every object it overwrote is put back from backup/, every object it created
 * (the keys in created/ records, written before the objects) is deleted, and its chunk records go, so a rerun
 * copies again. Each step is idempotent: a restore stopped halfway is run again.
 */
import type { ObjectStore } from '../ports';
import { isMigrationError } from '../model/errors';
import { backupPrefix, chunksPrefix, createdPrefix, runRoot, type RunPaths } from './keys';
import { deleteUnder, listAll, readJson } from './run-state';

/** Whether the key is there; a key this store refuses to name (recorded before the copy refused it) never is. */
async function existing(destination: ObjectStore, key: string): Promise<boolean> {
	return destination.head(key).then(
		(info) => info !== undefined,
		(error: unknown) => {
			if (isMigrationError(error) && error.code === 'REQUEST_REFUSED') return false;
			throw error;
		},
	);
}

export interface RestoreResult {
	restored: number;
	deleted: number;
}

export async function restoreObjects(destination: ObjectStore, paths: RunPaths): Promise<RestoreResult> {
	const result: RestoreResult = { restored: 0, deleted: 0 };
	const backups = backupPrefix(paths);
	for await (const info of listAll(destination, backups)) {
		await destination.serverCopy(destination, info.key, info.key.slice(backups.length), {});
		await destination.delete(info.key);
		result.restored++;
	}
	for await (const info of listAll(destination, createdPrefix(paths))) {
		for (const key of (await readJson<string[]>(destination, info.key)) ?? []) {
			if (!(await existing(destination, key))) continue;
			await destination.delete(key);
			result.deleted++;
		}
		await destination.delete(info.key);
	}
	await deleteUnder(destination, chunksPrefix(paths));
	return result;
}

/** After a run that is kept: its backups and markers go (the plan and chunk records stay as its record unless `all`). */
export async function discardObjectBackups(destination: ObjectStore, paths: RunPaths, all = false): Promise<number> {
	if (all) return deleteUnder(destination, runRoot(paths));
	return (await deleteUnder(destination, backupPrefix(paths))) + (await deleteUnder(destination, createdPrefix(paths)));
}
