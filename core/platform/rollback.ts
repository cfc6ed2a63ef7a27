/**
 * Rollback of a platform migration from its ID map: what the migration's runs created, deleted in
 * reverse order of creation (comments and attachments before their issue, issues before their
 * repository, the organization last); records found as they were (users, structures that existed)
 * are left. A record already gone counts as deleted. The map is forgotten afterwards, so a new run
 * starts from nothing.
 */
import { isMigrationError } from '../model/errors';
import { CONTAINER } from './id-map';
import type { PlatformParts } from './parts';
import { fillPath } from './template';

export interface PlatformRollback {
	deleted: Record<string, number>;
	alreadyGone: number;
	/** Creations whose answer was lost: nothing to delete by id (a rerun finds them by marker first). */
	unknown: Array<{ type: string; id: string }>;
	failed: Array<{ type: string; id: string; reason: string }>;
}

export async function rollbackPlatform(
	parts: Pick<PlatformParts, 'destination' | 'destinationPreset' | 'map' | 'settings'>,
): Promise<PlatformRollback> {
	const result: PlatformRollback = { deleted: {}, alreadyGone: 0, unknown: [], failed: [] };
	const created = (await parts.map.entries())
		.filter((e) => e.entry.created && e.entry.state !== 'rejected')
		.sort((a, b) => b.entry.seq - a.entry.seq);
	for (const { type, id, entry } of created) {
		if (entry.state !== 'done') {
			result.unknown.push({ type, id });
			continue;
		}
		const spec =
			type === CONTAINER ? parts.destinationPreset.container?.delete : parts.destinationPreset.types[type]?.delete;
		if (!spec) continue;
		const context: Record<string, unknown> = { ...parts.settings, id };
		for (const [k, v] of Object.entries(entry.kept)) context[`dest.${k}`] = v;
		const outcome = await parts.destination
			.json({ method: 'DELETE', path: fillPath(spec.path, context, `${type} ${id}`) })
			.then(
				() => 'deleted' as const,
				(error: unknown) => (isMigrationError(error) && error.context.status === 404 ? ('gone' as const) : error),
			);
		if (outcome === 'deleted') result.deleted[type] = (result.deleted[type] ?? 0) + 1;
		else if (outcome === 'gone') result.alreadyGone++;
		else result.failed.push({ type, id, reason: (outcome as Error).message });
	}
	if (!result.failed.length) await parts.map.clear();
	return result;
}
