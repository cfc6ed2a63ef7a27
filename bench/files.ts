/**
 * B7: file storage, MinIO → MinIO across two endpoints (the test MinIO and a second one started
 * here), 2 GB of mixed sizes (many small objects and a few of 100 MB): the s3-to-s3 template by
 * its Webhook (each write checksum-verified as it lands; validation by listings, as rclone's
 * --checksum compares hashes and sizes, plus one run with every object read again), against
 * `rclone copy --checksum` (Debian's) on the same endpoints in the same run. Peak RSS of n8n on
 * the mixed set and on small objects only: it must not grow with object size.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { freshBucket, putObject, secondMinio, MAIN_ENDPOINT, type Endpoint } from '../test/helpers/object-stores';
import type { Started } from '../test/helpers/n8n-process';
import { ourTemplate, type Timing } from './contenders';

const run = promisify(execFile);
const MB = 1024 * 1024;
export const B7_SMALL = Number(process.env.BENCH_B7_SMALL ?? 2000);
export const B7_SMALL_BYTES = 200 * 1024;
export const B7_LARGE = Number(process.env.BENCH_B7_LARGE ?? 16);
export const B7_LARGE_BYTES = 100 * MB;

/** The credentials B7's template uses: the source on the second MinIO, the destination on the test one. */
export const B7_CREDENTIALS = (source: Endpoint) => [
	{
		id: 'dmS3SourceBkt01',
		name: 'Source bucket',
		type: 'migrationS3SourceApi',
		data: { ...source, region: 'us-east-1', bucket: 'dm-b7-src', forcePathStyle: true },
	},
	{
		id: 'dmS3DestBucket1',
		name: 'Destination bucket',
		type: 'migrationS3Api',
		data: { ...MAIN_ENDPOINT, region: 'us-east-1', bucket: 'dm-b7-dst', forcePathStyle: true },
	},
];

/** The second endpoint and 2 GB in its source bucket (seeded once per bench run). */
export async function seedB7() {
	const source = await secondMinio();
	const bucket = await freshBucket('dm-b7-src', source);
	const small = randomBytes(B7_SMALL_BYTES);
	for (let i = 0; i < B7_SMALL; i += 16)
		await Promise.all(
			Array.from({ length: Math.min(16, B7_SMALL - i) }, (_, j) => {
				const body = Buffer.from(small);
				body.writeUInt32BE(i + j, 0);
				return putObject(bucket, `small/${String((i + j) % 50).padStart(2, '0')}/object-${i + j}.bin`, body);
			}),
		);
	for (let i = 0; i < B7_LARGE; i++) await putObject(bucket, `large/video-${i}.bin`, B7_LARGE_BYTES);
	await bucket.close();
	return source;
}

/** rclone's remotes from the environment (no config file): Debian's rclone 1.60 with its defaults. */
function rcloneEnv(source: Endpoint): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	// rclone's S3 backend fails with this machine's AWS_CA_BUNDLE (a bundle for another purpose).
	delete env.AWS_CA_BUNDLE;
	for (const [name, endpoint] of [
		['SRC', source],
		['DST', MAIN_ENDPOINT],
	] as const)
		Object.assign(env, {
			[`RCLONE_CONFIG_${name}_TYPE`]: 's3',
			[`RCLONE_CONFIG_${name}_PROVIDER`]: 'Minio',
			[`RCLONE_CONFIG_${name}_ENDPOINT`]: endpoint.endpoint,
			[`RCLONE_CONFIG_${name}_ACCESS_KEY_ID`]: endpoint.accessKeyId,
			[`RCLONE_CONFIG_${name}_SECRET_ACCESS_KEY`]: endpoint.secretAccessKey,
			[`RCLONE_CONFIG_${name}_REGION`]: 'us-east-1',
		});
	return env;
}

async function rclone(source: Endpoint): Promise<Timing> {
	await (await freshBucket('dm-b7-rclone')).close();
	const started = process.hrtime.bigint();
	await run('rclone', ['copy', '--checksum', 'SRC:dm-b7-src', 'DST:dm-b7-rclone'], {
		env: rcloneEnv(source),
		maxBuffer: 64 * MB,
	});
	return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function ours(
	server: Started,
	verify: 'size' | 'checksum',
	prefix = '',
	i = 0,
): Promise<Timing & { answer: Record<string, unknown> }> {
	await (await freshBucket('dm-b7-dst')).close();
	return ourTemplate(
		server,
		's3-to-s3',
		{ migration: `bench-b7-${Date.now()}-${i}`, sourcePrefix: prefix, verify },
		{},
	);
}

export interface Figure {
	median: number;
	min: number;
	max: number;
	runs: number[];
}

/** B7 against the running n8n: `repeat` times each, then one run with full validation and one of small objects only. */
export async function filesBenchmark(
	server: Started,
	source: Endpoint,
	repeat: (label: string, times: number, once: (i: number) => Promise<Timing>) => Promise<Timing[]>,
	figure: (values: number[]) => Figure,
	runs: number,
) {
	const bytes = B7_SMALL * B7_SMALL_BYTES + B7_LARGE * B7_LARGE_BYTES;
	console.log(
		`B7: MinIO → MinIO across endpoints, ${B7_SMALL} × 200 KB + ${B7_LARGE} × 100 MB = ${(bytes / 1e9).toFixed(2)} GB`,
	);
	const mbps = (t: Timing) => bytes / MB / t.seconds;
	const peer = await repeat('rclone copy --checksum', runs, () => rclone(source));
	let verified = 0;
	const mine = await repeat('n8n template (listings validated)', runs, async (i) => {
		const t = await ours(server, 'size', '', i);
		verified = Number(t.answer.verifiedWrites);
		return t;
	});
	const [full] = await repeat('n8n template (every object read again)', 1, (i) =>
		ours(server, 'checksum', '', 100 + i),
	);
	const [small] = await repeat('n8n template, small objects only', 1, (i) => ours(server, 'size', 'small/', 200 + i));
	const ratio = Math.round((100 * figure(mine.map(mbps)).median) / figure(peer.map(mbps)).median) / 100;
	return {
		objects: B7_SMALL + B7_LARGE,
		bytes,
		ours: {
			megabytesPerSecond: figure(mine.map(mbps)),
			peakRssMb: figure(mine.map((t) => t.peakRssMb ?? 0)),
			verifiedWrites: verified,
		},
		oursFullValidation: { megabytesPerSecond: Math.round(mbps(full) * 100) / 100 },
		smallOnlyPeakRssMb: small.peakRssMb,
		rclone: { megabytesPerSecond: figure(peer.map(mbps)) },
		ratio,
		target: '≥ 1.0× rclone; peak RSS independent of object size',
	};
}
