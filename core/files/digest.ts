/**
 * An object's digest, computed while its bytes stream past: SHA-256 and MD5 of the whole, and per
 * part (the parts a multipart upload of that part size makes), so that what a store says it holds —
 * an ETag (MD5, or MD5 of the parts' MD5s "-N"), an x-amz-checksum-sha256 (whole, or "-N" composite)
 * — can be compared with what was read.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface PartDigests {
	partSize: number;
	md5: Buffer[];
	sha256?: Buffer[];
}

export interface ObjectDigest {
	size: number;
	/** Hex; absent when not asked for (a copy to S3 leaves SHA-256 to the SDK and the store, see DigestOptions). */
	sha256?: string;
	/** Hex; absent for a multipart object when its whole MD5 was not asked for. */
	md5?: string;
	/** The parts of each part size hashed: the first is the size the copy writes with. */
	parts: PartDigests[];
}

class PartHasher {
	private filled = 0;
	private md5: Hash | undefined;
	private sha: Hash | undefined;
	readonly done: PartDigests;

	constructor(partSize: number, withSha: boolean, withMd5 = true) {
		this.done = { partSize, md5: [], sha256: withSha ? [] : undefined };
		if (withSha) this.sha = createHash('sha256');
		if (withMd5) this.md5 = createHash('md5');
	}

	update(chunk: Buffer): void {
		let at = 0;
		while (at < chunk.length) {
			const take = Math.min(chunk.length - at, this.done.partSize - this.filled);
			const piece = chunk.subarray(at, at + take);
			this.md5?.update(piece);
			this.sha?.update(piece);
			this.filled += take;
			at += take;
			if (this.filled === this.done.partSize) this.close();
		}
	}

	close(): void {
		if (this.filled === 0) return;
		if (this.md5) {
			this.done.md5.push(this.md5.digest());
			this.md5 = createHash('md5');
		}
		this.done.sha256?.push(this.sha!.digest());
		if (this.sha) this.sha = createHash('sha256');
		this.filled = 0;
	}
}

export interface DigestOptions {
	/** SHA-256 of the whole and of each part (default true). */
	sha256?: boolean;
	/** MD5 of the whole even when it spans several parts (default true; a single part's is its part's). */
	wholeMd5?: boolean;
	/** MD5 of each part (default true): what a multipart ETag is compared with. */
	partMd5?: boolean;
}

const EMPTY_MD5 = createHash('md5').digest('hex');

/**
 * Passes bytes through unchanged, hashing them; `digest()` once the stream has ended. Hashing is
 * most of a copy's CPU: a copy asks only for what it compares (DigestOptions).
 */
export class DigestStream extends Transform {
	private size = 0;
	private readonly sha: Hash | undefined;
	private readonly md5: Hash | undefined;
	private readonly hashers: PartHasher[];
	private result: ObjectDigest | undefined;

	/** `partSize` first (its parts get SHA-256 too); `otherPartSizes` for ETags written by others. */
	constructor(partSize: number, otherPartSizes: number[] = [], options: DigestOptions = {}) {
		super();
		const withSha = options.sha256 !== false;
		if (withSha) this.sha = createHash('sha256');
		const others = [...new Set(otherPartSizes)].filter((p) => p > 0 && p !== partSize);
		if (options.wholeMd5 !== false) this.md5 = createHash('md5');
		this.hashers = [
			new PartHasher(partSize, withSha, options.partMd5 !== false),
			...others.map((p) => new PartHasher(p, false)),
		];
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
		this.size += chunk.length;
		this.sha?.update(chunk);
		this.md5?.update(chunk);
		for (const hasher of this.hashers) hasher.update(chunk);
		done(null, chunk);
	}

	override _flush(done: TransformCallback): void {
		for (const hasher of this.hashers) hasher.close();
		const first = this.hashers[0].done;
		this.result = {
			size: this.size,
			sha256: this.sha?.digest('hex'),
			md5:
				this.md5?.digest('hex') ??
				(this.size === 0 ? EMPTY_MD5 : first.md5.length === 1 ? first.md5[0].toString('hex') : undefined),
			parts: this.hashers.map((h) => h.done),
		};
		done();
	}

	digest(): ObjectDigest {
		if (!this.result) throw new Error('The object was not read to its end');
		return this.result;
	}
}

const concatHash = (algorithm: 'md5' | 'sha256', parts: Buffer[]) =>
	createHash(algorithm).update(Buffer.concat(parts)).digest();

/** The ETag a store gives this object written in parts of `parts.partSize` (one request up to one part). */
export function etagOf(digest: ObjectDigest, parts: PartDigests = digest.parts[0]): string {
	if (digest.size <= parts.partSize) return digest.md5 ?? '';
	return `${concatHash('md5', parts.md5).toString('hex')}-${parts.md5.length}`;
}

/** x-amz-checksum-sha256 of this object written in our parts: whole (one request), or composite "-N". */
export function checksumSha256Of(digest: ObjectDigest, whole = false): string {
	const full = Buffer.from(digest.sha256 ?? '', 'hex').toString('base64');
	const parts = digest.parts[0];
	if (whole || digest.size <= parts.partSize) return full;
	return `${concatHash('sha256', parts.sha256!).toString('base64')}-${parts.sha256!.length}`;
}

export interface StoredEvidence {
	result: 'match' | 'mismatch' | 'unknown';
	/** What the store said and what the bytes read give, in the same form (for a Rejected item). */
	stored?: string;
	computed?: string;
}

const unquote = (etag: string) => etag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();

/** The store's SHA-256 (a local file's hex, or S3's base64 whole or composite) against the digest. */
function bySha256(info: { sha256?: string; checksumSha256?: string }, digest: ObjectDigest): StoredEvidence {
	if (!digest.sha256) return { result: 'unknown', stored: info.sha256 ?? info.checksumSha256 };
	if (info.sha256) return verdict(info.sha256, digest.sha256);
	const stored = info.checksumSha256;
	if (!stored) return { result: 'unknown' };
	const parts = /-(\d+)$/.exec(stored);
	if (!parts) return verdict(stored, checksumSha256Of(digest, true));
	const ours = digest.parts[0];
	if (!ours.sha256 || ours.sha256.length !== Number(parts[1]) || digest.size <= ours.partSize)
		return { result: 'unknown', stored };
	return verdict(stored, checksumSha256Of(digest));
}

/** An MD5-shaped ETag against the digest (whole, or by the part size that gives its part count). */
function byEtag(etag: string | undefined, digest: ObjectDigest): StoredEvidence {
	if (!etag) return { result: 'unknown' };
	const tag = unquote(etag);
	if (/^[0-9a-f]{32}$/.test(tag)) return digest.md5 ? verdict(tag, digest.md5) : { result: 'unknown', stored: tag };
	const multipart = /^[0-9a-f]{32}-(\d+)$/.exec(tag);
	if (!multipart) return { result: 'unknown', stored: tag };
	const parts = digest.parts.find((p) => p.md5.length === Number(multipart[1]) && digest.size > p.partSize);
	return parts ? verdict(tag, etagOf(digest, parts)) : { result: 'unknown', stored: tag };
}

const verdict = (stored: string, computed: string): StoredEvidence => ({
	result: stored === computed ? 'match' : 'mismatch',
	stored,
	computed,
});

/**
 * What a store holds against the bytes read: its SHA-256 decides where it has one (an ETag is not an
 * MD5 under some encryptions), else an MD5-shaped ETag; 'unknown' when nothing is comparable.
 */
export function compareStored(
	info: { sha256?: string; checksumSha256?: string; etag?: string },
	digest: ObjectDigest,
): StoredEvidence {
	const sha = bySha256(info, digest);
	if (sha.result !== 'unknown') return sha;
	const tag = byEtag(info.etag, digest);
	return tag.result === 'unknown' ? { ...tag, stored: tag.stored ?? sha.stored } : tag;
}

/** Part sizes other tools write with (aws cli 8 MiB, rclone 5 MiB…), to read their multipart ETags. */
export const COMMON_PART_SIZES = [5, 8, 16, 32, 64, 100, 128].map((mib) => mib * 1024 * 1024);
