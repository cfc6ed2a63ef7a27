import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { CHUNK_NAMESPACE } from '../../core/migrate';
import { runProgress } from '../../core/progress';
import { importJson, n8nCli, n8nDatabase, prepareN8n, startN8n, type N8nInstance } from '../helpers/n8n-process';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

/**
 * The MySQL → PostgreSQL template in a real n8n process: packed, installed, imported, run by
 * `n8n execute`, by its Webhook and by its Schedule, then the destination checked.
 */
const ROWS = 20_000;
const TABLE = 'customers'; // the template's default table
const PORT = 5710 + Number(process.env.N8N_LINE ?? 1);
const pg = { ...postgresSettings, schema: 'public' };
const template = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8'));

const seed = () =>
	withMysql(async (q) => {
		await q(`DROP TABLE IF EXISTS ${TABLE}`);
		await q(`CREATE TABLE ${TABLE} (id BIGINT PRIMARY KEY, name VARCHAR(80) NOT NULL, city VARCHAR(40) NULL, balance DECIMAL(20,4) NULL,
			ratio DOUBLE NULL, active TINYINT(1) NOT NULL, seen DATETIME(6) NULL, avatar BLOB NULL, prefs JSON NULL, KEY ${TABLE}_city (city)) CHARACTER SET utf8mb4`);
		await q(`INSERT INTO ${TABLE} SELECT seq * 7, CONCAT('näme ', seq, IF(seq % 13 = 0, ' 😀', '')), ELT(1 + seq % 4, 'Zürich', '東京', NULL, ''),
			IF(seq % 11 = 0, NULL, seq * 1.0001), IF(seq % 5 = 0, NULL, seq / 3), seq % 2, TIMESTAMPADD(MICROSECOND, seq * 1000003, '2020-01-01'),
			IF(seq % 3 = 0, NULL, CONCAT(CHAR(0), CHAR(seq % 256))), IF(seq % 6 = 0, NULL, JSON_OBJECT('b', seq % 3, 'a', JSON_ARRAY(1, 'x')))
			FROM seq_1_to_${ROWS}`);
	});

async function sameData(): Promise<{ source: string; destination: string }> {
	const source = createMysqlConnector(mysqlSettings);
	const destination = createPostgresConnector(pg);
	try {
		const [a, b] = await Promise.all([source.checksum(TABLE), destination.checksum(TABLE)]);
		return { source: a.digest, destination: b.digest };
	} finally {
		await Promise.all([source.close(), destination.close()]);
	}
}

async function chunksDone(migration: string): Promise<number> {
	const destination = createPostgresConnector(pg);
	try {
		return (await destination.state.list(CHUNK_NAMESPACE)).filter((e) => e.key.startsWith(`${migration}/`)).length;
	} finally {
		await destination.close();
	}
}

async function runStatus(migration: string) {
	const destination = createPostgresConnector(pg);
	try {
		return await runProgress(destination, migration);
	} finally {
		await destination.close();
	}
}

describe(`MySQL → PostgreSQL template in a real n8n (line ${process.env.N8N_LINE ?? 1})`, () => {
	let n8n: N8nInstance;
	const main = template('mysql-to-postgres');
	const worker = template('mysql-to-postgres-chunk-worker');

	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await seed();
		await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${TABLE}`));
		n8n = await prepareN8n();
		await importJson(n8n, 'credentials', [
			{ id: 'dmSourcemysql', name: 'Source MySQL / MariaDB', type: 'migrationMySqlApi', data: { ...mysqlSettings } },
			{ id: 'dmDestinationpostgres', name: 'Destination PostgreSQL', type: 'migrationPostgresApi', data: pg },
			{
				id: 'dmSourcemysqlBad',
				name: 'Source MySQL (wrong password)',
				type: 'migrationMySqlApi',
				data: { ...mysqlSettings, password: 'Wrong-Secret-Zx81' },
			},
		]);
		await importJson(n8n, 'workflow', worker);
		// The Schedule fires every 20 seconds in this copy (02:00 daily in the template) so the test sees it fire.
		const scheduled = structuredClone(main);
		scheduled.nodes.find((n: { name: string }) => n.name === 'Schedule').parameters.rule = {
			interval: [{ field: 'seconds', secondsInterval: 20 }],
		};
		await importJson(n8n, 'workflow', scheduled);
	});

	it('runs by `n8n execute`: the destination equals the source, the worker saved no execution data', async () => {
		const result = await n8nCli(n8n, ['execute', `--id=${main.id}`]);
		expect(`${result.code} ${result.stdout.slice(-2000)} ${result.stderr.slice(-2000)}`).toMatch(/^0 /);
		const sums = await sameData();
		expect(sums.destination).toBe(sums.source);
		expect(sums.source.startsWith(`${ROWS}:`)).toBe(true);
		const saved = await n8nDatabase(
			n8n,
			`SELECT workflowId AS workflow, status, count(*) AS n FROM execution_entity GROUP BY workflowId, status`,
		);
		expect(saved.filter((r) => r.workflow === worker.id)).toEqual([]);
		expect(saved).toContainEqual({ workflow: main.id, status: 'success', n: 1 });
	});

	it('runs by its Webhook (POST with overrides) and by its Schedule under `n8n start`', async () => {
		const activated = await n8nCli(n8n, ['update:workflow', `--id=${main.id}`, '--active=true']);
		expect(activated.code).toBe(0);
		const started = Date.now();
		const server = await startN8n(n8n, PORT);
		try {
			const response = await fetch(`http://127.0.0.1:${PORT}/webhook/data-migration/mysql-to-postgres`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ migration: 'e2e-webhook', tables: [TABLE], rowsPerChunk: 5000 }),
			});
			expect(`${response.status} ${response.status === 200 ? '' : server.log().slice(-3000)}`).toBe('200 ');
			const progress = await runStatus('e2e-webhook');
			expect(progress).toMatchObject({ state: 'done', rowsDone: ROWS, rowsTotal: ROWS });
			expect(progress.chunksDone).toBe(progress.chunksTotal);
			// The Schedule: wait for a trigger-mode execution of the main workflow that succeeded.
			let fired: Array<Record<string, unknown>> = [];
			for (let waited = 0; waited < 120_000 && !fired.length; waited += 2000) {
				await new Promise((r) => setTimeout(r, 2000));
				fired = await n8nDatabase(
					n8n,
					`SELECT id, status FROM execution_entity WHERE workflowId = '${main.id}' AND mode = 'trigger' AND status = 'success'`,
				);
			}
			expect(fired.length).toBeGreaterThan(0);
			console.log(
				`n8n ${n8n.line}: peak RSS ${server.peakRssMb()} MB; webhook + schedule within ${Math.round((Date.now() - started) / 1000)} s`,
			);
		} finally {
			await server.stop();
			await n8nCli(n8n, ['update:workflow', `--id=${main.id}`, '--active=false']);
		}
		const sums = await sameData();
		expect(sums.destination).toBe(sums.source);
	});

	it('fails with our clear message when a credential is wrong, and writes nothing', async () => {
		const bad = structuredClone(main);
		bad.id = 'dmMysqlToPgBad01';
		bad.name = 'Data migration with a wrong password';
		for (const node of bad.nodes)
			if (node.credentials?.migrationMySqlApi)
				node.credentials.migrationMySqlApi = { id: 'dmSourcemysqlBad', name: 'Source MySQL (wrong password)' };
		bad.nodes.find((n: { name: string }) => n.name === 'Settings').parameters.jsonOutput = JSON.stringify({
			migration: 'e2e-bad',
			tables: ['dm_e2e_never'],
		});
		await importJson(n8n, 'workflow', bad);
		const result = await n8nCli(n8n, ['execute', `--id=${bad.id}`]);
		const printed = result.stdout + result.stderr;
		expect(result.code).not.toBe(0);
		expect(printed).toMatch(/Authentication failed for MySQL user "root"|Access denied/);
		expect(printed).not.toContain('Wrong-Secret-Zx81');
		const errors = await n8nDatabase(n8n, `SELECT status FROM execution_entity WHERE workflowId = '${bad.id}'`);
		expect(errors).toEqual([{ status: 'error' }]);
		expect(await chunksDone('e2e-bad')).toBe(0);
		expect(await withPostgres((q) => q(`SELECT to_regclass('public.dm_e2e_never') AS t`))).toEqual([{ t: null }]);
	});
});
