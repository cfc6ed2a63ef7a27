import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, until } from '../helpers/browser';
import { templateCredentials } from '../helpers/templates';
import { importJson, prepareN8n, startN8n, type N8nInstance, type Started } from '../helpers/n8n-process';
import { withMysql } from '../helpers/native';
import { requireService, s3Settings } from '../helpers/services';
import { S3_DESTINATION_CREDENTIAL, S3_SOURCE_CREDENTIAL } from '../../scripts/templates/file-migration';
import { REST_CREDENTIAL } from '../../scripts/templates/api-migration';

/**
 * n8n's editor in headless Chromium (Debian's, driven by playwright-core): every template opens with
 * each of our nodes drawn with its icon, and a node's option loaders list tables and columns from the
 * real database. Screenshots go to test/e2e/screenshots/.
 */
const LINE = process.env.N8N_LINE ?? '1';
const PORT = 5720 + Number(LINE);
const BASE = `http://127.0.0.1:${PORT}`;
const WORKFLOWS = join(__dirname, '../../workflows');
const SHOTS = join(__dirname, 'screenshots');
const TABLE = 'dm_editor_orders';
const OURS = 'n8n-nodes-data-migration.';

interface TemplateNode {
	name: string;
	type: string;
}
// Line 2 opens the zero-downtime templates of one pair: the others come from the same generator.
const templates = readdirSync(WORKFLOWS)
	.filter((f) => f.endsWith('.json'))
	.filter((f) => LINE === '1' || !f.startsWith('zero-downtime-') || f.startsWith('zero-downtime-mysql-to-postgres'))
	.map((file) => ({
		file,
		...(JSON.parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as { id: string; nodes: TemplateNode[] }),
	}));

describe(`the templates in n8n's editor (line ${LINE})`, () => {
	let n8n: N8nInstance;
	let server: Started;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		for (const service of ['postgres', 'mariadb', 'ferretdb'] as const) await requireService(service);
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${TABLE}`);
			await q(`CREATE TABLE ${TABLE} (id BIGINT PRIMARY KEY, customer VARCHAR(40), updated_at DATETIME(6) NOT NULL)`);
		});
		n8n = await prepareN8n(LINE);
		await importJson(
			n8n,
			'credentials',
			templateCredentials([
				{
					...REST_CREDENTIAL.migrationRestApi,
					type: 'migrationRestApi',
					data: { baseUrl: 'http://127.0.0.1:9', authentication: 'none', testPath: '/', headers: '{}' },
				},
				...(
					[
						['dmPlatformSrc001', 'Redmine', 'migrationPlatformSourceApi', 'redmine'],
						['dmPlatformDst001', 'Gitea', 'migrationPlatformApi', 'gitea'],
						['dmPlatformParse1', 'Parse Server', 'migrationPlatformApi', 'parse'],
					] as const
				).map(([id, name, type, platform]) => ({
					id,
					name,
					type,
					data: { platform, baseUrl: 'http://127.0.0.1:9', token: 'editor', applicationId: 'editor' },
				})),
				...[S3_SOURCE_CREDENTIAL.migrationS3SourceApi, S3_DESTINATION_CREDENTIAL.migrationS3Api].map((ref, i) => ({
					...ref,
					type: i === 0 ? 'migrationS3SourceApi' : 'migrationS3Api',
					data: { ...s3Settings, region: 'us-east-1', bucket: 'dm-editor', forcePathStyle: true },
				})),
			]),
		);
		// One import of them all (each CLI call starts n8n anew).
		await importJson(n8n, 'workflow', [
			...templates.map((t) => JSON.parse(readFileSync(join(WORKFLOWS, t.file), 'utf8'))),
			probeWorkflow(),
		]);
		server = await startN8n(n8n, PORT);
		const setup = await fetch(`${BASE}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: 'owner@example.com',
				firstName: 'Dm',
				lastName: 'Owner',
				password: 'Owner-Pass-1234',
			}),
		});
		expect(setup.status).toBe(200);
		const auth = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')?.[1];
		expect(auth).toBeDefined();
		browser = await launchChromium();
		const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
		await context.addCookies([{ name: 'n8n-auth', value: auth!, url: BASE }]);
		page = await context.newPage();
		mkdirSync(SHOTS, { recursive: true });
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it.each(templates)('$file: every node renders, ours with our icon', async (t) => {
		await page.goto(`${BASE}/workflow/${t.id}`);
		const drawn = page.locator('[data-test-id="canvas-node"]');
		expect(
			await until(
				() => drawn.count(),
				(n) => n === t.nodes.length,
				60_000,
			),
		).toBe(t.nodes.length);
		for (const node of t.nodes.filter((n) => n.type.startsWith(OURS))) {
			const canvasNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`);
			expect(await canvasNode.getAttribute('data-node-type')).toBe(node.type);
			const icon = canvasNode.locator(`img[src*="/icons/${OURS.slice(0, -1)}/"]`);
			const loaded = () => icon.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0);
			expect(`${node.name}: ${await until(loaded, Boolean, 30_000)}`).toBe(`${node.name}: true`);
		}
		// n8n draws a node type it does not know with a question-mark icon and an install hint.
		expect(await page.content()).not.toMatch(/not currently installed|Install this node/i);
		await page.screenshot({
			path: join(SHOTS, `${t.file.replace(/\.json$/, '')}.line${LINE}.jpeg`),
			type: 'jpeg',
			quality: 70,
		});
	});

	it('a node panel lists tables and columns from the real database (option loaders)', async () => {
		await page.goto(`${BASE}/workflow/dmEditorProbe001`);
		await page.locator('[data-test-id="canvas-node"][data-node-name="Read Changes"]').dblclick();
		const option = (name: string) =>
			page.locator('[data-test-id="parameter-input-item"]:visible', { hasText: new RegExp(`^${name}`) });
		// Opens a dropdown until the option shows: a click can land while the options still load (or
		// close a list just opened), so it is retried, as a user would click again.
		const listed = async (parameter: string, name: string) => {
			const deadline = Date.now() + 60_000;
			while (Date.now() < deadline) {
				if (!(await option(name).count())) await page.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
				if (
					(await until(
						() => option(name).count(),
						(n) => n > 0,
						4000,
					)) > 0
				)
					return true;
			}
			return false;
		};
		expect(`table ${TABLE} listed: ${await listed('table', TABLE)}`).toBe(`table ${TABLE} listed: true`);
		await page.screenshot({ path: join(SHOTS, `option-loader-tables.line${LINE}.jpeg`), type: 'jpeg', quality: 70 });
		// The list is longer than its box: type to filter it, as a user would, then pick the table.
		await page.keyboard.type(TABLE);
		await option(TABLE).first().click();
		const chosen = page.locator('[data-test-id="parameter-input-table"] input').first();
		expect(
			await until(
				() => chosen.inputValue(),
				(v) => v === TABLE,
				10_000,
			),
		).toBe(TABLE);
		for (const column of ['id', 'customer', 'updated_at'])
			expect(`column ${column} listed: ${await listed('cursorColumn', column)}`).toBe(`column ${column} listed: true`);
		await page.screenshot({ path: join(SHOTS, `option-loader-columns.line${LINE}.jpeg`), type: 'jpeg', quality: 70 });
	});
});

/** An Incremental Sync node with no table chosen yet, as a user adds one to a workflow. */
function probeWorkflow() {
	return {
		id: 'dmEditorProbe001',
		name: 'Editor probe: option loaders',
		nodes: [
			{
				id: 'a',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'b',
				name: 'Read Changes',
				type: `${OURS}incrementalSync`,
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'read', system: 'mysql', table: '' },
				credentials: { migrationMySqlApi: { id: 'dmSourcemysql', name: 'Source MySQL / MariaDB' } },
			},
		],
		connections: { 'Manual Trigger': { main: [[{ node: 'Read Changes', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
