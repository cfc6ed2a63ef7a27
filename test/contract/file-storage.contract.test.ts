/**
 * File storage against real stores: MinIO (services.sh's, and a second endpoint of our own for
 * cross-endpoint copies) and local folders. Edge objects (0 and 1 byte, exactly one part, 100 MB in
 * 5 MB parts, unicode and space-laden keys, nested prefixes), 10,000 small objects, a kill mid-copy
 * and the rerun, corruption caught (on the wire at once; at rest by Verify Objects), rollback,
 * credential failures said plainly, keys that would leave a root folder refused.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { copyObjectChunk, type CopyObjectsOptions } from '../../core/files/copy';
import { planAndRecord, planObjects } from '../../core/files/plan';
import { discardObjectBackups, restoreObjects } from '../../core/files/restore';
import { fileProgress, readAll } from '../../core/files/run-state';
import { verifyObjects } from '../../core/files/verify';
import type { ObjectStore } from '../../core/ports';
import { createS3Store } from '../../connectors/s3/s3-client';
import { LocalStore } from '../../connectors/local/local-store';
import {
	freshBucket,
	keysOf,
	localFolder,
	MAIN_ENDPOINT,
	putObject,
	s3Config,
	secondMinio,
	type Endpoint,
} from '../helpers/object-stores';
import { requireService } from '../helpers/services';
import { tcpProxy } from '../helpers/tcp-proxy';

const MB = 1024 * 1024;
const options = (migration: string, extra: Partial<CopyObjectsOptions> = {}): CopyObjectsOptions => ({
	sourcePrefix: '',
	destinationPrefix: '',
	paths: { statePrefix: '.dm-migration/', migration },
	concurrency: 4,
	partSize: 5 * MB,
	queueSize: 2,
	keepOverwritten: true,
	...extra,
});

/** Plans and copies every chunk; the failures of all chunks. */
async function migrate(source: ObjectStore, destination: ObjectStore, copy: CopyObjectsOptions, filesPerChunk = 1000) {
	const plan = await planAndRecord(source, destination, copy.sourcePrefix, copy.paths, {
		filesPerChunk,
		bytesPerChunk: 1024 * MB,
		statePrefix: copy.paths.statePrefix,
	});
	const results = [];
	for (const chunk of plan.chunks) results.push(await copyObjectChunk(source, destination, chunk, copy));
	return { plan, results, failed: results.flatMap((r) => r.failed) };
}

const verify = (source: ObjectStore, destination: ObjectStore, extra = {}) =>
	verifyObjects(source, destination, {
		sourcePrefix: '',
		destinationPrefix: '',
		statePrefix: '.dm-migration/',
		mode: 'checksum',
		concurrency: 8,
		partSize: 5 * MB,
		...extra,
	});

/** The edge objects: sizes around the part size, keys no file system or URL makes easy. */
const EDGE: Array<[string, number]> = [
	['empty', 0],
	['one-byte', 1],
	['exactly-one-part.bin', 5 * MB],
	['one-part-and-a-byte.bin', 5 * MB + 1],
	['big/hundred-mb.bin', 100 * MB],
	['unicode/Ünïcødé 文件 🚀.txt', 1234],
	['spaces/a file with  two  spaces .txt', 77],
	['nested/a/b/c/d/e/deep.json', 4096],
	['nested/a-b', 10],
	['symbols/plus+percent%25&amp;=?#.txt', 11],
];

let second: Endpoint & { stop(): Promise<void> };

beforeAll(async () => {
	await requireService('minio');
	second = await secondMinio();
}, 120_000);

afterAll(async () => {
	await second?.stop();
});

describe('S3 → S3 across endpoints: edge objects', () => {
	it('copies every edge object streamed in parts, verifies each write, and Verify Objects finds them equal', async () => {
		const source = await freshBucket('dm-edge-src');
		const destination = await freshBucket('dm-edge-dst', second);
		const bytes = new Map<string, Buffer>();
		for (const [key, size] of EDGE) bytes.set(key, await putObject(source, key, size));
		const { failed, results } = await migrate(source, destination, options('edge'));
		expect(failed).toEqual([]);
		expect(results.reduce((n, r) => n + r.copied, 0)).toBe(EDGE.length);
		expect(results.reduce((n, r) => n + r.unverified, 0)).toBe(0);
		expect(results.reduce((n, r) => n + r.serverCopies, 0)).toBe(0);
		expect((await keysOf(destination)).sort()).toEqual(EDGE.map(([k]) => k).sort());
		// Bytes as they were, the 100 MB one in 20 parts of 5 MB.
		const big = await destination.head('big/hundred-mb.bin');
		expect(big?.etag).toMatch(/-20"?$/);
		expect(
			(await readAll(await destination.get('unicode/Ünïcødé 文件 🚀.txt'))).equals(
				bytes.get('unicode/Ünïcødé 文件 🚀.txt')!,
			),
		).toBe(true);
		const verdict = await verify(source, destination);
		expect(verdict).toMatchObject({ valid: true, differences: 0, checksummed: EDGE.length });
		expect(verdict.manifest.source).toBe(verdict.manifest.destination);
		expect(verdict.files).toEqual({ source: EDGE.length, destination: EDGE.length });

		// A rerun under a new name copies nothing: every object is proven there already.
		const again = await migrate(source, destination, options('edge-again'));
		expect(again.results.reduce((n, r) => n + r.skipped, 0)).toBe(EDGE.length);
		expect(again.results.reduce((n, r) => n + r.copied, 0)).toBe(0);
		await Promise.all([source.close(), destination.close()]);
	});

	it('copies server-side within one endpoint (CopyObject, and UploadPartCopy above the threshold)', async () => {
		await freshBucket('dm-same-src');
		await freshBucket('dm-same-dst');
		const source = createS3Store(s3Config('dm-same-src'));
		const destination = createS3Store(s3Config('dm-same-dst', MAIN_ENDPOINT, { copyPartThreshold: 12 * MB }));
		await putObject(source, 'small.bin', 3000);
		await putObject(source, 'multipart.bin', 11 * MB);
		await putObject(source, 'above-threshold.bin', 23 * MB);
		const { failed, results } = await migrate(source, destination, options('same'));
		expect(failed).toEqual([]);
		expect(results[0]).toMatchObject({ copied: 3, serverCopies: 3, unverified: 0 });
		expect((await destination.head('above-threshold.bin'))?.etag).toMatch(/-5"?$/);
		expect((await verify(source, destination)).valid).toBe(true);
	});
});

describe('local folders', () => {
	it('local → S3 → local: 10,000 small objects in chunks, progress recorded, trees equal', async () => {
		const folder = localFolder('many');
		for (let d = 0; d < 100; d++) {
			mkdirSync(join(folder.root, `dir-${String(d).padStart(3, '0')}`));
			for (let f = 0; f < 100; f++)
				writeFileSync(
					join(folder.root, `dir-${String(d).padStart(3, '0')}`, `file ${f}.txt`),
					`object ${d}/${f}\n`.repeat(1 + (f % 7)),
				);
		}
		const bucket = await freshBucket('dm-many');
		const up = await migrate(folder, bucket, options('many-up', { concurrency: 16 }), 2500);
		expect(up.plan.chunks).toHaveLength(4);
		expect(up.failed).toEqual([]);
		const progress = await fileProgress(bucket, { statePrefix: '.dm-migration/', migration: 'many-up' });
		expect(progress).toMatchObject({
			files: { done: 10_000, total: 10_000 },
			chunks: { done: 4, total: 4 },
			percent: 100,
		});
		expect(progress.bytesPerSecond).toBeGreaterThan(0);
		const back = localFolder('many-back');
		const down = await migrate(bucket, back, options('many-down', { concurrency: 16 }), 2500);
		expect(down.failed).toEqual([]);
		const verdict = await verify(folder, back);
		expect(verdict).toMatchObject({ valid: true, checksummed: 10_000 });
		expect(verdict.byPrefix).toHaveLength(100);
		expect(verdict.manifest.source).toBe(verdict.manifest.destination);
	});

	it('refuses keys that would leave the root folder, each on its own, and copies the rest', async () => {
		// S3 takes keys no folder can: a folder marker ("name/").
		const bucket = await freshBucket('dm-escape');
		await putObject(bucket, 'ok.txt', 5);
		await putObject(bucket, 'marker/', 0);
		const folder = localFolder('escape');
		const { failed } = await migrate(bucket, folder, options('escape'));
		expect(failed.map((f) => f.key)).toEqual(['marker/']);
		expect(failed[0].reason).toMatch(/cannot be a file under the root folder/);
		expect(await keysOf(folder)).toEqual(['ok.txt']);
		// Keys that climb out or start at / are refused by every call, before the file system sees them.
		for (const key of ['../outside.txt', 'a/../../outside.txt', '/etc/passwd', 'a/./b'])
			await expect(
				folder.put(key, Readable.from([Buffer.from('x')]), { partSize: MB, queueSize: 1, accept: () => undefined }),
			).rejects.toThrow(/cannot be a file under the root folder/);
		await expect(folder.get('../../etc/passwd')).rejects.toThrow(/cannot be a file under the root folder/);
		expect(readdirSync(join(folder.root, '..')).includes('outside.txt')).toBe(false);

		// A link inside a source folder that points out of it is listed, and refused when read.
		const outside = mkdtempSync(join(tmpdir(), 'dm-outside-'));
		writeFileSync(join(outside, 'secret.txt'), 'not yours');
		const source = localFolder('links');
		writeFileSync(join(source.root, 'fine.txt'), 'fine');
		symlinkSync(join(outside, 'secret.txt'), join(source.root, 'link-out.txt'));
		const target = await freshBucket('dm-links');
		const links = await migrate(source, target, options('links'));
		expect(links.failed).toEqual([
			expect.objectContaining({ key: 'link-out.txt', reason: expect.stringMatching(/leads out of the root folder/) }),
		]);
		expect(await keysOf(target)).toEqual(['fine.txt']);
		await expect(new LocalStore('/nonexistent-dm-root').ping()).rejects.toThrow(/does not exist/);
	});
});

describe('faults', () => {
	it('a kill -9 mid-copy, then the rerun: no object recopied, none partial, none missing', async () => {
		const folder = localFolder('kill');
		for (let i = 0; i < 300; i++)
			writeFileSync(join(folder.root, `f-${String(i).padStart(4, '0')}.bin`), Buffer.alloc(64 * 1024, i));
		writeFileSync(join(folder.root, 'zz-large.bin'), Buffer.alloc(40 * MB, 7));
		const bucket = await freshBucket('dm-kill');
		const child = spawn(
			process.execPath,
			['--import', 'tsx', join(__dirname, '../helpers/objects-child.ts'), folder.root, 'dm-kill', 'kill'],
			{
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		await new Promise<void>((resolve) => {
			let lines = 0;
			child.stdout!.on('data', (data: Buffer) => {
				lines += data.toString().split('\n').filter(Boolean).length;
				if (lines >= 120) resolve();
			});
		});
		child.kill('SIGKILL');
		await new Promise((r) => child.once('exit', r));
		const before = new Map<string, string | undefined>();
		for await (const page of bucket.list({ prefix: 'f-' }, { pageSize: 1000 }))
			for (const o of page) before.set(o.key, o.etag);
		expect(before.size).toBeGreaterThanOrEqual(120);
		expect(before.size).toBeLessThan(301);
		const heads = new Map<string, string | undefined>();
		for (const key of before.keys()) heads.set(key, (await bucket.head(key))?.lastModified);

		const rerun = await copyObjectChunk(
			folder,
			bucket,
			{ chunk: 1, range: { prefix: '' }, files: 0, bytes: 0 },
			options('kill'),
		);
		expect(rerun.failed).toEqual([]);
		expect(rerun.skipped).toBeGreaterThanOrEqual(before.size);
		expect(rerun.copied + rerun.skipped).toBe(301);
		for (const [key, modified] of heads) expect((await bucket.head(key))?.lastModified).toBe(modified);
		expect(await verify(folder, bucket)).toMatchObject({ valid: true, checksummed: 301 });
	});

	it('a byte corrupted on the wire is caught at the write, with both checksums, and nothing stays', async () => {
		const source = await freshBucket('dm-wire-src', second);
		await putObject(source, 'pattern.bin', Buffer.alloc(2 * MB, 'A'));
		await putObject(source, 'clean.txt', Buffer.from('clean'));
		// A proxy in front of the source flips one byte of the first body that carries the pattern.
		const port = Number(new URL(second.endpoint).port);
		const proxy = await tcpProxy(port, (chunk: Buffer, state: { done?: boolean }) => {
			const at = chunk.indexOf('AAAAAAAAAAAAAAAA');
			if (state.done || at < 0) return chunk;
			state.done = true;
			const copy = Buffer.from(chunk);
			copy[at + 8] = 'B'.charCodeAt(0);
			return copy;
		});
		const viaProxy = createS3Store(s3Config('dm-wire-src', { ...second, endpoint: `http://127.0.0.1:${proxy.port}` }));
		const destination = await freshBucket('dm-wire-dst');
		const { failed } = await migrate(viaProxy, destination, options('wire'));
		await viaProxy.close();
		proxy.down();
		await proxy.close();
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatchObject({
			key: 'pattern.bin',
			reason: expect.stringMatching(/differ from the source's ETag/),
		});
		expect(failed[0].source).toMatch(/^[0-9a-f]{32}$/);
		expect(failed[0].destination).toMatch(/^[0-9a-f]{32}$/);
		expect(failed[0].source).not.toBe(failed[0].destination);
		expect(await keysOf(destination)).toEqual(['clean.txt']);
	});

	it('a destination object changed afterwards is found by Verify Objects, same size or not', async () => {
		const source = await freshBucket('dm-rot-src');
		for (let i = 0; i < 20; i++) await putObject(source, `doc-${i}.bin`, 1000 + i);
		const destination = localFolder('rot');
		expect((await migrate(source, destination, options('rot'))).failed).toEqual([]);
		const victim = join(destination.root, 'doc-7.bin');
		const original = await readAll(await destination.get('doc-7.bin'));
		const flipped = Buffer.from(original);
		flipped[500] ^= 1;
		writeFileSync(victim, flipped);
		writeFileSync(join(destination.root, 'doc-9.bin'), 'shorter');
		writeFileSync(join(destination.root, 'stray.bin'), 'not in the source');
		const verdict = await verify(source, destination);
		expect(verdict.valid).toBe(false);
		expect(verdict.listed).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ key: 'doc-7.bin', kind: 'checksum' }),
				expect.objectContaining({ key: 'doc-9.bin', kind: 'size' }),
				expect.objectContaining({ key: 'stray.bin', kind: 'extra' }),
			]),
		);
		expect(verdict.manifest.source).not.toBe(verdict.manifest.destination);
		// Listings alone see the size and the extra, not the flipped bit.
		const quick = await verify(source, destination, { mode: 'size' });
		expect(quick.listed.map((d) => d.kind).sort()).toEqual(['extra', 'size']);
	});
});

describe('rollback', () => {
	it('keeps what a run overwrites, restores it and deletes what the run created', async () => {
		const source = localFolder('rb-src');
		writeFileSync(join(source.root, 'changed.txt'), 'new content');
		writeFileSync(join(source.root, 'added.txt'), 'added');
		writeFileSync(join(source.root, 'same.txt'), 'same');
		const destination = await freshBucket('dm-rollback');
		await putObject(destination, 'changed.txt', Buffer.from('old content!'));
		await putObject(destination, 'same.txt', Buffer.from('same'));
		await putObject(destination, 'untouched.txt', Buffer.from('untouched'));
		const paths = { statePrefix: '.dm-migration/', migration: 'rb' };
		const { results } = await migrate(source, destination, options('rb'));
		expect(results[0]).toMatchObject({ copied: 2, skipped: 1 });
		const text = async (key: string) => (await readAll(await destination.get(key))).toString();
		expect(await text('changed.txt')).toBe('new content');

		expect(await restoreObjects(destination, paths)).toEqual({ restored: 1, deleted: 1 });
		expect(await text('changed.txt')).toBe('old content!');
		expect(await keysOf(destination)).toEqual(['changed.txt', 'same.txt', 'untouched.txt']);
		// Restored means not done: the rerun copies again, and a kept run's backups can be discarded.
		const again = await migrate(source, destination, options('rb'));
		expect(again.results[0].copied).toBe(2);
		expect(await discardObjectBackups(destination, paths)).toBe(2);
		expect(await keysOf(destination, '.dm-migration/rb/backup/', 'none/')).toEqual([]);
	});
});

describe('credentials', () => {
	it('says what is wrong, never the secret', async () => {
		const wrong = createS3Store(s3Config('dm-edge-src', { ...MAIN_ENDPOINT, secretAccessKey: 'a-wrong-secret-value' }));
		await expect(wrong.ping()).rejects.toThrow(/signature does not match: check the Secret Access Key/);
		await expect(wrong.ping()).rejects.not.toThrow(/a-wrong-secret-value/);
		await expect(createS3Store(s3Config('dm-no-such-bucket')).ping()).rejects.toThrow(
			/no such bucket: s3:\/\/dm-no-such-bucket/,
		);
		await expect(
			createS3Store(s3Config('dm-edge-src', { ...MAIN_ENDPOINT, accessKeyId: 'nobody' })).ping(),
		).rejects.toThrow(/Access Key ID is not known/);
		await expect(
			createS3Store(s3Config('x', { ...MAIN_ENDPOINT, endpoint: 'http://127.0.0.1:9' })).ping(),
		).rejects.toThrow(/S3 at 127.0.0.1:9: connection refused/);
	});

	it('plans by count and bytes, open at both ends', async () => {
		const bucket = await freshBucket('dm-plan');
		for (const key of ['a', 'b', 'c', 'd', 'e']) await putObject(bucket, key, 10);
		await putObject(bucket, 'f-large', 3000);
		const plan = await planObjects(bucket, '', { filesPerChunk: 2, bytesPerChunk: 1000 });
		expect(plan.chunks.map((c) => [c.range.after, c.range.upTo, c.files])).toEqual([
			[undefined, 'b', 2],
			['b', 'd', 2],
			['d', 'e', 1],
			['e', undefined, 1],
		]);
		expect(plan).toMatchObject({ files: 6, bytes: 3050 });
	});
});
