import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { installN8n } from '../../scripts/lib/n8n';
import { n8nDatabase } from '../helpers/n8n-process';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

/**
 * The README's commands from cold, as a new user meets them: the n8n install from an empty cache
 * folder under `npm test`'s own environment (its npm_config_ignore_scripts=true included), and
 * `npm run demo`, which runs the product inside that n8n by the template's Webhook.
 * Line 1 only: the N8N_LINE=2 pass of CI installs line 2 from the same script.
 */
const ROOT = join(__dirname, '../..');
const VERSION = '1.123.81';

function sh(
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
	return new Promise((resolve) => {
		const child = spawn(command, args, {
			cwd: ROOT,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
	});
}

const line1 = (process.env.N8N_LINE ?? '1') === '1' ? describe : describe.skip;

line1('cold start', () => {
	it("installs n8n from an empty cache folder under npm test's environment, and its check finds a broken native module", async () => {
		const cache = mkdtempSync(join(tmpdir(), 'dm-cold-cache-'));
		try {
			const env = { DM_CACHE_DIR: cache, npm_config_ignore_scripts: 'true' };
			const first = await sh('bash', ['scripts/n8n-install.sh', '1'], env);
			const dir = join(cache, `n8n-${VERSION}`);
			expect(`${first.code} ${first.code ? first.err.slice(-3000) : ''}`).toBe('0 ');
			expect(first.out.trim()).toBe(dir);
			expect(readFileSync(join(dir, '.complete'), 'utf8')).toMatch(new RegExp(`^n8n@${VERSION} `));
			expect(readFileSync(`${dir}.check.log`, 'utf8')).toContain(`native modules load\nn8n ${VERSION}`);
			// The failure this guards against: sqlite3 left unbuilt, so n8n cannot open its database.
			rmSync(join(dir, 'node_modules/sqlite3/build'), { recursive: true, force: true });
			const check = await sh('bash', ['scripts/n8n-install.sh', '--check', '1'], env);
			expect(check.code).toBe(1);
			expect(check.err).toContain('failed its check');
			expect(readFileSync(`${dir}.check.log`, 'utf8')).toMatch(/sqlite3/);
		} finally {
			rmSync(cache, { recursive: true, force: true });
		}
	});

	it('`npm run demo` migrates by the template Webhook inside n8n, prints the report, leaves n8n running for the editor; a rerun reuses it; --stop ends it', async () => {
		await requireService('mariadb');
		await requireService('postgres');
		const folder = mkdtempSync(join(tmpdir(), 'dm-demo-'));
		const port = 5795;
		const env = { DEMO_PORT: String(port), DEMO_N8N_FOLDER: folder, DEMO_ROWS: '7000' };
		const healthy = () =>
			fetch(`http://127.0.0.1:${port}/healthz`).then(
				(r) => r.ok,
				() => false,
			);
		try {
			const demo = await sh('npm', ['run', 'demo'], env);
			expect(`${demo.code} ${demo.code ? demo.out + demo.err.slice(-3000) : ''}`).toBe('0 ');
			expect(demo.err).toContain(`POST http://127.0.0.1:${port}/webhook/data-migration/mysql-to-postgres`);
			expect(demo.err).toMatch(/Migrating in n8n: chunk 1\/1 · 7,000\/7,000 rows/);
			// The Report operation's report, answered by the template's Webhook.
			for (const section of [
				'# Migration Report: demo-',
				'## Validation Results',
				'**Status:** SUCCESS',
				'**Ready for production cutover: YES**',
			])
				expect(demo.out).toContain(section);
			expect(demo.err).toContain(`n8n keeps running: http://127.0.0.1:${port}`);
			expect(await healthy()).toBe(true);

			// Checked apart from the demo: both databases hold the same rows.
			const [source, destination] = [createMysqlConnector(mysqlSettings), createPostgresConnector(postgresSettings)];
			try {
				const [a, b] = await Promise.all([source.checksum('demo_customers'), destination.checksum('demo_customers')]);
				expect(a.digest.startsWith('7000:')).toBe(true);
				expect(b.digest).toBe(a.digest);
			} finally {
				await Promise.all([source.close(), destination.close()]);
			}
			// The executed workflow is in n8n's own database, for the editor to show.
			const install = await installN8n('1');
			const executions = await n8nDatabase(
				{
					line: '1',
					userFolder: folder,
					node: install.node,
					bin: install.bin,
					env: { ...process.env, N8N_USER_FOLDER: folder },
				},
				"SELECT status, mode FROM execution_entity WHERE workflowId = 'dmMysqlToPgMain1'",
			);
			expect(executions).toEqual([{ status: 'success', mode: 'webhook' }]);

			const again = await sh('npm', ['run', 'demo', '--', '--resume'], env);
			expect(`${again.code} ${again.code ? again.out + again.err.slice(-3000) : ''}`).toBe('0 ');
			expect(again.err).toContain(`Reusing the demo n8n running on http://127.0.0.1:${port}`);
			expect(again.out).toContain('**Status:** SUCCESS');

			const stop = await sh('npm', ['run', 'demo', '--', '--stop'], env);
			expect(stop.err).toContain('Stopped the demo n8n.');
			expect(await healthy()).toBe(false);
		} finally {
			await sh('npm', ['run', 'demo', '--', '--stop'], env);
			if (existsSync(folder)) rmSync(folder, { recursive: true, force: true });
		}
	});
});
