import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';
import { tcpProxy } from '../helpers/tcp-proxy';
import { CHUNK_NAMESPACE } from '../../core/state/namespaces';

/**
 * The destination goes away in the middle of a migration and stays away past every retry: the
 * finished chunks are kept (not rolled back), the run says it stopped and how to resume, and the
 * rerun with the same name after the server is back skips them and ends exact.
 */
const TABLE = 'dm_wf_resume';
const ROWS = 40_000;
const pg = { ...postgresSettings, schema: 'public' };
const template = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8')) as WorkflowJson;

async function checkpoints(migration: string): Promise<number> {
	const destination = createPostgresConnector(pg);
	try {
		return (await destination.state.list(CHUNK_NAMESPACE)).filter((e) => e.key.startsWith(`${migration}/`)).length;
	} finally {
		await destination.close();
	}
}

afterAll(() => shutdownEngine());

describe('a migration whose destination is lost mid-run', () => {
	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${TABLE}`);
			await q(`CREATE TABLE ${TABLE} (id BIGINT PRIMARY KEY, name VARCHAR(80) NOT NULL, amount DECIMAL(12,2) NULL)`);
			await q(`INSERT INTO ${TABLE} SELECT seq, CONCAT('näme ', seq), seq / 4 FROM seq_1_to_${ROWS}`);
		});
		await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${TABLE}`));
	});

	it('keeps the finished chunks, says how to resume, and the rerun completes exactly', async () => {
		const migration = `resume-${Date.now()}`;
		const main = template('mysql-to-postgres');
		main.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({
			migration,
			tables: [TABLE],
			rowsPerChunk: 5000,
			batchSize: 1000,
		});
		const worker = template('mysql-to-postgres-chunk-worker');
		const proxy = await tcpProxy(pg.port);
		const options = {
			credentials: { migrationMySqlApi: { ...mysqlSettings }, migrationPostgresApi: pg },
			credentialsById: { dmDestinationpostgres: { ...pg, port: proxy.port } },
			workflows: [worker],
		};
		try {
			// The destination goes away once two chunks are in.
			let watching = true;
			const watcher = (async () => {
				while (watching && (await checkpoints(migration)) < 2) await new Promise((r) => setTimeout(r, 20));
				proxy.down();
			})();
			const stopped = await runWorkflow(main, options).finally(() => (watching = false));
			await watcher;
			expect(stopped.run.status).toBe('error');
			expect(String(stopped.error?.message)).toMatch(
				new RegExp(`^Migration ${migration} stopped: \\d+ chunk\\(s\\) lost the connection .*at 127\\.0\\.0\\.1:${proxy.port}: .*the finished chunks are kept, rerun with the same name to resume`),
			);
			const [kept] = stopped.output('Kept for Rerun');
			expect(kept).toMatchObject({ migration, status: 'STOPPED, FINISHED CHUNKS KEPT' });
			expect(stopped.output('Restore Destination')).toEqual([]);
			const chunks = stopped.output('Plan Chunks').length;
			const done = await checkpoints(migration);
			expect(done).toBeGreaterThanOrEqual(2);
			expect(done).toBeLessThan(chunks);

			proxy.up();
			const rerun = await runWorkflow(main, options);
			expect(rerun.error).toBeUndefined();
			expect(rerun.output('Skip Done Chunks')).toHaveLength(chunks - done);
			expect(rerun.output('Answer with Report')[0]).toMatchObject({ status: 'SUCCESS', records: { migrated: ROWS } });
			const [source, destination] = [createMysqlConnector(mysqlSettings), createPostgresConnector(pg)];
			try {
				const [a, b] = await Promise.all([source.checksum(TABLE), destination.checksum(TABLE)]);
				expect(b.digest).toBe(a.digest);
				expect(a.rows).toBe(ROWS);
			} finally {
				await Promise.all([source.close(), destination.close()]);
			}
		} finally {
			await proxy.close();
		}
	}, 300_000);
});
