/**
 * Copies one chunk of a plan: the objects of its range, `concurrency` at a time. An object already
 * at the destination (compare.ts) is skipped; one the run would overwrite is kept first (backup/),
 * the keys it may create are recorded first (created/, a record per listing page), so Restore can
 * undo either. Each write is hashed as it
 * streams and the destination's own checksum compared with it before the write counts; a mismatch
 * or any other failure of one object is that object's, reported with both values. A chunk whose
 * every object landed gets its record: a rerun skips it whole, and within an unfinished chunk skips
 * every object already there.
 */
import type { ObjectInfo, ObjectStore, WrittenObject } from '../ports';
import { ChecksumError, isMigrationError } from '../model/errors';
import { alreadyCopied, digestObject, plainEtag, SOURCE_ETAG_METADATA } from './compare';
import { compareStored, DigestStream, type ObjectDigest, type StoredEvidence } from './digest';
import {
	backupPrefix,
	createdRecordKey,
	destinationKeyOf,
	destinationRange,
	inRange,
	runRoot,
	type RunPaths,
} from './keys';
import type { ObjectChunk } from './plan';
import { readChunkRecord, readJson, writeChunkRecord, writeJson, type ChunkRecord } from './run-state';
import { streamPool } from './stream-pool';
import { ByteBudget } from './byte-budget';
import { undoOnFailure } from './undo';

export interface CopyObjectsOptions {
	sourcePrefix: string;
	destinationPrefix: string;
	paths: RunPaths;
	/** Objects copied at once. */
	concurrency: number;
	partSize: number;
	/** Parts of one object in flight. */
	queueSize: number;
	/** Keep what the run overwrites (backup/) and mark what it creates (created/), for Restore. */
	keepOverwritten: boolean;
	/**
	 * The bytes read checked against the source's MD5 ETag where it has one (a read corrupted on the way
	 * is caught at once). Off for sources whose ETags are not MD5s (AWS SSE-KMS, SSE-C).
	 */
	checkSourceEtag?: boolean;
	/** Memory the objects in flight may buffer together (default 256 MiB): a large object waits for its share. */
	memoryBytes?: number;
	/** Bytes and files done so far in this chunk, as objects finish. */
	onProgress?: (done: { files: number; bytes: number }) => void;
}

export interface FileFailure {
	key: string;
	destinationKey: string;
	size: number;
	reason: string;
	/** The bytes read from the source, as the store would state them (SHA-256 hex, or the store's own form). */
	source?: string;
	/** What the destination says it holds, in the same form. */
	destination?: string;
}

export interface ChunkCopyResult extends ChunkRecord {
	/** The chunk had a record: nothing was listed or copied this time. */
	alreadyDone: boolean;
	failed: FileFailure[];
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Source objects of the chunk, a listing page at a time, in key order, without the run's own keys. */
async function* pagesOf(source: ObjectStore, chunk: ObjectChunk, statePrefix: string): AsyncGenerator<ObjectInfo[]> {
	for await (const page of source.list(chunk.range, { pageSize: 1000 }))
		yield page.filter((info) => !info.key.startsWith(statePrefix) && inRange(info.key, chunk.range));
}

async function destinationListing(destination: ObjectStore, chunk: ObjectChunk, options: CopyObjectsOptions) {
	const found = new Map<string, ObjectInfo>();
	const range = destinationRange(chunk.range, options.sourcePrefix, options.destinationPrefix);
	for await (const page of destination.list(range, { pageSize: 1000 }))
		for (const info of page) found.set(info.key, info);
	return found;
}

/**
 * What Restore needs, written before the writes: the keys a page of the chunk may create (absent at
 * the destination now), one record per page, merged with an earlier attempt's (its keys are ours too).
 */
async function recordCreated(
	destination: ObjectStore,
	paths: RunPaths,
	chunk: number,
	page: number,
	keys: string[],
	ours: Set<string>,
): Promise<void> {
	const key = createdRecordKey(paths, chunk, page);
	const earlier = (await readJson<string[]>(destination, key)) ?? [];
	for (const k of earlier) ours.add(k);
	const all = [...new Set([...earlier, ...keys])];
	if (all.length > earlier.length) await writeJson(destination, key, all);
	for (const k of keys) ours.add(k);
}

/** Keeps the destination's object before it is overwritten, unless the run made it (then Restore deletes it) or kept it already. */
async function keepOverwritten(destination: ObjectStore, key: string, paths: RunPaths, ours: Set<string>) {
	const backup = `${backupPrefix(paths)}${key}`;
	if (ours.has(key) || (await destination.head(backup))) return;
	await destination.serverCopy(destination, key, backup, {});
}

function refuseMismatch(evidence: StoredEvidence, what: string): void {
	if (evidence.result === 'mismatch')
		throw new ChecksumError(
			`${what}: the destination holds ${evidence.stored}, the source's bytes give ${evidence.computed}`,
			{
				stored: evidence.stored,
				computed: evidence.computed,
			},
		);
}

/** What a copy stamps on the object it writes: the source's ETag (compare.ts proves a later rerun need not copy). */
const stamp = (from: ObjectInfo): Record<string, string> =>
	from.etag ? { [SOURCE_ETAG_METADATA]: plainEtag(from.etag)! } : {};

/**
 * Whether the destination computes its own SHA-256 of what it receives (x-amz-checksum-sha256, checked
 * against the one sent with each part): learned from the chunk's first write. Then our MD5 of the
 * parts (the ETag's) is not needed; until then, and for a store without, it is.
 */
interface StoreChecks {
	sha256?: boolean;
}

/** Streams the object through a hash into the destination; the write counts only once its checksum matched. */
async function streamCopy(
	source: ObjectStore,
	destination: ObjectStore,
	from: ObjectInfo,
	toKey: string,
	options: CopyObjectsOptions,
	checks: StoreChecks,
): Promise<{ verified: boolean }> {
	// Hashing is most of a copy's CPU: only what is compared. The source's MD5 ETag (a read corrupted on
	// the way); the store's ETag (MD5s of the parts) unless it checks SHA-256 itself; a local file's SHA-256.
	const tag = plainEtag(from.etag);
	const checkSource = options.checkSourceEtag !== false && tag !== undefined && /^[0-9a-f]{32}$/.test(tag);
	const partMd5 = !destination.readsLocally && !checks.sha256;
	const hashing = new DigestStream(options.partSize, [], {
		sha256: destination.readsLocally,
		// A one-part object's whole MD5 is its part's, when the parts' are hashed.
		wholeMd5: checkSource && (from.size > options.partSize || !partMd5),
		partMd5,
	});
	const body = await source.get(from.key);
	body.on('error', (error) => hashing.destroy(error));
	let verified = false;
	await destination.put(toKey, body.pipe(hashing), {
		size: from.size,
		contentType: from.contentType,
		metadata: stamp(from),
		partSize: options.partSize,
		queueSize: options.queueSize,
		accept: (written: WrittenObject) => {
			const read: ObjectDigest = hashing.digest();
			if (read.size !== from.size)
				throw new ChecksumError(
					`read ${read.size} bytes of ${from.size} listed (did the source change during the copy?)`,
				);
			if (checkSource && tag !== read.md5)
				throw new ChecksumError(
					`the bytes read differ from the source's ETag (MD5 ${tag}, read ${read.md5}): corrupted on the way, or the source changed; under SSE-KMS or SSE-C turn Check Source ETags off`,
					{ stored: tag, computed: read.md5 },
				);
			if (written.size !== read.size)
				throw new ChecksumError(`the destination holds ${written.size} bytes, ${read.size} were sent`);
			const evidence = compareStored(written, read);
			refuseMismatch(evidence, 'checksum mismatch after the write');
			// The store checked the SHA-256 sent with every part (computed from these bytes) before it took the part.
			const storeChecked = !destination.readsLocally && written.checksumSha256 !== undefined;
			if (storeChecked) checks.sha256 = true;
			verified = evidence.result === 'match' || storeChecked;
		},
	});
	return { verified };
}

/** The server copies; its checksum is compared with the source's ETag, or with the source read here. */
async function serverSideCopy(
	source: ObjectStore,
	destination: ObjectStore,
	from: ObjectInfo,
	toKey: string,
	options: CopyObjectsOptions,
): Promise<{ verified: boolean }> {
	const written = await destination.serverCopy(source, from.key, toKey, {
		metadata: stamp(from),
		partSize: options.partSize,
	});
	// A copy whose checksum is refused does not stay.
	return undoOnFailure(
		async () => {
			if (written.size !== from.size)
				throw new ChecksumError(`the destination holds ${written.size} bytes, the source ${from.size}`);
			const tag = plainEtag(from.etag);
			if (tag && /^[0-9a-f]{32}$/.test(tag) && plainEtag(written.etag) === tag) return { verified: true };
			const evidence = compareStored(written, await digestObject(source, from.key, options.partSize));
			refuseMismatch(evidence, 'checksum mismatch after the server-side copy');
			return { verified: evidence.result === 'match' };
		},
		() => destination.delete(toKey),
	);
}

export async function copyObjectChunk(
	source: ObjectStore,
	destination: ObjectStore,
	chunk: ObjectChunk,
	options: CopyObjectsOptions,
	now: () => number = Date.now,
): Promise<ChunkCopyResult> {
	const done = await readChunkRecord(destination, options.paths, chunk.chunk);
	if (done) return { ...done, alreadyDone: true, failed: [] };
	const started = now();
	const existing = await destinationListing(destination, chunk, options);
	const serverSide = destination.copiesFrom(source);
	const result: ChunkCopyResult = {
		chunk: chunk.chunk,
		files: 0,
		bytes: 0,
		copied: 0,
		copiedBytes: 0,
		skipped: 0,
		serverCopies: 0,
		unverified: 0,
		seconds: 0,
		finishedAt: '',
		alreadyDone: false,
		failed: [],
	};
	const ours = new Set<string>();
	const toKeyOf = (key: string) => destinationKeyOf(key, options.sourcePrefix, options.destinationPrefix);
	let pageNumber = 0;
	const objects = async function* () {
		for await (const page of pagesOf(source, chunk, options.paths.statePrefix)) {
			const absent = page.map((from) => toKeyOf(from.key)).filter((key) => !existing.has(key));
			if (options.keepOverwritten)
				await recordCreated(destination, options.paths, chunk.chunk, ++pageNumber, absent, ours);
			yield* page;
		}
	};
	// One small write tells whether the store checks SHA-256 itself (then the parts need no MD5 here).
	const checks: StoreChecks = destination.readsLocally
		? {}
		: {
				sha256:
					(await writeJson(destination, `${runRoot(options.paths)}checksum-probe.json`, { at: started }))
						.checksumSha256 !== undefined,
			};
	const budget = new ByteBudget(options.memoryBytes ?? 256 * 1024 * 1024);
	// What a streamed object may hold: itself, or its parts in flight and the one filling (server-side copies hold nothing).
	const cost = (size: number) =>
		serverSide ? 0 : size <= options.partSize ? size : options.partSize * (options.queueSize + 1);
	await streamPool(objects(), options.concurrency, async (from) => {
		const toKey = toKeyOf(from.key);
		const held = await budget.take(cost(from.size));
		try {
			const to = existing.get(toKey);
			if (await alreadyCopied(source, destination, from, to, options.partSize)) {
				result.skipped++;
			} else {
				if (options.keepOverwritten && to) await keepOverwritten(destination, toKey, options.paths, ours);
				const { verified } = serverSide
					? await serverSideCopy(source, destination, from, toKey, options)
					: await streamCopy(source, destination, from, toKey, options, checks);
				result.copied++;
				result.copiedBytes += from.size;
				if (serverSide) result.serverCopies++;
				if (!verified) result.unverified++;
			}
			result.files++;
			result.bytes += from.size;
			options.onProgress?.({ files: result.files, bytes: result.bytes });
		} catch (error) {
			const context = isMigrationError(error) ? error.context : {};
			result.failed.push({
				key: from.key,
				destinationKey: toKey,
				size: from.size,
				reason: reasonOf(error),
				source: context.computed as string | undefined,
				destination: context.stored as string | undefined,
			});
		} finally {
			budget.give(held);
		}
	});
	result.seconds = (now() - started) / 1000;
	result.finishedAt = new Date().toISOString();
	if (!result.failed.length) {
		const { alreadyDone: _a, failed: _f, ...record } = result;
		await writeChunkRecord(destination, options.paths, record);
	}
	return result;
}
