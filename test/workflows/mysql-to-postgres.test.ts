import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { canonicalText } from '../../core/canonical';
import type { Row } from '../../core/schema';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

const template = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8')) as WorkflowJson;
const main = template('mysql-to-postgres');
const worker = template('mysql-to-postgres-chunk-worker');
const credentials = { migrationMySqlApi: { ...mysqlSettings }, migrationPostgresApi: { ...postgresSettings, schema: 'public' } };
const ROWS = 100_000;
const TABLE = 'dm_wf_customers';

/** Every row of both sides, compared value by value in canonical form. */
async function compareRowByRow(): Promise<{ missing: number; extra: number; different: string[] }> {
	const source = createMysqlConnector(mysqlSettings);
	const destination = createPostgresConnector(postgresSettings);
	try {
		const [schema] = await source.introspect([TABLE]);
		const read = async (connector: typeof source | typeof destination) => {
			const rows = new Map<string, Row>();
			for await (const batch of connector.read(TABLE, {}, { batchSize: 10_000 })) for (const r of batch) rows.set(String(r.id), r);
			return rows;
		};
		const [a, b] = [await read(source), await read(destination)];
		const different: string[] = [];
		for (const [id, row] of a) {
			const other = b.get(id);
			if (!other) continue;
			for (const c of schema.columns) {
				if (canonicalText(row[c.name], c.logical) !== canonicalText(other[c.name], c.logical)) different.push(`${id}.${c.name}`);
			}
		}
		return { missing: [...a.keys()].filter((k) => !b.has(k)).length, extra: [...b.keys()].filter((k) => !a.has(k)).length, different };
	} finally {
		await Promise.all([source.close(), destination.close()]);
	}
}

function settingsFor(migration: string) {
	const workflow = structuredClone(main);
	const settings = workflow.nodes.find((n) => n.name === 'Settings')!;
	settings.parameters.jsonOutput = JSON.stringify({ migration, tables: [TABLE], rowsPerChunk: 7000, batchSize: 5000 });
	return workflow;
}

describe('template mysql-to-postgres, executed by n8n\'s engine', () => {
	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${TABLE}`);
			await q(`CREATE TABLE ${TABLE} (
				id BIGINT PRIMARY KEY, name VARCHAR(80) NOT NULL, city VARCHAR(40) NULL, balance DECIMAL(38,10) NULL,
				visits INT NULL, active TINYINT(1) NOT NULL, seen DATETIME(6) NULL, born DATE NULL, avatar BLOB NULL, prefs JSON NULL,
				KEY ${TABLE}_city (city)) CHARACTER SET utf8mb4`);
			// Gaps every 7th id, unicode and emoji, NULLs, exact decimals, microseconds, NUL bytes, JSON.
			await q(`INSERT INTO ${TABLE}
				SELECT seq * 10 + (seq % 7), CONCAT('name ', seq, IF(seq % 13 = 0, ' 😀', '')), ELT(1 + seq % 5, 'Zürich', '東京', NULL, '', 'Kraków'),
					IF(seq % 11 = 0, NULL, CAST(CONCAT(IF(seq % 2, '-', ''), seq * 7919, '.', LPAD(seq % 10000000000, 10, '0')) AS DECIMAL(38,10))),
					IF(seq = 1, 2147483647, seq), seq % 3 = 0, TIMESTAMPADD(MICROSECOND, seq * 1000003, '2020-01-01 00:00:00.000000'),
					IF(seq % 5 = 0, NULL, DATE_ADD('1950-01-01', INTERVAL seq % 20000 DAY)),
					IF(seq % 4 = 0, NULL, CONCAT(CHAR(0), CHAR(seq % 256), CHAR(0))), IF(seq % 6 = 0, NULL, JSON_OBJECT('b', seq % 3, 'a', JSON_ARRAY(1, 'x')))
				FROM seq_1_to_${ROWS}`);
		});
		await withPostgres(async (q) => {
			await q(`DROP TABLE IF EXISTS ${TABLE}`);
			await q(`DROP TABLE IF EXISTS ${TABLE}_away`);
			await q("DELETE FROM _dm_state WHERE key LIKE 'wf-%'").catch(() => undefined);
		});
	});
	afterAll(() => shutdownEngine());

	it(`migrates ${ROWS} rows in chunks; the destination equals the source row by row; the worker saves no execution data`, async () => {
		const result = await runWorkflow(settingsFor('wf-full'), { credentials, workflows: [worker] });
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		const chunks = result.output('Copy Chunk');
		expect(chunks.length).toBe(Math.floor(ROWS / 7000) + 1);
		expect(chunks.reduce((n, c) => n + Number(c.written), 0)).toBe(ROWS);
		expect(await compareRowByRow()).toEqual({ missing: 0, extra: 0, different: [] });
		const workerRuns = result.executions.filter((e) => e.workflowId === worker.id);
		expect(workerRuns.length).toBe(chunks.length);
		expect(workerRuns.every((e) => e.status === 'success' && e.data === undefined)).toBe(true);
	});

	it('failing midway and rerun: 0 lost, 0 duplicated, finished chunks skipped', async () => {
		// The destination table disappears while chunks are being loaded (a crash as the workers see it);
		// a real process kill (-9) is exercised by the e2e tier.
		await withPostgres((q) => q(`DROP TABLE IF EXISTS ${TABLE}`));
		let broken = false;
		const watcher = setInterval(async () => {
			const [{ n }] = await withPostgres((q) => q("SELECT count(*)::int AS n FROM _dm_state WHERE key LIKE 'wf-crash/%'"));
			if (Number(n) >= 5 && !broken) {
				broken = true;
				await withPostgres((q) => q(`ALTER TABLE ${TABLE} RENAME TO ${TABLE}_away`));
			}
		}, 20);
		const failed = await runWorkflow(settingsFor('wf-crash'), { credentials, workflows: [worker] });
		clearInterval(watcher);
		expect(failed.run.status).toBe('error');
		expect(JSON.stringify(failed.run.data.resultData.error)).toContain(TABLE); // the worker's error, as n8n's execution view shows it
		const [{ done }] = await withPostgres((q) => q("SELECT count(*)::int AS done FROM _dm_state WHERE key LIKE 'wf-crash/%'"));
		const total = Math.floor(ROWS / 7000) + 1;
		expect(Number(done)).toBeGreaterThanOrEqual(5);
		expect(Number(done)).toBeLessThan(total);

		await withPostgres((q) => q(`ALTER TABLE ${TABLE}_away RENAME TO ${TABLE}`));
		const rerun = await runWorkflow(settingsFor('wf-crash'), { credentials, workflows: [worker] });
		expect(rerun.error).toBeUndefined();
		expect(rerun.output('Copy Chunk').length).toBe(total - Number(done));
		expect(await compareRowByRow()).toEqual({ missing: 0, extra: 0, different: [] });
	});
});
