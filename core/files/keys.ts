/**
 * Keys of an object store as core handles them: UTF-8 byte order (how S3 lists), ranges of a
 * listing, a source key's place under the destination prefix, and the run's own keys in the
 * destination (its plan, chunk records, backups) under the state prefix, which no listing returns.
 */
import type { ObjectRange } from '../ports';

/** S3's listing order: UTF-8 bytes (JavaScript's < compares UTF-16 units, which differs past U+FFFF). */
export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function inRange(key: string, range: ObjectRange): boolean {
	if (!key.startsWith(range.prefix)) return false;
	if (range.after !== undefined && compareKeys(key, range.after) <= 0) return false;
	return range.upTo === undefined || compareKeys(key, range.upTo) <= 0;
}

/** A source key under the destination prefix: the part after the source prefix kept as it is. */
export const destinationKeyOf = (key: string, sourcePrefix: string, destinationPrefix: string): string =>
	destinationPrefix + key.slice(sourcePrefix.length);

/** A source range as the same keys under the destination prefix. */
export const destinationRange = (range: ObjectRange, sourcePrefix: string, destinationPrefix: string): ObjectRange => ({
	prefix: destinationPrefix,
	after: range.after === undefined ? undefined : destinationKeyOf(range.after, sourcePrefix, destinationPrefix),
	upTo: range.upTo === undefined ? undefined : destinationKeyOf(range.upTo, sourcePrefix, destinationPrefix),
});

/** Where a run keeps its own objects in the destination: `<statePrefix><migration>/…`. */
export interface RunPaths {
	statePrefix: string;
	migration: string;
}

export const runRoot = (paths: RunPaths) => `${paths.statePrefix}${paths.migration}/`;
export const planKey = (paths: RunPaths) => `${runRoot(paths)}plan.json`;
export const chunksPrefix = (paths: RunPaths) => `${runRoot(paths)}chunks/`;
export const chunkRecordKey = (paths: RunPaths, chunk: number) =>
	`${chunksPrefix(paths)}${String(chunk).padStart(8, '0')}.json`;
/** The object a run overwrote, as it was. */
export const backupPrefix = (paths: RunPaths) => `${runRoot(paths)}backup/`;
/** Records of the keys a run may create, written before it writes them (Restore deletes them). */
export const createdPrefix = (paths: RunPaths) => `${runRoot(paths)}created/`;
export const createdRecordKey = (paths: RunPaths, chunk: number, page: number) =>
	`${createdPrefix(paths)}${String(chunk).padStart(8, '0')}-${String(page).padStart(6, '0')}.json`;

/** The state prefix must be a folder of its own, and no run key may be listed as data. */
export function checkStatePrefix(statePrefix: string): string {
	if (!statePrefix.endsWith('/') || statePrefix === '/' || statePrefix.startsWith('/'))
		throw new RangeError(
			`The State Prefix must be a folder such as ".dm-migration/", got ${JSON.stringify(statePrefix)}`,
		);
	return statePrefix;
}
