/**
 * Object digests as stores state them: whole and per-part MD5 (ETags, "-N" for multipart) and
 * SHA-256 (x-amz-checksum-sha256, composite "-N"); what a store says compared with the bytes read;
 * S3's key order (UTF-8 bytes) and listing ranges; the stream pool's bounded lanes.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checksumSha256Of, compareStored, DigestStream, etagOf, type ObjectDigest } from '../../core/files/digest';
import { compareKeys, destinationRange, inRange } from '../../core/files/keys';
import { streamPool } from '../../core/files/stream-pool';

async function digest(bytes: Buffer, partSize: number, others: number[] = [], chunk = 7777): Promise<ObjectDigest> {
	const hashing = new DigestStream(partSize, others);
	const pieces = [];
	for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
	await pipeline(Readable.from(pieces), hashing, async function* (source) {
		for await (const _ of source) yield* [];
	});
	return hashing.digest();
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const sha = (b: Buffer) => createHash('sha256').update(b).digest();

describe('object digests', () => {
	const bytes = Buffer.from(Array.from({ length: 25_000 }, (_, i) => (i * 31) % 251));

	it('states a single-part object as its MD5 and SHA-256', async () => {
		const d = await digest(bytes, 30_000);
		expect(etagOf(d)).toBe(md5(bytes).toString('hex'));
		expect(checksumSha256Of(d)).toBe(sha(bytes).toString('base64'));
		expect(d.size).toBe(25_000);
	});

	it('states a multipart object as S3 does: MD5 of the parts\' MD5s "-N", SHA-256 of their SHA-256s "-N"', async () => {
		const d = await digest(bytes, 10_000);
		const parts = [bytes.subarray(0, 10_000), bytes.subarray(10_000, 20_000), bytes.subarray(20_000)];
		expect(etagOf(d)).toBe(`${md5(Buffer.concat(parts.map(md5))).toString('hex')}-3`);
		expect(checksumSha256Of(d)).toBe(`${sha(Buffer.concat(parts.map(sha))).toString('base64')}-3`);
		// Exactly two parts' worth: two full parts, no empty third.
		expect(etagOf(await digest(bytes.subarray(0, 20_000), 10_000))).toMatch(/-2$/);
		// Exactly one part: one request, a plain MD5.
		expect(etagOf(await digest(bytes.subarray(0, 10_000), 10_000))).toBe(
			md5(bytes.subarray(0, 10_000)).toString('hex'),
		);
	});

	it('compares what a store says: SHA-256 first, an MD5 ETag (any known part size) else, unknown otherwise', async () => {
		const d = await digest(bytes, 10_000, [8_000]);
		expect(compareStored({ checksumSha256: checksumSha256Of(d) }, d).result).toBe('match');
		expect(compareStored({ sha256: d.sha256 }, d).result).toBe('match');
		expect(compareStored({ etag: `"${etagOf(d)}"` }, d).result).toBe('match');
		// Written by another tool in 8,000-byte parts: 4 parts.
		expect(compareStored({ etag: etagOf(d, d.parts[1]) }, d).result).toBe('match');
		const flipped = Buffer.from(bytes);
		flipped[12_345] ^= 1;
		const other = await digest(flipped, 10_000);
		const verdict = compareStored({ checksumSha256: checksumSha256Of(other), etag: etagOf(d) }, d);
		expect(verdict).toMatchObject({
			result: 'mismatch',
			stored: checksumSha256Of(other),
			computed: checksumSha256Of(d),
		});
		expect(compareStored({ etag: 'not-an-md5' }, d).result).toBe('unknown');
		expect(compareStored({ etag: `${'a'.repeat(32)}-7` }, d).result).toBe('unknown');
		expect(compareStored({}, d).result).toBe('unknown');
	});

	it('refuses a digest asked for before the end', () => {
		expect(() => new DigestStream(10).digest()).toThrow(/not read to its end/);
	});
});

describe('keys', () => {
	it('orders keys by UTF-8 bytes, as S3 lists them (not by UTF-16 units)', () => {
		const keys = ['a/b', 'a-b', 'a', '\u{1F680}', '\uFF5E', 'A'];
		expect([...keys].sort(compareKeys)).toEqual(['A', 'a', 'a-b', 'a/b', '\uFF5E', '\u{1F680}']);
	});

	it('ranges a listing: after (exclusive), up to (inclusive), under the prefix; mapped to the destination prefix', () => {
		const range = { prefix: 'in/', after: 'in/b', upTo: 'in/d' };
		expect(['in/a', 'in/b', 'in/c', 'in/d', 'in/e', 'out/c'].filter((k) => inRange(k, range))).toEqual([
			'in/c',
			'in/d',
		]);
		expect(destinationRange(range, 'in/', 'archive/in/')).toEqual({
			prefix: 'archive/in/',
			after: 'archive/in/b',
			upTo: 'archive/in/d',
		});
	});
});

describe('stream pool', () => {
	it('runs at most `limit` at once, reads ahead no further, and reports the first failure', async () => {
		let running = 0;
		let peak = 0;
		let pulled = 0;
		async function* items() {
			for (let i = 0; i < 20; i++) {
				pulled++;
				yield i;
			}
		}
		const done: number[] = [];
		await streamPool(items(), 3, async (i) => {
			running++;
			peak = Math.max(peak, running);
			expect(pulled - done.length).toBeLessThanOrEqual(3);
			await new Promise((r) => setTimeout(r, 1 + (i % 3)));
			running--;
			done.push(i);
		});
		expect(peak).toBe(3);
		expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
		await expect(
			streamPool(items(), 2, async (i) => {
				if (i === 5) throw new Error('item 5');
			}),
		).rejects.toThrow('item 5');
	});
});
