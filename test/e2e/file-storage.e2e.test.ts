/**
 * The file storage templates in a real n8n (the packed package installed as a community node), by
 * their Webhooks: a local folder into a MinIO bucket (multipart included); S3 → S3 across two MinIO
 * endpoints with n8n SIGKILLed mid-copy and the same request resuming without recopying a file; no
 * webhook key, no run. n8n 2.x runs the first case only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { importJson, prepareN8n, setActive, startN8n, type N8nInstance, type Started } from '../helpers/n8n-process';
import {
	freshBucket,
	keysOf,
	localFolder,
	MAIN_ENDPOINT,
	putObject,
	secondMinio,
	type Endpoint,
} from '../helpers/object-stores';
import { requireService } from '../helpers/services';
import { templateCredentials } from '../helpers/templates';
import { postWebhook } from '../helpers/webhook-key';

const PORT = 5750 + Number(process.env.N8N_LINE ?? 1);
const line2 = process.env.N8N_LINE === '2';
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A template as its owner sets it up: the Folders step pointed at real folders. */
function template(name: string, folders: Record<string, string> = {}) {
	const workflow = JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8'));
	const step = workflow.nodes.find((n: { name: string }) => n.name === 'Folders');
	step.parameters.jsonOutput = JSON.stringify({ ...JSON.parse(step.parameters.jsonOutput), ...folders });
	return workflow;
}

const s3Credential = (id: string, name: string, type: string, bucket: string, endpoint: Endpoint = MAIN_ENDPOINT) => ({
	id,
	name,
	type,
	data: { ...endpoint, region: 'us-east-1', bucket, forcePathStyle: true },
});

const post = (slug: string, body: object, headers?: Record<string, string>) => postWebhook(PORT, slug, body, headers);

describe(`file storage templates in n8n ${line2 ? '2.41.1' : '1.123.81'}, by Webhook`, () => {
	let n8n: N8nInstance;
	let server: Started;
	let second: Awaited<ReturnType<typeof secondMinio>> | undefined;
	const folder = localFolder('e2e-up');

	beforeAll(async () => {
		await requireService('minio');
		mkdirSync(join(folder.root, 'photos/2024'), { recursive: true });
		for (let i = 0; i < 40; i++)
			writeFileSync(join(folder.root, 'photos/2024', `IMG ${i}.jpg`), randomBytes(1000 + i * 97));
		writeFileSync(join(folder.root, 'video.mp4'), randomBytes(12 * MB));
		writeFileSync(join(folder.root, 'empty.txt'), '');
		await freshBucket('dm-e2e-files');
		if (!line2) {
			second = await secondMinio();
			const source = await freshBucket('dm-e2e-src', second);
			for (let i = 0; i < 150; i++) await putObject(source, `docs/${String(i).padStart(4, '0')}.bin`, 256 * 1024);
			for (let i = 0; i < 4; i++) await putObject(source, `media/large-${i}.bin`, 24 * MB);
			await freshBucket('dm-e2e-dst');
		}
		n8n = await prepareN8n();
		await importJson(
			n8n,
			'credentials',
			templateCredentials([
				s3Credential('dmS3DestBucket1', 'Destination bucket', 'migrationS3Api', line2 ? 'dm-e2e-files' : 'dm-e2e-dst'),
				...(second
					? [s3Credential('dmS3SourceBkt01', 'Source bucket', 'migrationS3SourceApi', 'dm-e2e-src', second)]
					: []),
			]),
		);
		// Each template's own destination credential: the local one writes dm-e2e-files.
		const local = template('local-folder-to-s3', { sourceFolder: folder.root });
		if (!line2)
			for (const node of local.nodes)
				if (node.credentials?.migrationS3Api)
					node.credentials.migrationS3Api = { id: 'dmS3Files0001', name: 'Files bucket' };
		if (!line2)
			await importJson(n8n, 'credentials', [
				s3Credential('dmS3Files0001', 'Files bucket', 'migrationS3Api', 'dm-e2e-files'),
			]);
		const workflows = line2 ? [local] : [local, template('s3-to-s3')];
		for (const workflow of workflows) {
			await importJson(n8n, 'workflow', workflow);
			expect((await setActive(n8n, workflow.id)).code).toBe(0);
		}
		server = await startN8n(n8n, PORT);
	});

	afterAll(async () => {
		await server?.stop();
		await second?.stop();
	});

	it('local folder → S3: 200 with the report, every file verified; no key, no run', async () => {
		const refused = await post(
			'local-folder-to-s3',
			{ migration: 'e2e-refused' },
			{ 'content-type': 'application/json' },
		);
		expect(refused.status).toBe(403);
		const answer = await post('local-folder-to-s3', {
			migration: `e2e-files-${Date.now().toString(36)}`,
			partSizeMb: 5,
		});
		expect(answer.status).toBe(200);
		expect(answer.json()).toMatchObject({
			status: 'SUCCESS',
			title: 'Local folder → S3',
			files: { planned: 42, copied: 42, failed: 0 },
			verifiedWrites: 42,
			validation: { valid: true, checksummed: 42 },
		});
	});

	(line2 ? it.skip : it)(
		'S3 → S3 across endpoints, n8n SIGKILLed mid-copy: the same request resumes, nothing recopied',
		async () => {
			const request = {
				migration: `e2e-kill-${Date.now().toString(36)}`,
				filesPerChunk: 20,
				concurrency: 4,
				partSizeMb: 8,
			};
			const first = post('s3-to-s3', request).catch((error: Error) => ({ status: 0, text: error.message }));
			const { createS3Store } = await import('../../connectors/s3/s3-client');
			const destination = createS3Store({
				...MAIN_ENDPOINT,
				region: 'us-east-1',
				forcePathStyle: true,
				bucket: 'dm-e2e-dst',
			});
			let landed: string[] = [];
			for (let i = 0; i < 600 && landed.length < 60; i++) {
				await sleep(50);
				landed = await keysOf(destination, 'docs/');
			}
			expect(landed.length).toBeGreaterThanOrEqual(60);
			server.process.kill('SIGKILL');
			await server.stop();
			expect((await first).status).not.toBe(200);
			const before = new Map<string, string | undefined>();
			for (const key of await keysOf(destination)) before.set(key, (await destination.head(key))?.lastModified);
			expect(before.size).toBeLessThan(154);

			server = await startN8n(n8n, PORT);
			const answer = await post('s3-to-s3', request);
			expect(answer.status).toBe(200);
			const report = answer.json() as { files: { copied: number; skipped: number; done: number }; status: string };
			expect(report).toMatchObject({
				status: 'SUCCESS',
				files: { done: 154 },
				validation: { valid: true, checksummed: 154 },
			});
			for (const [key, modified] of before) expect((await destination.head(key))?.lastModified).toBe(modified);
			expect(await keysOf(destination)).toHaveLength(154);
			await destination.close();
		},
	);
});
