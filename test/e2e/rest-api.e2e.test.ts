/**
 * The REST API → database templates in a real n8n (the packed package installed as a community
 * node), by their Webhooks: the project's test API into PostgreSQL; json-server (a third-party REST
 * server from npm) into MariaDB; n8n SIGKILLed mid-pagination and the same request resuming with
 * no record lost or duplicated; no webhook key, no run. n8n 2.x runs the first case only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { committedPages } from '../../core/copy/pages';
import {
	importJson,
	n8nCli,
	prepareN8n,
	setActive,
	startN8n,
	type N8nInstance,
	type Started,
} from '../helpers/n8n-process';
import { withMysql, withPostgres } from '../helpers/native';
import { postgresSettings, requireService } from '../helpers/services';
import { templateCredentials } from '../helpers/templates';
import { startTestApi, type TestApi } from '../helpers/test-api';
import { STYLES } from '../helpers/api-resources';
import { postWebhook } from '../helpers/webhook-key';

const PORT = 5740 + Number(process.env.N8N_LINE ?? 1);
const RECORDS = 20_000;
const POSTS = 3_000;
const line2 = process.env.N8N_LINE === '2';
const template = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A copy of a template whose REST API credential is another one (json-server's). */
function withRestCredential(workflow: { nodes: Array<{ credentials?: Record<string, unknown> }> }, id: string) {
	for (const node of workflow.nodes)
		if (node.credentials?.migrationRestApi) node.credentials.migrationRestApi = { id, name: id };
	return workflow;
}

const freePort = () =>
	new Promise<number>((resolve) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});

/** json-server 0.17 on a db.json of posts: unicode, quotes, nulls, nested objects and arrays. */
async function startJsonServer(): Promise<{ url: string; stop: () => void; process: ChildProcess }> {
	const dir = mkdtempSync(join(tmpdir(), 'dm-json-server-'));
	const posts = Array.from({ length: POSTS }, (_, i) => ({
		id: i + 1,
		title: `Post ${i + 1} — “quoted” ✓ ${i % 9 === 0 ? '🚀' : ''}`,
		views: i * 37,
		rating: i % 4 === 0 ? null : (i % 50) / 10,
		published: i % 2 === 0,
		author: { name: ['Zoë', 'Ærø', 'Łukasz'][i % 3], id: i % 17 },
		tags: i % 3 === 0 ? [] : ['a', `t${i % 5}`],
	}));
	writeFileSync(join(dir, 'db.json'), JSON.stringify({ posts }));
	const port = await freePort();
	const child = spawn(
		process.execPath,
		[
			require.resolve('json-server/lib/cli/bin.js'),
			'--port',
			String(port),
			'--host',
			'127.0.0.1',
			join(dir, 'db.json'),
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let log = '';
	child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
	for (let i = 0; i < 100; i++) {
		const ok = await fetch(`http://127.0.0.1:${port}/posts/1`).then(
			(r) => r.ok,
			() => false,
		);
		if (ok) return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL'), process: child };
		await sleep(200);
	}
	child.kill('SIGKILL');
	throw new Error(`json-server did not start: ${log}`);
}

const post = (slug: string, body: object, headers?: Record<string, string>) => postWebhook(PORT, slug, body, headers);

const testApiSettings = (migration: string, table: string, extra: object = {}) => ({
	migration,
	apiName: 'Test API',
	table,
	resource: STYLES.bodyCursor.path,
	recordsPath: STYLES.bodyCursor.recordsPath,
	pagination: STYLES.bodyCursor.pagination,
	pageSize: 100,
	pagesPerExecution: 25,
	...extra,
});

describe(`REST API → database templates in n8n ${line2 ? '2.41.1' : '1.123.81'}, by Webhook`, () => {
	let n8n: N8nInstance;
	let server: Started;
	let api: TestApi;
	let jsonServer: Awaited<ReturnType<typeof startJsonServer>> | undefined;

	beforeAll(async () => {
		await requireService('postgres');
		await requireService('mariadb');
		api = await startTestApi({ records: RECORDS, auth: { type: 'bearer', token: 'e2e-api-token-5' }, rateLimit: 40 });
		if (!line2) jsonServer = await startJsonServer();
		await withPostgres((q) => q('DROP TABLE IF EXISTS public.dm_e2e_api, public.dm_e2e_api_killed'));
		await withMysql(async (q) => {
			await q('DROP TABLE IF EXISTS dm_e2e_posts_tags');
			await q('DROP TABLE IF EXISTS dm_e2e_posts');
		});
		n8n = await prepareN8n();
		await importJson(
			n8n,
			'credentials',
			templateCredentials([
				{
					id: 'dmRestApiSource1',
					name: 'Source REST API',
					type: 'migrationRestApi',
					data: {
						baseUrl: api.url,
						authentication: 'bearer',
						token: 'e2e-api-token-5',
						testPath: '/health',
						headers: '{}',
					},
				},
				...(jsonServer
					? [
							{
								id: 'dmRestJsonServer',
								name: 'json-server',
								type: 'migrationRestApi',
								data: { baseUrl: jsonServer.url, authentication: 'none', testPath: '/posts/1', headers: '{}' },
							},
						]
					: []),
			]),
		);
		const slugs = line2 ? ['rest-api-to-postgres'] : ['rest-api-to-postgres', 'rest-api-to-mysql'];
		for (const slug of slugs) {
			const credential = slug === 'rest-api-to-mysql' ? 'dmRestJsonServer' : 'dmRestApiSource1';
			const worker = withRestCredential(template(`${slug}-page-worker`), credential);
			await importJson(n8n, 'workflow', worker);
			// n8n 2.x calls only published sub-workflows.
			if (line2)
				expect((await n8nCli(n8n, ['publish:workflow', `--id=${template(`${slug}-page-worker`).id}`])).code).toBe(0);
			const main = withRestCredential(template(slug), credential);
			await importJson(n8n, 'workflow', main);
			const id = template(slug).id as string;
			expect((await setActive(n8n, id)).code).toBe(0);
		}
		server = await startN8n(n8n, PORT);
	});

	afterAll(async () => {
		await server?.stop();
		jsonServer?.stop();
		await api?.stop();
	});

	it("the test API → PostgreSQL: 200 with the report, every record exact, paced under the API's limit", async () => {
		const migration = `e2e-api-${Date.now().toString(36)}`;
		const answer = await post(
			'rest-api-to-postgres',
			testApiSettings(migration, 'dm_e2e_api', { requestsPerSecond: 40 }),
		);
		expect(answer.status).toBe(200);
		const report = answer.json();
		expect(report).toMatchObject({
			migration,
			title: 'Test API → PostgreSQL',
			status: 'SUCCESS',
			records: { migrated: RECORDS, rejected: 0 },
			cutover: { ready: true },
		});
		expect((report.validation as Array<{ check: string; pass: boolean }>).every((v) => v.pass)).toBe(true);
		expect(api.stats.throttledAfterFirst).toBe(0);
		const [row] = await withPostgres((q) =>
			q('SELECT count(*)::int AS n, max(big)::text AS big FROM public.dm_e2e_api'),
		);
		expect(row).toEqual({ n: RECORDS, big: String(9007199254740993n + BigInt(RECORDS - 1) * 2n) });
	});

	(line2 ? it.skip : it)('json-server (npm) → MariaDB: arrays as child tables, nested objects flattened', async () => {
		const answer = await post('rest-api-to-mysql', {
			migration: `e2e-json-server-${Date.now().toString(36)}`,
			apiName: 'json-server',
			table: 'dm_e2e_posts',
			resource: '/posts',
			recordsPath: '',
			pagination: { style: 'pageNumber', pageParam: '_page', firstPage: 1, sizeParam: '_limit' },
			pageSize: 100,
			flatten: true,
			arrays: 'childTables',
		});
		expect(answer.status).toBe(200);
		expect(answer.json()).toMatchObject({
			status: 'SUCCESS',
			title: 'json-server → MySQL',
			records: { migrated: POSTS },
		});
		const [row] = await withMysql((q) =>
			q('SELECT title, author_name, tags_count, rating FROM dm_e2e_posts WHERE id = 10'),
		);
		expect(row).toMatchObject({ title: 'Post 10 — “quoted” ✓ 🚀', author_name: 'Zoë', tags_count: 0, rating: 0.9 });
		const [tags] = await withMysql((q) => q('SELECT count(*) AS n FROM dm_e2e_posts_tags'));
		expect(Number(tags.n)).toBe(2 * (POSTS - POSTS / 3));
	});

	(line2 ? it.skip : it)(
		'n8n SIGKILLed mid-pagination: the same request resumes after the last committed page, 0 lost, 0 duplicated',
		async () => {
			const migration = `e2e-api-killed-${Date.now().toString(36)}`;
			// Paced at 40 requests a second: 200 pages take about 5 s, long enough to be killed in the middle.
			const request = testApiSettings(migration, 'dm_e2e_api_killed', {
				requestsPerSecond: 40,
				pagesPerExecution: 200,
			});
			const first = post('rest-api-to-postgres', request).catch((error: Error) => ({ status: 0, text: error.message }));
			const destination = createPostgresConnector({ ...postgresSettings, schema: 'public' });
			try {
				let committed = 0;
				for (let i = 0; i < 600 && committed < 40; i++) {
					await sleep(50);
					committed = await committedPages(destination, migration, 'dm_e2e_api_killed').then(
						(p) => p.length,
						() => 0,
					);
				}
				expect(committed).toBeGreaterThanOrEqual(40);
				server.process.kill('SIGKILL');
				await server.stop();
				expect((await first).status).not.toBe(200);
				const kept = (await committedPages(destination, migration, 'dm_e2e_api_killed')).length;
				expect(kept).toBeLessThan(RECORDS / 100);
				server = await startN8n(n8n, PORT);
				const answer = await post('rest-api-to-postgres', request);
				expect(answer.status).toBe(200);
				expect(answer.json()).toMatchObject({ status: 'SUCCESS', records: { migrated: RECORDS } });
				expect((await committedPages(destination, migration, 'dm_e2e_api_killed')).length).toBe(RECORDS / 100);
				const [row] = await withPostgres((q) =>
					q('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM public.dm_e2e_api_killed'),
				);
				expect(row).toEqual({ n: RECORDS, ids: RECORDS });
			} finally {
				await destination.close();
			}
		},
	);

	it('no webhook key: 403, nothing runs', async () => {
		const answer = await post('rest-api-to-postgres', testApiSettings('e2e-api-nokey', 'dm_e2e_api_nokey'), {
			'content-type': 'application/json',
		});
		expect(answer.status).toBe(403);
		const [row] = await withPostgres((q) => q("SELECT to_regclass('public.dm_e2e_api_nokey') IS NULL AS absent"));
		expect(row.absent).toBe(true);
	});
});
