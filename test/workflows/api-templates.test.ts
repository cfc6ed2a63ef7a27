/**
 * The REST API → database templates in n8n's engine (in process) against the project's test API
 * and real PostgreSQL and MariaDB: the page-worker loop to the last page, validation, the report;
 * a server that stops answering mid-run keeps the committed pages and a rerun resumes; a refused
 * credential and bad settings are answered before anything is written.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { committedPages } from '../../core/copy/pages';
import type { DatabaseConnector } from '../../core/ports';
import { STYLES } from '../helpers/api-resources';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';
import { startTestApi, type TestApi } from '../helpers/test-api';

const RECORDS = 6_000;
const template = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8')) as WorkflowJson;

const pg = { ...postgresSettings, schema: 'public' };
const restCredential = (api: TestApi, token = 'wf-token-1'): ICredentialDataDecryptedObject => ({
	baseUrl: api.url,
	authentication: 'bearer',
	token,
	testPath: '/health',
	headers: '{}',
});

/** A run's settings as a caller sends them, for the test API's resource in `style`. */
const settings = (migration: string, table: string, style: keyof typeof STYLES, extra: IDataObject = {}) => ({
	migration,
	apiName: 'Test API',
	table,
	resource: STYLES[style].path,
	recordsPath: STYLES[style].recordsPath,
	pagination: STYLES[style].pagination,
	pageSize: STYLES[style].pageSize,
	pagesPerExecution: 13,
	...extra,
});

async function run(
	name: string,
	request: IDataObject,
	credentials: Record<string, ICredentialDataDecryptedObject>,
) {
	return runWorkflow(template(name), {
		credentials,
		workflows: [template(`${name}-page-worker`)],
		startNode: 'When Called by Another Workflow',
		input: [request],
	});
}

describe('REST API → database templates in n8n (test API; real PostgreSQL and MariaDB)', () => {
	let api: TestApi;
	let postgres: DatabaseConnector;
	let mysql: DatabaseConnector;

	beforeAll(async () => {
		await requireService('postgres');
		await requireService('mariadb');
		api = await startTestApi({ records: RECORDS, auth: { type: 'bearer', token: 'wf-token-1' } });
		postgres = createPostgresConnector(pg);
		mysql = createMysqlConnector(mysqlSettings);
	});
	afterAll(async () => {
		await Promise.all([api?.stop(), postgres?.close(), mysql?.close()]);
		shutdownEngine();
	});

	const drop = async (db: DatabaseConnector, ...tables: string[]) => {
		const present = new Set((await db.introspect()).map((t) => t.name));
		for (const t of tables) if (present.has(t)) await db.dropTable(t);
	};

	it('REST API → PostgreSQL: page workers until the last page, every check passes, the report names the API', async () => {
		await drop(postgres, 'dm_wf_api_records');
		const migration = `wf-api-pg-${Date.now().toString(36)}`;
		const result = await run('rest-api-to-postgres', settings(migration, 'dm_wf_api_records', 'bodyCursor'), {
			migrationRestApi: restCredential(api),
			migrationPostgresApi: pg,
		});
		expect(result.error).toBeUndefined();
		const [report] = result.output('Answer with Report');
		expect(report).toMatchObject({
			migration,
			title: 'Test API → PostgreSQL',
			status: 'SUCCESS',
			records: { migrated: RECORDS, rejected: 0 },
			cutover: { ready: true },
		});
		expect((report.validation as IDataObject[]).map((v) => [v.check, v.pass])).toEqual([
			['count', true],
			['checksum', true],
			['sample', true],
		]);
		expect(String(report.markdown)).toContain(`# Migration Report: Test API → PostgreSQL (${migration})`);
		// 60 pages, 13 per page-worker execution: five executions of the worker, chained by the loop.
		expect(result.executions.filter((e) => e.workflowId === 'dmApiToPgWork001')).toHaveLength(5);
		expect(await postgres.count('dm_wf_api_records')).toBe(RECORDS);
	});

	it.each(Object.keys(STYLES) as Array<keyof typeof STYLES>)(
		'REST API → PostgreSQL by every pagination style: %s',
		async (style) => {
			const table = `dm_wf_api_${style.toLowerCase()}`;
			await drop(postgres, table);
			const result = await run(
				'rest-api-to-postgres',
				settings(`wf-api-${style}-${Date.now().toString(36)}`, table, style, { pagesPerExecution: 25 }),
				{ migrationRestApi: restCredential(api), migrationPostgresApi: pg },
			);
			expect(result.error).toBeUndefined();
			expect(result.output('Answer with Report')[0]).toMatchObject({ status: 'SUCCESS', records: { migrated: RECORDS } });
			expect(await postgres.count(table)).toBe(RECORDS);
		},
	);

	it('REST API → MySQL, arrays as child tables, nested objects flattened: exact and validated', async () => {
		await drop(mysql, 'dm_wf_api_stripe_tags', 'dm_wf_api_stripe');
		const migration = `wf-api-my-${Date.now().toString(36)}`;
		const result = await run(
			'rest-api-to-mysql',
			settings(migration, 'dm_wf_api_stripe', 'lastRecord', { arrays: 'childTables', flatten: true, pagesPerExecution: 40 }),
			{ migrationRestApi: restCredential(api), migrationMySqlApi: { ...mysqlSettings } },
		);
		expect(result.error).toBeUndefined();
		const [report] = result.output('Answer with Report');
		expect(report).toMatchObject({ status: 'SUCCESS', records: { migrated: RECORDS } });
		const [row] = await mysql.readByKeys('dm_wf_api_stripe', [[8]]);
		expect(row).toMatchObject({ address_city: 'Kraków', tags_count: 2, big: String(9007199254740993n + 14n) });
	});

	it('the API stops answering mid-run: committed pages kept (503), the same request resumes and completes', async () => {
		await drop(postgres, 'dm_wf_api_resume');
		const migration = `wf-api-resume-${Date.now().toString(36)}`;
		const request = settings(migration, 'dm_wf_api_resume', 'offset', { maxRetries: 1, pagesPerExecution: 10 });
		const credentials = { migrationRestApi: restCredential(api), migrationPostgresApi: pg };
		const start = api.stats.requests;
		const outage = setInterval(() => {
			if (api.stats.requests - start >= 25) api.options.faults = { share: 1, kinds: ['503'] };
		}, 5);
		let first;
		try {
			first = await run('rest-api-to-postgres', request, credentials);
		} finally {
			clearInterval(outage);
			api.options.faults = undefined;
		}
		expect(first.error?.message).toMatch(/stopped: 1 chunk\(s\) lost the connection .*REST API at 127\.0\.0\.1:\d+: 503 Service Unavailable/);
		expect(first.output('Kept for Rerun')[0]).toMatchObject({ status: 'STOPPED, FINISHED CHUNKS KEPT' });
		const kept = (await committedPages(postgres, migration, 'dm_wf_api_resume')).length;
		expect(kept).toBeGreaterThan(0);
		expect(kept).toBeLessThan(60);

		const second = await run('rest-api-to-postgres', request, credentials);
		expect(second.error).toBeUndefined();
		expect(second.output('Answer with Report')[0]).toMatchObject({ status: 'SUCCESS', records: { migrated: RECORDS } });
		expect(await postgres.count('dm_wf_api_resume')).toBe(RECORDS);
	});

	it('a refused credential fails at Map API Resource with the 401 and no secret; nothing is created', async () => {
		await drop(postgres, 'dm_wf_api_denied');
		const result = await run('rest-api-to-postgres', settings('wf-api-denied', 'dm_wf_api_denied', 'offset'), {
			migrationRestApi: restCredential(api, 'stolen-token-9'),
			migrationPostgresApi: pg,
		});
		const [failed] = result.output('Step Failed');
		expect(failed).toMatchObject({ status: 'FAILED', step: 'Map API Resource' });
		expect(String(failed.error)).toMatch(/REST API: 401 Unauthorized on GET \/offset\?offset=0&limit=100: the credential was refused/);
		expect(JSON.stringify(result.run.data)).not.toContain('stolen-token-9');
		expect((await postgres.introspect()).some((t) => t.name === 'dm_wf_api_denied')).toBe(false);
	});

	it('bad settings are refused before anything is written (400), naming what is accepted', async () => {
		const result = await run(
			'rest-api-to-postgres',
			{ ...settings('wf-api-bad', 'dm_wf_api_bad', 'offset'), pagination: 'offset' },
			{ migrationRestApi: restCredential(api), migrationPostgresApi: pg },
		);
		const [refused] = result.output('Settings', 1);
		expect(String(refused.error)).toMatch(/"pagination" must be a JSON object, not "offset"\. Accepted settings: .*pagesPerExecution/);
	});
});
