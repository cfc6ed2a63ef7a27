/**
 * Object stores for tests: buckets on the MinIO services.sh starts (made empty first), a second
 * MinIO endpoint of our own (cross-endpoint copies), local root folders, and objects put directly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createS3Store } from '../../connectors/s3/s3-client';
import type { S3Config } from '../../connectors/s3/s3-config';
import type { S3Store } from '../../connectors/s3/s3-store';
import { LocalStore } from '../../connectors/local/local-store';
import type { ObjectStore } from '../../core/ports';
import { freePort, s3Settings } from './services';

export interface Endpoint {
	endpoint: string;
	accessKeyId: string;
	secretAccessKey: string;
}

export const MAIN_ENDPOINT: Endpoint = s3Settings;

export const s3Config = (
	bucket: string,
	endpoint: Endpoint = MAIN_ENDPOINT,
	extra: Partial<S3Config> = {},
): S3Config => ({
	...endpoint,
	region: 'us-east-1',
	forcePathStyle: true,
	bucket,
	...extra,
});

const client = (endpoint: Endpoint) =>
	new S3Client({
		endpoint: endpoint.endpoint,
		region: 'us-east-1',
		forcePathStyle: true,
		credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
	});

/** A bucket that exists and is empty. */
export async function freshBucket(
	bucket: string,
	endpoint: Endpoint = MAIN_ENDPOINT,
	extra: Partial<S3Config> = {},
): Promise<S3Store> {
	const c = client(endpoint);
	await c.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
		if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
	});
	for (;;) {
		const page = await c.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
		if (!page.Contents?.length) break;
		await c.send(
			new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: page.Contents.map((o) => ({ Key: o.Key! })) } }),
		);
	}
	c.destroy();
	return createS3Store(s3Config(bucket, endpoint, extra));
}

export const localFolder = (name: string) => new LocalStore(mkdtempSync(join(tmpdir(), `dm-${name}-`)), true);

/** Puts `body` (bytes, or a size of random bytes) at `key`, unchecked. */
export async function putObject(store: ObjectStore, key: string, body: Buffer | number): Promise<Buffer> {
	const bytes = typeof body === 'number' ? randomBytes(body) : body;
	await store.put(key, Readable.from(bytes.length ? [bytes] : []), {
		size: bytes.length,
		partSize: 5 * 1024 * 1024,
		queueSize: 4,
		accept: () => undefined,
	});
	return bytes;
}

/** Every key of a store (without the run's state prefix). */
export async function keysOf(store: ObjectStore, prefix = '', statePrefix = '.dm-migration/'): Promise<string[]> {
	const keys: string[] = [];
	for await (const page of store.list({ prefix }, { pageSize: 1000 }))
		for (const o of page) if (!o.key.startsWith(statePrefix)) keys.push(o.key);
	return keys;
}

/** The MinIO binary services.sh installed (its cache, as the scripts read DM_CACHE_DIR). */
export function minioBinary(): string {
	const path = join(process.env.DM_CACHE_DIR || join(homedir(), '.cache/n8n-nodes-data-migration'), 'minio/minio');
	if (!existsSync(path)) throw new Error(`No MinIO at ${path}: run bash scripts/services.sh up`);
	return path;
}

/** A second MinIO endpoint (its own port, keys and data folder), stopped by `stop`. */
export async function secondMinio(): Promise<Endpoint & { stop(): Promise<void> }> {
	const port = await freePort();
	const endpoint = {
		endpoint: `http://127.0.0.1:${port}`,
		accessKeyId: 'second-minio',
		secretAccessKey: 'second-minio-secret',
	};
	const child: ChildProcess = spawn(
		minioBinary(),
		['server', mkdtempSync(join(tmpdir(), 'dm-minio-')), '--address', `127.0.0.1:${port}`, '--quiet'],
		{
			env: {
				...process.env,
				MINIO_ROOT_USER: endpoint.accessKeyId,
				MINIO_ROOT_PASSWORD: endpoint.secretAccessKey,
				MINIO_BROWSER: 'off',
			},
			stdio: 'ignore',
		},
	);
	const c = client(endpoint);
	for (let i = 0; ; i++) {
		const ready = await c.send(new ListObjectsV2Command({ Bucket: 'probe' })).then(
			() => true,
			(error: { name?: string }) => error.name === 'NoSuchBucket',
		);
		if (ready) break;
		if (i > 240) throw new Error('The second MinIO did not start');
		await new Promise((r) => setTimeout(r, 250));
	}
	c.destroy();
	return {
		...endpoint,
		stop: async () => {
			child.kill('SIGKILL');
			await new Promise((r) => child.once('exit', r));
		},
	};
}
