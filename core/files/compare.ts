/**
 * Is the destination's object already the source's? Decided with the cheapest evidence that can
 * prove it, never by size alone: equal MD5-shaped ETags; the source ETag our copy stamped on it; a
 * local file (cheap to read) hashed and compared with the other side's stored checksum. Anything
 * unproven is copied again.
 */
import type { ObjectInfo, ObjectStore } from '../ports';
import { COMMON_PART_SIZES, compareStored, DigestStream, type ObjectDigest } from './digest';

/** Metadata our copy stamps on what it writes: the source object's ETag it was read at. */
export const SOURCE_ETAG_METADATA = 'dm-source-etag';

const md5Shaped = (etag: string | undefined) => etag !== undefined && /^"?[0-9a-f]{32}(-\d+)?"?$/i.test(etag);
export const plainEtag = (etag: string | undefined) => etag?.replace(/"/g, '').toLowerCase();

/** Reads an object to its end, hashing it in our part size and the common ones (to read others' ETags). */
export async function digestObject(store: ObjectStore, key: string, partSize: number): Promise<ObjectDigest> {
	const hashing = new DigestStream(partSize, COMMON_PART_SIZES);
	const body = await store.get(key);
	await new Promise<void>((resolve, reject) => {
		body.on('error', reject);
		hashing.on('error', reject);
		hashing.on('finish', resolve);
		body.pipe(hashing).resume();
	});
	return hashing.digest();
}

export async function alreadyCopied(
	source: ObjectStore,
	destination: ObjectStore,
	from: ObjectInfo,
	to: ObjectInfo | undefined,
	partSize: number,
): Promise<boolean> {
	if (!to || to.size !== from.size) return false;
	if (md5Shaped(from.etag) && md5Shaped(to.etag)) {
		if (plainEtag(from.etag) === plainEtag(to.etag)) return true;
		// Two whole-object MD5s that differ: the contents differ, no need to ask for more.
		if (!from.etag!.includes('-') && !to.etag!.includes('-')) return false;
	}
	if (source.readsLocally && destination.readsLocally) {
		const [a, b] = await Promise.all([
			digestObject(source, from.key, partSize),
			digestObject(destination, to.key, partSize),
		]);
		return a.sha256 === b.sha256;
	}
	if (destination.readsLocally)
		return compareStored(from, await digestObject(destination, to.key, partSize)).result === 'match';
	const stored = await destination.head(to.key);
	if (!stored || stored.size !== from.size) return false;
	if (from.etag && stored.metadata?.[SOURCE_ETAG_METADATA] === plainEtag(from.etag)) return true;
	if (source.readsLocally)
		return compareStored(stored, await digestObject(source, from.key, partSize)).result === 'match';
	return false;
}
