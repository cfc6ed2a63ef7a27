import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, until } from '../helpers/browser';
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
import { requireService } from '../helpers/services';
import { templateCredentials } from '../helpers/templates';
import { postWebhook, withKey } from '../helpers/webhook-key';

/**
 * The migration as a user lives it, in a real n8n by Webhook: the plan and its documents, a dry run,
 * the live progress page in headless Chromium while the migration runs, and the run's documents.
 * Every document's HTML is opened in Chromium from a file of its own; screenshots go to test/e2e/screenshots/.
 */
const LINE = process.env.N8N_LINE ?? '1';
const PORT = 5770 + Number(LINE);
const BASE = `http://127.0.0.1:${PORT}`;
const SHOTS = join(__dirname, 'screenshots');
const CUSTOMERS = 'dm_e2e_doc_customers';
const ORDERS = 'dm_e2e_doc_orders';
const NO_KEY = 'dm_e2e_doc_nokey';
const ORDER_ROWS = 200_000;
// The destination's state outlives a test run: each run's names are its own (a rerun keeps a run's start time).
const RUN = `e2e-docs-${Date.now()}`;
const template = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8'));

interface Document {
	document: string;
	title: string;
	fileName: string;
	markdown: string;
	html: string;
}

async function seed(): Promise<void> {
	await withMysql(async (q) => {
		await q(`DROP TABLE IF EXISTS ${NO_KEY}`);
		await q(`CREATE TABLE ${NO_KEY} (note VARCHAR(20))`);
		await q(`INSERT INTO ${NO_KEY} VALUES ('a'), ('b')`);
		await q(`DROP TABLE IF EXISTS ${ORDERS}`);
		await q(`DROP TABLE IF EXISTS ${CUSTOMERS}`);
		await q(
			`CREATE TABLE ${CUSTOMERS} (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL, tier TINYINT(1) NOT NULL) CHARACTER SET utf8mb4`,
		);
		await q(`INSERT INTO ${CUSTOMERS} SELECT seq, CONCAT('Kundin ', seq, ' ü'), seq % 2 FROM seq_1_to_500`);
		await q(
			`CREATE TABLE ${ORDERS} (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(14,2) NOT NULL, placed DATETIME(6) NOT NULL,
			 FOREIGN KEY (customer_id) REFERENCES ${CUSTOMERS}(id)) CHARACTER SET utf8mb4`,
		);
		await q(
			`INSERT INTO ${ORDERS} SELECT seq, 1 + seq % 500, seq * 1.25, TIMESTAMPADD(MICROSECOND, seq * 1000003, '2021-03-01') FROM seq_1_to_${ORDER_ROWS}`,
		);
	});
	await dropDestination();
}

const dropDestination = () => withPostgres((q) => q(`DROP TABLE IF EXISTS public.${ORDERS}, public.${CUSTOMERS}`));

const destinationTables = () =>
	withPostgres(async (q) =>
		(
			await q(
				`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'dm\\_e2e\\_doc\\_%'`,
			)
		).map((r) => r.table_name),
	);

const scratchLeft = () => withPostgres((q) => q(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dm\\_dry\\_%'`));

describe(`plan, dry run, documents and the live progress page in a real n8n (line ${LINE})`, () => {
	let n8n: N8nInstance;
	let server: Started;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	const folder = mkdtempSync(join(tmpdir(), 'dm-documents-'));

	/** Opens each document's HTML from a file of its own (nothing else loads) and keeps a screenshot. */
	async function openDocuments(documents: Document[]): Promise<void> {
		for (const d of documents) {
			const file = join(folder, `${d.fileName}.html`);
			writeFileSync(file, d.html);
			const requested: string[] = [];
			page.on('request', (r) => requested.push(r.url()));
			await page.goto(`file://${file}`);
			page.removeAllListeners('request');
			expect(requested).toEqual([`file://${file}`]);
			expect(await page.locator('h1').textContent()).toBe(d.title);
			expect(await page.locator('h1').isVisible()).toBe(true);
			await page.screenshot({
				path: join(SHOTS, `document-${d.document}.line${LINE}.jpeg`),
				type: 'jpeg',
				quality: 75,
				fullPage: true,
			});
		}
	}

	beforeAll(async () => {
		for (const service of ['postgres', 'mariadb'] as const) await requireService(service);
		await seed();
		n8n = await prepareN8n();
		await importJson(n8n, 'credentials', templateCredentials());
		const worker = template('mysql-to-postgres-chunk-worker');
		await importJson(n8n, 'workflow', worker);
		if (n8n.line === '2') expect((await n8nCli(n8n, ['publish:workflow', `--id=${worker.id}`])).code).toBe(0);
		const main = template('mysql-to-postgres');
		await importJson(n8n, 'workflow', main);
		const status = template('migration-status');
		await importJson(n8n, 'workflow', status);
		for (const id of [main.id, status.id]) expect((await setActive(n8n, id)).code).toBe(0);
		server = await startN8n(n8n, PORT);
		browser = await launchChromium();
		// The status webhook wants the key like every other: the browser sends it with each request.
		context = await browser.newContext({ viewport: { width: 1200, height: 900 }, extraHTTPHeaders: withKey() });
		page = await context.newPage();
		mkdirSync(SHOTS, { recursive: true });
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('plan: true answers with a plan measured on the real databases and five documents; the real tables stay untouched', async () => {
		const answer = await postWebhook(PORT, 'mysql-to-postgres', {
			migration: `${RUN}-plan`,
			tables: [ORDERS, CUSTOMERS, NO_KEY],
			plan: true,
			sampleRows: 2000,
			rowsPerChunk: 50_000,
		});
		expect(`${answer.status} ${answer.text.slice(0, 300)}`).toMatch(/^200 /);
		const { plan, documents, status } = answer.json() as {
			status: string;
			plan: {
				order: string[];
				tables: Array<{ table: string; rows: number; chunks: number }>;
				phases: Array<{ phase: string; estimatedSeconds: number }>;
				risks: Array<{ severity: string; table: string; risk: string }>;
			};
			documents: Document[];
		};
		expect(status).toBe('PLANNED');
		const { risks } = plan;
		// A table without a key cannot be migrated: the plan says so instead of failing.
		expect(risks.filter((r) => r.severity === 'blocker')).toEqual([
			{
				severity: 'blocker',
				table: NO_KEY,
				risk: 'no primary key: cannot be read in keyset chunks or upserted idempotently',
			},
		]);
		// The foreign key orders → customers: customers load first.
		expect(plan.order).toEqual([CUSTOMERS, ORDERS]);
		expect(plan.tables.find((t) => t.table === ORDERS)).toMatchObject({
			chunks: Math.ceil(plan.tables.find((t) => t.table === ORDERS)!.rows / 50_000),
		});
		expect(plan.phases.find((p) => p.phase === 'initial load')!.estimatedSeconds).toBeGreaterThan(0);
		expect(documents.map((d) => d.document)).toEqual(['assessment', 'mapping', 'transformation', 'dryRun', 'plan']);
		await openDocuments(documents);
		expect(await destinationTables()).toEqual([]);
		expect(await scratchLeft()).toEqual([]);
	});

	it('dryRun: true sends sample rows through the real path into a scratch schema, validates them and drops it', async () => {
		const answer = await postWebhook(PORT, 'mysql-to-postgres', {
			migration: `${RUN}-dry`,
			tables: [ORDERS, CUSTOMERS],
			dryRun: true,
			sampleRows: 300,
		});
		expect(`${answer.status} ${answer.text.slice(0, 300)}`).toMatch(/^200 /);
		const { dryRun, documents } = answer.json() as {
			dryRun: { pass: boolean; dropped: boolean; tables: Array<{ sampled: number; written: number }> };
			documents: Document[];
		};
		expect(dryRun).toMatchObject({ pass: true, dropped: true });
		expect(dryRun.tables.map((t) => [t.sampled, t.written])).toEqual([
			[300, 300],
			[300, 300],
		]);
		await openDocuments(documents.filter((d) => d.document === 'dryRun'));
		expect(await destinationTables()).toEqual([]);
		expect(await scratchLeft()).toEqual([]);
	});

	it("the status webhook answers a browser with a live page while the migration runs, a program with JSON; then the run's documents", async () => {
		const started = await postWebhook(PORT, 'mysql-to-postgres', {
			migration: `${RUN}-run`,
			tables: [ORDERS, CUSTOMERS],
			rowsPerChunk: 2000,
			answerAtOnce: true,
		});
		expect(started.status).toBe(202);
		const statusUrl = `${BASE}${String(started.json().statusUrl)}`;
		const json = async () => {
			const response = await fetch(statusUrl, { headers: withKey({ accept: 'application/json' }) });
			return (await response.json()) as { state: string; rowsDone: number; html?: string };
		};
		// Once chunks are done, and while more remain: the page as a browser sees it.
		const midway = await until(json, (s) => s.state === 'running' && s.rowsDone > 0, 120_000);
		expect(midway).toMatchObject({ state: 'running' });
		expect(midway.html).toBeUndefined();
		await page.goto(statusUrl);
		expect(await page.title()).toBe(`${RUN}-run: running`);
		expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('5');
		expect(await page.locator('tbody tr').count()).toBe(2);
		const rowsShown = () => page.locator('dd').first().textContent();
		const first = await rowsShown();
		await page.screenshot({
			path: join(SHOTS, `progress-running.line${LINE}.jpeg`),
			type: 'jpeg',
			quality: 75,
			fullPage: true,
		});
		// It reloads itself: later the same tab shows more rows done, or the run done.
		expect(await until(rowsShown, (text) => text !== first, 20_000)).not.toBe(first);
		// Without the key the page is refused like any other webhook.
		expect((await fetch(statusUrl)).status).toBe(403);
		expect(await until(json, (s) => s.state === 'done', 300_000)).toMatchObject({
			state: 'done',
			rowsDone: ORDER_ROWS + 500,
		});
		await page.goto(statusUrl);
		expect(await page.title()).toBe(`${RUN}-run: done`);
		expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
		expect(await page.locator('svg.chart polyline').count()).toBe(1);
		await page.screenshot({
			path: join(SHOTS, `progress-done.line${LINE}.jpeg`),
			type: 'jpeg',
			quality: 75,
			fullPage: true,
		});

		// A run answered in full carries its documents: the rollback procedure and the verification report among them.
		const answer = await postWebhook(PORT, 'mysql-to-postgres', {
			migration: `${RUN}-small`,
			tables: [CUSTOMERS],
			rowsPerChunk: 100,
		});
		// customers went over in the run above: this run upserts into it, so the rollback would restore its snapshot.
		expect(`${answer.status} ${answer.text.slice(0, 300)}`).toMatch(/^200 /);
		const { documents } = answer.json() as { documents: Document[] };
		expect(documents.map((d) => d.document)).toEqual(['mapping', 'transformation', 'rollback', 'verification']);
		expect(documents.find((d) => d.document === 'rollback')!.markdown).toMatch(
			new RegExp(
				`\\| 1 \\| ${CUSTOMERS} \\| 500 rows \\(checksum kept\\) \\| 500 rows \\| replace its rows with the copy `,
			),
		);
		await openDocuments(documents);
	});
});
