/**
 * The file storage templates in n8n's engine (in process) against the test MinIO and local
 * folders: S3 → S3 (server-side within one endpoint), local folder → S3 and back, the rerun that
 * copies nothing, a file the destination cannot hold rolled back with the run (500), a wrong
 * secret answered at the step that met it, bad settings refused before anything is written.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAll } from '../../core/files/run-state';
import { freshBucket, keysOf, localFolder, MAIN_ENDPOINT, putObject, s3Config } from '../helpers/object-stores';
import { tcpProxy } from '../helpers/tcp-proxy';
import { createS3Store } from '../../connectors/s3/s3-client';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { requireService } from '../helpers/services';

/** A template with its Folders step pointing at test folders (the owner's edit). */
function template(name: string, folders: { sourceFolder?: string; destinationFolder?: string } = {}): WorkflowJson {
	const workflow = JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8')) as WorkflowJson;
	const step = workflow.nodes.find((n) => n.name === 'Folders')!;
	step.parameters.jsonOutput = JSON.stringify({ ...JSON.parse(String(step.parameters.jsonOutput)), ...folders });
	return workflow;
}

const bucket = (name: string, secret = MAIN_ENDPOINT.secretAccessKey): ICredentialDataDecryptedObject => ({
	endpoint: MAIN_ENDPOINT.endpoint,
	region: 'us-east-1',
	bucket: name,
	accessKeyId: MAIN_ENDPOINT.accessKeyId,
	secretAccessKey: secret,
	forcePathStyle: true,
});

const run = (workflow: WorkflowJson, request: IDataObject, credentials: Record<string, ICredentialDataDecryptedObject>) =>
	runWorkflow(workflow, { credentials, startNode: 'When Called by Another Workflow', input: [request] });

describe('file storage templates in n8n (MinIO, local folders)', () => {
	beforeAll(() => requireService('minio'));
	afterAll(() => shutdownEngine());

	it('S3 → S3: copied server-side, every object verified, the report; a rerun copies nothing', async () => {
		const source = await freshBucket('dm-wf-src');
		await freshBucket('dm-wf-dst');
		for (let i = 0; i < 30; i++) await putObject(source, `reports/${i % 3}/r-${i}.pdf`, 2000 + i);
		await putObject(source, 'reports/big.bin', 7 * 1024 * 1024);
		const credentials = { migrationS3SourceApi: bucket('dm-wf-src'), migrationS3Api: bucket('dm-wf-dst') };
		const request = { migration: 'wf-s3-s3', sourcePrefix: 'reports/', destinationPrefix: 'archive/', filesPerChunk: 10 };
		const result = await run(template('s3-to-s3'), request, credentials);
		expect(result.error).toBeUndefined();
		const [report] = result.output('Respond with Report');
		expect(report).toMatchObject({
			migration: 'wf-s3-s3',
			title: 'S3 → S3',
			status: 'SUCCESS',
			files: { planned: 31, done: 31, copied: 31, skipped: 0, failed: 0 },
			verifiedWrites: 31,
			validation: { valid: true, checksummed: 31, files: { source: 31, destination: 31 } },
		});
		expect(String(report.markdown)).toContain('# File migration report: S3 → S3 (wf-s3-s3)');
		expect(result.output('Plan Objects')).toHaveLength(4);
		const again = await run(template('s3-to-s3'), { ...request, migration: 'wf-s3-s3-again' }, credentials);
		expect(again.output('Respond with Report')[0]).toMatchObject({ status: 'SUCCESS', files: { copied: 0, skipped: 31 } });
	});

	it('local folder → S3 → local folder: the tree arrives byte for byte', async () => {
		const folder = localFolder('wf-up');
		mkdirSync(join(folder.root, 'nested/deeper'), { recursive: true });
		writeFileSync(join(folder.root, 'nested/deeper/é ü.txt'), 'unicode name');
		writeFileSync(join(folder.root, 'empty'), '');
		writeFileSync(join(folder.root, 'one'), 'x');
		const target = await freshBucket('dm-wf-local');
		const up = await run(template('local-folder-to-s3', { sourceFolder: folder.root }), { migration: 'wf-up' }, {
			migrationS3Api: bucket('dm-wf-local'),
		});
		expect(up.error).toBeUndefined();
		expect(up.output('Respond with Report')[0]).toMatchObject({ status: 'SUCCESS', files: { copied: 3 } });
		expect(await keysOf(target)).toEqual(['empty', 'nested/deeper/é ü.txt', 'one']);

		const back = localFolder('wf-down');
		const down = await run(template('s3-to-local-folder', { destinationFolder: back.root }), { migration: 'wf-down' }, {
			migrationS3SourceApi: bucket('dm-wf-local'),
		});
		expect(down.output('Respond with Report')[0]).toMatchObject({ status: 'SUCCESS', validation: { valid: true, checksummed: 3 } });
		expect(readFileSync(join(back.root, 'nested/deeper/é ü.txt'), 'utf8')).toBe('unicode name');
	});

	it('a file the destination cannot hold fails the run, which is rolled back and answered with the file and reason', async () => {
		const source = await freshBucket('dm-wf-bad');
		await putObject(source, 'good.txt', Buffer.from('new'));
		await putObject(source, 'folder-marker/', 0);
		const folder = localFolder('wf-bad');
		writeFileSync(join(folder.root, 'good.txt'), 'old');
		const result = await run(template('s3-to-local-folder', { destinationFolder: folder.root }), { migration: 'wf-bad' }, {
			migrationS3SourceApi: bucket('dm-wf-bad'),
		});
		const [answer] = result.output('Files Failed');
		expect(answer).toMatchObject({
			status: 'ROLLED BACK',
			failedFiles: [expect.objectContaining({ key: 'folder-marker/', reason: expect.stringMatching(/cannot be a file/) })],
			rolledBack: { restored: 1 },
		});
		expect(result.error?.message).toMatch(/1 file\(s\) failed \(first: folder-marker\//);
		expect((await readAll(await folder.get('good.txt'))).toString()).toBe('old');
	});

	it('the source lost mid-copy: 503, what landed kept; the same request then finishes without recopying', async () => {
		const source = await freshBucket('dm-wf-lost-src');
		for (let i = 0; i < 40; i++) await putObject(source, `f-${String(i).padStart(2, '0')}`, 64 * 1024);
		await freshBucket('dm-wf-lost-dst');
		// The source's connection is cut once the copy has read a few objects (and new ones refused).
		const proxy = await tcpProxy(
			Number(new URL(MAIN_ENDPOINT.endpoint).port),
			(chunk: Buffer, state: { bytes?: number; cut?: boolean }) => {
				state.bytes = (state.bytes ?? 0) + chunk.length;
				if (!state.cut && state.bytes > 6 * 64 * 1024) {
					state.cut = true;
					setImmediate(() => proxy.down());
				}
				return chunk;
			},
		);
		const credentials = {
			migrationS3SourceApi: { ...bucket('dm-wf-lost-src'), endpoint: `http://127.0.0.1:${proxy.port}` },
			migrationS3Api: bucket('dm-wf-lost-dst'),
		};
		const request = { migration: 'wf-lost', filesPerChunk: 10, concurrency: 2 };
		const lost = await run(template('s3-to-s3'), request, credentials);
		const [kept] = lost.output('Kept for Rerun');
		expect(kept).toMatchObject({ status: 'STOPPED, COPIED FILES KEPT' });
		expect(lost.error?.message).toMatch(/STOPPED, COPIED FILES KEPT/);
		const landed = (await keysOf(createS3Store({ ...s3Config('dm-wf-lost-dst') }))).length;
		expect(landed).toBeLessThan(40);
		proxy.up();
		const again = await run(template('s3-to-s3'), request, credentials);
		await proxy.close();
		const [report] = again.output('Respond with Report');
		expect(report).toMatchObject({ status: 'SUCCESS', files: { done: 40 }, validation: { valid: true, checksummed: 40 } });
		expect((report.files as { copied: number }).copied).toBeLessThanOrEqual(40 - landed);
	});

	it('a wrong secret is answered at the step that met it; bad settings before anything is written', async () => {
		await freshBucket('dm-wf-auth');
		const wrong = await run(template('s3-to-s3'), { migration: 'wf-auth' }, {
			migrationS3SourceApi: bucket('dm-wf-auth', 'not-the-secret-1'),
			migrationS3Api: bucket('dm-wf-auth'),
		});
		const [failed] = wrong.output('Step Failed');
		expect(failed).toMatchObject({ status: 'FAILED', step: 'Plan Objects', error: expect.stringMatching(/signature does not match/) });
		expect(JSON.stringify(failed)).not.toContain('not-the-secret-1');

		const refused = await run(template('s3-to-s3'), { migration: 'wf-bad-settings', concurrency: 0 }, {
			migrationS3SourceApi: bucket('dm-wf-auth'),
			migrationS3Api: bucket('dm-wf-auth'),
		});
		expect(refused.output('Refused Settings')[0].error).toMatch(/concurrency/);
		expect(refused.output('Plan Objects')).toEqual([]);
	});
});
