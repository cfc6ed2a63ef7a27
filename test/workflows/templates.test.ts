import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, Long } from 'mongodb';
import { createMongoClient, createMongoConnector } from '../../connectors/mongodb/mongodb-client';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { canonicalText } from '../../core/model/canonical';
import type { DatabaseConnector } from '../../core/ports';
import { auditLog, runProgress, type Progress } from '../../core/report/progress';
import type { Row } from '../../core/model/schema';
import type { DryRunResult } from '../../core/plan/dry-run';
import type { MigrationPlan } from '../../core/plan/plan';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { withMysql, withPostgres } from '../helpers/native';
import { mongoSettings, mysqlSettings, postgresSettings, requireService, type ServiceName } from '../helpers/services';

// Enough rows for several chunks and a failure midway; volume and speed are the benchmark's (npm run bench).
const ROWS = 30_000;
const ROWS_PER_CHUNK = 3000;
/**
 * FerretDB 1.x (the MongoDB-wire test server) cannot push a key range down to its backend, so every
 * chunk read scans the whole collection. The MongoDB template runs on 15k documents; the MongoDB
 * connector reads 100k in chunks in the contract suite.
 */
const MONGO_ROWS = 15_000;
const MONGO_ROWS_PER_CHUNK = 2000;
const TARGET_SCHEMA = 'dm_target';

const template = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8')) as WorkflowJson;

/** Gaps in the key, unicode and emoji, NULLs, exact decimals, microseconds, NUL bytes, JSON with unordered keys. */
const seedMysql = (table: string) =>
	withMysql(async (q) => {
		await q(`DROP TABLE IF EXISTS ${table}`);
		await q(`CREATE TABLE ${table} (id BIGINT PRIMARY KEY, name VARCHAR(80) NOT NULL, city VARCHAR(40) NULL, balance DECIMAL(38,10) NULL,
			visits INT NULL, active TINYINT(1) NOT NULL, seen DATETIME(6) NULL, born DATE NULL, avatar BLOB NULL, prefs JSON NULL,
			KEY ${table}_city (city)) CHARACTER SET utf8mb4`);
		await q(`INSERT INTO ${table}
			SELECT seq * 10 + (seq % 7), CONCAT('name ', seq, IF(seq % 13 = 0, ' 😀', '')), ELT(1 + seq % 5, 'Zürich', '東京', NULL, '', 'Kraków'),
				IF(seq % 11 = 0, NULL, CAST(CONCAT(IF(seq % 2, '-', ''), seq * 7919, '.', LPAD(seq % 10000000000, 10, '0')) AS DECIMAL(38,10))),
				IF(seq = 1, 2147483647, seq), seq % 3 = 0, TIMESTAMPADD(MICROSECOND, seq * 1000003, '2020-01-01 00:00:00.000000'),
				IF(seq % 5 = 0, NULL, DATE_ADD('1950-01-01', INTERVAL seq % 20000 DAY)),
				IF(seq % 4 = 0, NULL, CONCAT(CHAR(0), CHAR(seq % 256), CHAR(0))), IF(seq % 6 = 0, NULL, JSON_OBJECT('b', seq % 3, 'a', JSON_ARRAY(1, 'x')))
			FROM seq_1_to_${ROWS}`);
	});

const seedPostgres = (table: string) =>
	withPostgres(async (q) => {
		await q(`DROP TABLE IF EXISTS public.${table}`);
		await q(`CREATE TABLE public.${table} (id bigint PRIMARY KEY, name varchar(80) NOT NULL, city varchar(40), balance numeric(38,10),
			visits bigint, active boolean NOT NULL, seen timestamptz(6), born date, avatar bytea, prefs jsonb)`);
		await q(`CREATE INDEX ${table}_city ON public.${table} (city)`);
		await q(`INSERT INTO public.${table}
			SELECT g * 10 + g % 7, 'name ' || g || CASE WHEN g % 13 = 0 THEN ' 😀' ELSE '' END, (ARRAY['Zürich', '東京', NULL, '', 'Kraków'])[1 + g % 5],
				CASE WHEN g % 11 = 0 THEN NULL ELSE (CASE WHEN g % 2 = 1 THEN '-' ELSE '' END || g * 7919 || '.' || lpad((g % 10000000000)::text, 10, '0'))::numeric END,
				CASE WHEN g = 1 THEN 9223372036854775807 ELSE g END, g % 3 = 0, '2020-01-01 00:00:00+00'::timestamptz + g * interval '1000003 microseconds',
				CASE WHEN g % 5 = 0 THEN NULL ELSE date '1950-01-01' + g % 20000 END,
				CASE WHEN g % 4 = 0 THEN NULL ELSE decode('00' || lpad(to_hex(g % 256), 2, '0') || '00', 'hex') END,
				CASE WHEN g % 6 = 0 THEN NULL ELSE jsonb_build_object('b', g % 3, 'a', jsonb_build_array(1, 'x')) END
			FROM generate_series(1, ${ROWS}) g`);
	});

/** FerretDB 1.x holds no Decimal128 and BSON dates hold milliseconds: the documents use what it stores. */
async function seedMongo(collection: string) {
	const client = createMongoClient(mongoSettings);
	try {
		const c = client.db(mongoSettings.database).collection<{ _id: Long }>(collection);
		await c.drop().catch(() => false);
		for (let start = 1; start <= MONGO_ROWS; start += 5000) {
			const docs = Array.from({ length: 5000 }, (_, i) => {
				const g = start + i;
				return {
					_id: Long.fromNumber(g * 10 + (g % 7)),
					name: `name ${g}${g % 13 === 0 ? ' 😀' : ''}`,
					city: ['Zürich', '東京', null, '', 'Kraków'][g % 5],
					visits: Long.fromNumber(g === 1 ? 2 ** 53 + 1 : g),
					active: g % 3 === 0,
					seen: new Date(Date.UTC(2020, 0, 1) + g * 1003),
					avatar: g % 4 === 0 ? null : new Binary(Buffer.from([0, g % 256, 0])),
					prefs: g % 6 === 0 ? null : { b: g % 3, a: [1, 'x'], nested: { deep: g % 2 === 0 } },
				};
			});
			await c.insertMany(docs);
		}
	} finally {
		await client.close();
	}
}

interface Case {
	slug: string;
	table: string;
	rows: number;
	rowsPerChunk: number;
	services: ServiceName[];
	seed(table: string): Promise<void>;
	source(): DatabaseConnector;
	destination(): DatabaseConnector;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	dropDestination(table: string): Promise<void>;
	renameDestination(table: string, from: string, to: string): Promise<void>;
}

const pg = { ...postgresSettings, schema: 'public' };
const cases: Case[] = [
	{
		slug: 'mysql-to-postgres',
		table: 'dm_wf_my_pg',
		rows: ROWS,
		rowsPerChunk: ROWS_PER_CHUNK,
		services: ['mariadb', 'postgres'],
		seed: seedMysql,
		source: () => createMysqlConnector(mysqlSettings),
		destination: () => createPostgresConnector(pg),
		credentials: { migrationMySqlApi: { ...mysqlSettings }, migrationPostgresApi: pg },
		dropDestination: (t) => withPostgres((q) => q(`DROP TABLE IF EXISTS public.${t}, public.${t}_away`)).then(() => undefined),
		renameDestination: (_t, from, to) => withPostgres((q) => q(`ALTER TABLE public.${from} RENAME TO ${to}`)).then(() => undefined),
	},
	{
		slug: 'postgres-to-mysql',
		table: 'dm_wf_pg_my',
		rows: ROWS,
		rowsPerChunk: ROWS_PER_CHUNK,
		services: ['postgres', 'mariadb'],
		seed: seedPostgres,
		source: () => createPostgresConnector(pg),
		destination: () => createMysqlConnector(mysqlSettings),
		credentials: { migrationPostgresApi: pg, migrationMySqlApi: { ...mysqlSettings } },
		dropDestination: (t) => withMysql((q) => q(`DROP TABLE IF EXISTS ${t}, ${t}_away`)).then(() => undefined),
		renameDestination: (_t, from, to) => withMysql((q) => q(`RENAME TABLE ${from} TO ${to}`)).then(() => undefined),
	},
	{
		slug: 'mongodb-to-postgres',
		table: 'dm_wf_mongo_pg',
		rows: MONGO_ROWS,
		rowsPerChunk: MONGO_ROWS_PER_CHUNK,
		services: ['ferretdb', 'postgres'],
		seed: seedMongo,
		source: () => createMongoConnector(mongoSettings),
		destination: () => createPostgresConnector(pg),
		credentials: { migrationMongoDbApi: { connectionString: mongoSettings.url, database: mongoSettings.database }, migrationPostgresApi: pg },
		dropDestination: (t) => withPostgres((q) => q(`DROP TABLE IF EXISTS public.${t}, public.${t}_away`)).then(() => undefined),
		renameDestination: (_t, from, to) => withPostgres((q) => q(`ALTER TABLE public.${from} RENAME TO ${to}`)).then(() => undefined),
	},
	{
		slug: 'postgres-to-postgres',
		table: 'dm_wf_pg_pg',
		rows: ROWS,
		rowsPerChunk: ROWS_PER_CHUNK,
		services: ['postgres'],
		seed: seedPostgres,
		source: () => createPostgresConnector(pg),
		// Same server, another schema: two PostgreSQL credentials, as a user would set them up.
		destination: () => createPostgresConnector({ ...postgresSettings, schema: TARGET_SCHEMA }),
		credentials: { migrationPostgresApi: pg },
		dropDestination: (t) => withPostgres((q) => q(`CREATE SCHEMA IF NOT EXISTS ${TARGET_SCHEMA}; DROP TABLE IF EXISTS ${TARGET_SCHEMA}.${t}, ${TARGET_SCHEMA}.${t}_away`)).then(() => undefined),
		renameDestination: (_t, from, to) => withPostgres((q) => q(`ALTER TABLE ${TARGET_SCHEMA}.${from} RENAME TO ${to}`)).then(() => undefined),
	},
];

/** Both sides read in full and compared value by value in canonical form. */
async function compareRowByRow(c: Case): Promise<{ missing: number; extra: number; different: string[] }> {
	const source = c.source();
	const destination = c.destination();
	try {
		const [schema] = await source.introspect([c.table]);
		const key = schema.primaryKey[0];
		const read = async (connector: DatabaseConnector) => {
			const rows = new Map<string, Row>();
			for await (const batch of connector.read(c.table, {}, { batchSize: 10_000 })) for (const r of batch) rows.set(String(r[key]), r);
			return rows;
		};
		const [a, b] = [await read(source), await read(destination)];
		const different: string[] = [];
		for (const [id, row] of a) {
			const other = b.get(id);
			if (!other) continue;
			for (const column of schema.columns) {
				if (canonicalText(row[column.name], column.logical) !== canonicalText(other[column.name], column.logical)) different.push(`${id}.${column.name}`);
			}
		}
		return { missing: [...a.keys()].filter((k) => !b.has(k)).length, extra: [...b.keys()].filter((k) => !a.has(k)).length, different: different.slice(0, 10) };
	} finally {
		await Promise.all([source.close(), destination.close()]);
	}
}

async function chunksDone(c: Case, migration: string): Promise<number> {
	const destination = c.destination();
	try {
		return (await destination.state.list('chunks')).filter((e) => e.key.startsWith(`${migration}/`)).length;
	} finally {
		await destination.close();
	}
}

afterAll(() => shutdownEngine());

describe.each(cases)('template $slug, executed by n8n\'s engine', (c) => {
	const CHUNKS = Math.floor(c.rows / c.rowsPerChunk) + 1;
	const main = template(c.slug);
	const worker = template(`${c.slug}-chunk-worker`);
	const run = `wf-${c.slug}-${Date.now()}`;
	// The PostgreSQL → PostgreSQL template's two credentials are both PostgreSQL: the destination one points at another schema.
	const withTarget = (json: WorkflowJson): WorkflowJson => {
		if (c.slug !== 'postgres-to-postgres') return json;
		const copy = structuredClone(json);
		for (const node of copy.nodes) if (node.credentials?.migrationPostgresApi?.name.startsWith('Destination')) node.credentials.migrationPostgresApi = { id: 'target', name: 'Destination PostgreSQL' };
		return copy;
	};
	const credentialsFor = () => c.credentials;
	const options = (extra: object = {}) => ({ credentials: credentialsFor(), workflows: [withTarget(worker)], credentialsById: { target: { ...postgresSettings, schema: TARGET_SCHEMA } }, ...extra });
	const settings = (migration: string) => {
		const workflow = withTarget(structuredClone(main));
		workflow.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({ migration, tables: [c.table], rowsPerChunk: c.rowsPerChunk, batchSize: 5000 });
		return workflow;
	};

	beforeAll(async () => {
		for (const service of c.services) await requireService(service);
		await c.seed(c.table);
		await c.dropDestination(c.table);
	});

	// The status and rollback templates name a PostgreSQL destination; a user switches them as here.
	const forDestination = (workflow: WorkflowJson, nodeName: string): WorkflowJson => {
		if (c.slug === 'postgres-to-mysql') {
			const target = workflow.nodes.find((n) => n.name === nodeName)!;
			target.parameters.system = 'mysql';
			target.credentials = { migrationMySqlApi: { id: 'dmDestinationmysql', name: 'Destination MySQL / MariaDB' } };
		}
		return withTarget(workflow);
	};

	it(`migrates ${c.rows} rows in chunks; the destination equals the source row by row; the worker saves no execution data`, async () => {
		const migration = `${run}-full`;
		// Live progress, polled from the destination while the run goes on.
		const seen: Progress[] = [];
		let polling = false;
		const poll = setInterval(() => {
			if (polling) return;
			polling = true;
			const destination = c.destination();
			void runProgress(destination, migration)
				.then((p) => seen.push(p), () => undefined)
				.finally(() => void destination.close().finally(() => (polling = false)));
		}, 50);
		const result = await runWorkflow(settings(migration), options()).finally(() => clearInterval(poll));
		expect(result.error).toBeUndefined();
		const midway = seen.filter((p) => p.state === 'running' && p.chunksDone > 0 && p.chunksDone < CHUNKS);
		expect(midway.length).toBeGreaterThan(0);
		expect(midway[0]).toMatchObject({ chunksTotal: CHUNKS, rowsTotal: c.rows, rowsPerSecond: expect.any(Number), etaSeconds: expect.any(Number) });
		expect(midway[0].rowsDone).toBeLessThan(c.rows);
		const chunks = result.output('Copy Chunk');
		expect(chunks.length).toBe(CHUNKS);
		expect(chunks.reduce((n, chunk) => n + Number(chunk.written), 0)).toBe(c.rows);
		expect(await compareRowByRow(c)).toEqual({ missing: 0, extra: 0, different: [] });
		const workerRuns = result.executions.filter((e) => e.workflowId === worker.id);
		expect(workerRuns).toHaveLength(CHUNKS);
		expect(workerRuns.every((e) => e.status === 'success' && e.data === undefined)).toBe(true);
		// Foreign keys go on once, after every chunk has loaded.
		const runData = result.run.data.resultData.runData;
		const copy = runData['Copy Chunk'][0];
		expect(runData['Add Foreign Keys'][0].startTime).toBeGreaterThanOrEqual(copy.startTime + copy.executionTime);
		// The city index (SQL sources) is built here, after the load; the key came with the table.
		const secondary = c.slug === 'mongodb-to-postgres' ? [] : [`${c.table}_city`];
		expect(result.output('Add Foreign Keys')).toEqual([{ table: c.table, foreignKeys: 0, added: 0, indexesAdded: secondary.length }]);
		const built = c.destination();
		try {
			expect((await built.introspect([c.table]))[0].indexes.map((i) => i.name)).toEqual(secondary);
		} finally {
			await built.close();
		}
		// Validate inside the template: every check passes on the Valid output, then old snapshots go.
		const checks = result.output('Verify Rows');
		expect(checks.map((check) => [check.check, check.pass])).toEqual([
			['columns', true],
			['count', true],
			['checksum', true],
			['sample', true],
			['referential', true],
			['rows', true],
		]);
		expect(result.output('Verify Rows', 1)).toEqual([]);
		expect(result.output('Discard Old Snapshots')).toHaveLength(1);

		// The report: the sections of a migration report, and the verdict.
		const [report] = result.output('Migration Report') as Array<IDataObject & { markdown: string }>;
		// The last node answers the Webhook (and a calling workflow) with that report.
		const [answer] = result.output('Answer with Report') as Array<IDataObject & { documents: Array<Record<string, string>> }>;
		expect(answer).toEqual({ ...report, documents: expect.any(Array) });
		// The run's documents ride along: mapping, transformations, the rollback procedure, the verification report.
		expect(answer.documents.map((d) => d.document)).toEqual(['mapping', 'transformation', 'rollback', 'verification']);
		const rollback = answer.documents.find((d) => d.document === 'rollback')!;
		expect(rollback.markdown).toContain(`| 1 | ${c.table} | did not exist | ${c.rows.toLocaleString('en-US')} rows | drop the table (the run created it) |`);
		expect(answer.documents.find((d) => d.document === 'verification')!.html).toContain('<strong>Ready for production cutover: YES</strong>');
		expect(result.run.data.resultData.runData['Run Documents'][0].data!.main[0]![2].binary!.html).toMatchObject({ mimeType: 'text/html', fileName: `rollback-${migration}.html` });
		expect(report).toMatchObject({ migration, status: 'SUCCESS', records: { planned: c.rows, migrated: c.rows, rejected: 0 }, cutover: { ready: true } });
		for (const section of ['# Migration Report: ', '## Summary', '**Date:**', '**Duration:**', '**Records:**', '**Size:**', '**Average speed:**', '**Status:** SUCCESS', '## Errors', '## Validation Results', '| ' + c.table + ' | rows | PASS |', '## Schema Mapping', '**Objects:** 1', '**Fields mapped:**', '**Transformations:** 0', '**Indexes created:**', '## Duration per Phase', '| Load Chunk |', '| Snapshot |', '**Ready for production cutover: YES**'])
			expect(report.markdown).toContain(section);
		const html = result.run.data.resultData.runData['Migration Report'][0].data!.main[0]![0].binary!.html;
		expect(html).toMatchObject({ mimeType: 'text/html', fileName: `migration-report-${migration}.html` });
		expect(Buffer.from(html.data, 'base64').toString()).toContain('<strong>Ready for production cutover: YES</strong>');

		// Every destination-side step of the run is in its audit log.
		const destination = c.destination();
		try {
			const steps = (await auditLog(destination, migration)).map((e) => e.step);
			expect(new Set(steps)).toEqual(new Set(['Snapshot', 'Create Tables', 'Load Chunk', 'Add Foreign Keys', 'Validate', 'Validation Verdict', 'Report', 'Discard Snapshots']));
			// The verdict of validation per table is logged, and every step here succeeded.
			expect((await auditLog(destination, migration)).filter((e) => e.outcome !== 'success')).toEqual([]);
			expect(steps.filter((s) => s === 'Load Chunk')).toHaveLength(CHUNKS);
		} finally {
			await destination.close();
		}

		// The status template, by its Webhook: done.
		const status = await runWorkflow(forDestination(template('migration-status'), 'Status'), { ...options(), startNode: 'Webhook', input: [{ query: { migration } }] });
		expect(status.output('Status')).toEqual([expect.objectContaining({ migration, state: 'done', chunksDone: CHUNKS, chunksTotal: CHUNKS, rowsDone: c.rows, rowsTotal: c.rows, rejectedRows: 0, failedSteps: 0 })]);
	});

	it('by Webhook, plan: true answers with a measured plan and its documents, dryRun: true with a validated sample; the real tables are never touched', async () => {
		await c.dropDestination(c.table);
		const hook = (body: object) =>
			runWorkflow(withTarget(structuredClone(main)), { ...options(), startNode: 'Webhook', input: [{ body: { tables: [c.table], rowsPerChunk: c.rowsPerChunk, sampleRows: 500, ...body } }] });
		const planned = await hook({ migration: `${run}-plan`, plan: true, withSync: true, changesPerHour: 3600 });
		expect(planned.error).toBeUndefined();
		const [plan] = planned.output('Answer with Plan') as Array<{ status: string; plan: MigrationPlan; documents: Array<Record<string, string>> }>;
		expect(plan.status).toBe('PLANNED');
		expect(plan.plan.order).toEqual([c.table]);
		expect(plan.plan.phases.map((p) => p.phase)).toEqual(['schema', 'initial load', 'incremental sync', 'validation', 'cutover', 'rollback window']);
		expect(plan.plan.phases.find((p) => p.phase === 'initial load')!.estimatedSeconds).toBeGreaterThan(0);
		expect(plan.plan.tables[0]).toMatchObject({ table: c.table, loadRowsPerSecond: expect.any(Number), existingRows: null });
		expect(plan.plan.sample).toMatchObject({ rowsPerTable: 500, pass: true });
		expect(plan.documents.map((d) => d.document)).toEqual(['assessment', 'mapping', 'transformation', 'dryRun', 'plan']);
		for (const d of plan.documents) expect(d.html).toMatch(/^<!doctype html>.*<h1>/s);
		const dry = await hook({ migration: `${run}-dry`, dryRun: true });
		expect(dry.error).toBeUndefined();
		const [answer] = dry.output('Answer Dry Run') as Array<{ status: string; dryRun: DryRunResult }>;
		expect(answer.status).toBe('DRY RUN PASSED');
		expect(answer.dryRun).toMatchObject({ pass: true, dropped: true, tables: [{ table: c.table, sampled: 500, written: 500, rejectedRows: 0, pass: true }] });
		for (const result of [planned, dry]) {
			const ran = Object.keys(result.run.data.resultData.runData);
			for (const step of ['Snapshot Destination', 'Create Tables', 'Copy Chunk']) expect(ran).not.toContain(step);
		}
		// Nothing left behind: no destination table, no scratch namespace.
		const destination = c.destination();
		try {
			expect((await destination.introspect()).map((t) => t.name)).not.toContain(c.table);
		} finally {
			await destination.close();
		}
		const left =
			c.slug === 'postgres-to-mysql'
				? await withMysql((q) => q(`SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'dm\\_dry\\_%'`))
				: await withPostgres((q) => q(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dm\\_dry\\_%'`));
		expect(left).toEqual([]);
	});

	// Both chunk paths of the worker: streamed in one step (the default), or every row an n8n item.
	const itPaths = c.slug === 'mysql-to-postgres' ? it : it.skip;
	itPaths('the chunk worker streams a chunk in Stream Chunk by default, and takes Read Chunk → Load Chunk with rowsAsItems', async () => {
		const saving = structuredClone(worker);
		saving.settings = { ...saving.settings, saveDataSuccessExecution: 'all' };
		for (const rowsAsItems of [false, true]) {
			await c.dropDestination(c.table);
			const migration = `${run}-path-${rowsAsItems}`;
			const workflow = settings(migration);
			const defaults = JSON.parse(String(workflow.nodes.find((n) => n.name === 'Settings')!.parameters.defaults));
			workflow.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({ ...defaults, rowsAsItems });
			const result = await runWorkflow(workflow, { ...options(), workflows: [saving] });
			expect(result.error).toBeUndefined();
			const ran = result.executions.filter((e) => e.workflowId === worker.id).map((e) => Object.keys(e.data!.data.resultData.runData).sort());
			expect(ran).toHaveLength(CHUNKS);
			const path = rowsAsItems ? ['Load Chunk', 'Read Chunk'] : ['Stream Chunk'];
			expect(new Set(ran.map((nodes) => nodes.filter((n) => path.includes(n) || ['Read Chunk', 'Load Chunk', 'Stream Chunk'].includes(n)).join()))).toEqual(new Set([path.join()]));
			expect(result.output('Verify Rows').every((check) => check.pass)).toBe(true);
			expect(await compareRowByRow(c)).toEqual({ missing: 0, extra: 0, different: [] });
		}
	});

	it('failing midway and rerun: 0 lost, 0 duplicated, finished chunks skipped', async () => {
		// The destination table disappears while chunks load (a crash as the workers see it); the e2e tier kills a real n8n process.
		await c.dropDestination(c.table);
		const migration = `${run}-crash`;
		// One check at a time; the rename happens once, and its failure fails the test.
		let phase: 'watching' | 'checking' | 'broken' = 'watching';
		let renameError: unknown;
		const watcher = setInterval(() => {
			if (phase !== 'watching') return;
			phase = 'checking';
			void chunksDone(c, migration).then(
				async (done) => {
					if (done < 3) return void (phase = 'watching');
					phase = 'broken';
					await c.renameDestination(c.table, c.table, `${c.table}_away`).catch((error: unknown) => (renameError = error));
				},
				() => (phase = 'watching'),
			);
		}, 20);
		// A crash leaves no one to roll back: the run just stops (the template's rollback on a failed chunk is tested below).
		const crashing = settings(migration);
		crashing.nodes.find((n) => n.name === 'Copy Chunk')!.onError = 'stopWorkflow';
		const failed = await runWorkflow(crashing, options());
		clearInterval(watcher);
		expect(renameError).toBeUndefined();
		expect(failed.run.status).toBe('error');
		expect(JSON.stringify(failed.run.data.resultData.error)).toContain(c.table);
		const done = await chunksDone(c, migration);
		expect(done).toBeGreaterThanOrEqual(3);
		expect(done).toBeLessThan(CHUNKS);

		await c.renameDestination(c.table, `${c.table}_away`, c.table);
		const rerun = await runWorkflow(settings(migration), options());
		expect(rerun.error).toBeUndefined();
		expect(rerun.output('Copy Chunk')).toHaveLength(CHUNKS - done);
		expect(await compareRowByRow(c)).toEqual({ missing: 0, extra: 0, different: [] });
	});

	// Native SQL and the checksum of the destination table, for the rollback tests.
	const mysqlDestination = c.slug === 'postgres-to-mysql';
	const onDestination = (sql: string) => (mysqlDestination ? withMysql((q) => q(sql)) : withPostgres((q) => q(sql)));
	const qualified = mysqlDestination ? c.table : `public.${c.table}`;
	const checksum = async () => {
		const destination = c.destination();
		try {
			return await destination.checksum(c.table);
		} finally {
			await destination.close();
		}
	};

	// A PostgreSQL and a MySQL destination: the rollback path is the same node on every template.
	const itRollback = ['mysql-to-postgres', 'postgres-to-mysql'].includes(c.slug) ? it : it.skip;

	itRollback('a chunk failing for good rolls a pre-populated destination back to its snapshot exactly; a manual rollback repeats it', async () => {
		const failingRow = 16_000;
		const failingKey = failingRow * 10 + (failingRow % 7);
		const failingChunk = Math.floor((failingRow - 1) / c.rowsPerChunk) + 1;
		// The destination holds its own data: rows missing, rows changed (and not the key that will fail).
		await c.dropDestination(c.table);
		expect((await runWorkflow(settings(`${run}-before-rollback`), options())).error).toBeUndefined();
		await onDestination(`DELETE FROM ${qualified} WHERE MOD(id, 97) = 0 OR id = ${failingKey}`);
		await onDestination(`UPDATE ${qualified} SET name = 'pre-existing' WHERE MOD(id, 89) = 0`);
		const before = await checksum();
		if (mysqlDestination)
			await onDestination(`CREATE TRIGGER ${c.table}_fail BEFORE INSERT ON ${c.table} FOR EACH ROW BEGIN IF NEW.id = ${failingKey} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF; END`);
		else {
			await onDestination(`CREATE OR REPLACE FUNCTION public.dm_injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
			await onDestination(`CREATE TRIGGER ${c.table}_fail BEFORE INSERT ON ${qualified} FOR EACH ROW WHEN (NEW.id = ${failingKey}) EXECUTE FUNCTION public.dm_injected_failure()`);
		}
		try {
			const migration = `${run}-rollback`;
			const failed = await runWorkflow(settings(migration), options());
			expect(failed.run.status).toBe('error');
			expect(String(failed.run.data.resultData.error?.message)).toMatch(new RegExp(`Migration ${migration} failed \\(1 chunk\\(s\\); first: ${c.table} chunk ${failingChunk}: .*injected failure.*\\) and was rolled back: ${c.table} restored`));
			const [report] = failed.output('Rollback Report');
			expect(report).toMatchObject({ status: 'ROLLED BACK', rolledBack: [{ table: c.table, action: 'restored', verified: true }] });
			expect(await checksum()).toEqual(before);
			expect(await chunksDone(c, migration)).toBe(0);

			// Restoring the same run again, from the manual template, changes nothing and proves it.
			const manual = template('rollback');
			manual.nodes.find((n) => n.name === 'Settings')!.parameters.jsonOutput = JSON.stringify({ migration });
			const again = await runWorkflow(forDestination(manual, 'Restore Destination'), options());
			expect(again.error).toBeUndefined();
			expect(again.output('Rollback Report')).toEqual([{ migration, status: 'ROLLED BACK', rolledBack: [{ run: migration, table: c.table, action: 'restored', rows: before.rows, verified: true }] }]);
			expect(await checksum()).toEqual(before);
		} finally {
			await onDestination(mysqlDestination ? `DROP TRIGGER IF EXISTS ${c.table}_fail` : `DROP TRIGGER IF EXISTS ${c.table}_fail ON ${qualified}`);
		}
	});

	itRollback('a migration whose validation fails is rolled back to the snapshot exactly', async () => {
		const alteredKey = 21_000 * 10 + (21_000 % 7);
		await c.dropDestination(c.table);
		expect((await runWorkflow(settings(`${run}-before-validation`), options())).error).toBeUndefined();
		await onDestination(`DELETE FROM ${qualified} WHERE MOD(id, 101) = 0 OR id = ${alteredKey}`);
		const before = await checksum();
		// The destination silently alters one value as it arrives: only validation can tell.
		if (mysqlDestination)
			await onDestination(`CREATE TRIGGER ${c.table}_alter BEFORE INSERT ON ${c.table} FOR EACH ROW BEGIN IF NEW.id = ${alteredKey} THEN SET NEW.name = 'silently altered'; END IF; END`);
		else {
			await onDestination(`CREATE OR REPLACE FUNCTION public.dm_injected_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := 'silently altered'; RETURN NEW; END $$`);
			await onDestination(`CREATE TRIGGER ${c.table}_alter BEFORE INSERT ON ${qualified} FOR EACH ROW WHEN (NEW.id = ${alteredKey}) EXECUTE FUNCTION public.dm_injected_change()`);
		}
		try {
			const migration = `${run}-invalid`;
			const failed = await runWorkflow(settings(migration), options());
			expect(failed.run.status).toBe('error');
			expect(String(failed.run.data.resultData.error?.message)).toMatch(new RegExp(`Migration ${migration} failed validation \\(.*${c.table} rows.*\\) and was rolled back: ${c.table} restored`));
			const [report] = failed.output('Validation Rollback Report') as Array<{ failedChecks: Array<{ check: string; details: { changed?: unknown[] } }> }>;
			expect(report.failedChecks.find((check) => check.check === 'rows')!.details.changed).toEqual([
				expect.objectContaining({ key: [String(alteredKey)], column: 'name', destination: 'silently altered' }),
			]);
			expect(await checksum()).toEqual(before);
		} finally {
			await onDestination(mysqlDestination ? `DROP TRIGGER IF EXISTS ${c.table}_alter` : `DROP TRIGGER IF EXISTS ${c.table}_alter ON ${qualified}`);
		}
	});

	// One template is enough for these: all share the Settings node and the Batch Load reject path.
	const itOnce = c.slug === 'mysql-to-postgres' ? it : it.skip;

	itOnce('a dry run that meets a value the destination cannot hold answers 422 naming it, and still leaves nothing behind', async () => {
		const table = 'dm_wf_dry_nul';
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${table}`);
			await q(`CREATE TABLE ${table} (id INT PRIMARY KEY, note TEXT)`);
			await q(`INSERT INTO ${table} VALUES (1, 'fine'), (2, CONCAT('a', CHAR(0), 'b')), (3, 'fine too')`);
		});
		await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${table}`));
		const result = await runWorkflow(withTarget(structuredClone(main)), {
			...options(),
			startNode: 'Webhook',
			input: [{ body: { migration: `${run}-dry-nul`, tables: [table], dryRun: true } }],
		});
		expect(result.error).toBeUndefined();
		const [answer] = result.output('Answer Dry Run') as Array<{ status: string; dryRun: DryRunResult; documents: Array<{ markdown: string }> }>;
		expect(answer.status).toBe('DRY RUN FAILED');
		expect(answer.dryRun.tables[0]).toMatchObject({ sampled: 3, written: 2, rejectedRows: 1, pass: false, rejected: [{ key: [2], column: 'note' }] });
		expect(answer.documents[0].markdown).toContain('- Rejected [2] note = ');
		// Answered 422: the Respond Dry Run node's code for a sample that would not cross as it is.
		expect(result.run.data.resultData.runData['Respond Dry Run']).toHaveLength(1);
		const responded = main.nodes.find((n) => n.name === 'Respond Dry Run')!.parameters as { options: { responseCode: string } };
		expect(responded.options.responseCode).toBe("={{ $('Dry Run').first().json.pass ? 200 : 422 }}");
		expect(await withPostgres((q) => q(`SELECT to_regclass('public.${table}') AS t`))).toEqual([{ t: null }]);
		expect(await withPostgres((q) => q(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dm\\_dry\\_%'`))).toEqual([]);
	});

	itOnce('takes its settings from a Webhook POST body', async () => {
		const migration = `${run}-hook`;
		const result = await runWorkflow(withTarget(structuredClone(main)), {
			...options(),
			startNode: 'Webhook',
			input: [{ body: { migration, tables: [c.table], rowsPerChunk: 12_000 } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.output('Plan Chunks').map((chunk) => chunk.migration)).toEqual([migration, migration, migration]);
		expect(await chunksDone(c, migration)).toBe(3);
	});

	itOnce('rejects values an existing destination table cannot hold, keeps them with the checkpoint, and loads the rest', async () => {
		const table = 'dm_wf_reject';
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${table}`);
			await q(`CREATE TABLE ${table} (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(12,4) NULL)`);
			await q(`INSERT INTO ${table} SELECT seq, IF(seq % 100 = 0, REPEAT('long ', 5), CONCAT('n', seq)), IF(seq % 250 = 0, 12345.6789, seq) FROM seq_1_to_1000`);
		});
		// The destination already exists with narrower columns: Create Tables keeps it.
		await withPostgres(async (q) => {
			await q(`DROP TABLE IF EXISTS public.${table}`);
			await q(`CREATE TABLE public.${table} (id bigint PRIMARY KEY, name varchar(12) NOT NULL, amount numeric(12,2))`);
		});
		const migration = `${run}-reject`;
		const workflow = withTarget(structuredClone(main));
		workflow.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({ migration, tables: [table], rowsPerChunk: 400, onValidationFailure: 'keep' });
		const result = await runWorkflow(workflow, options());
		// Asked to keep the data, the run keeps it, answers, reports, and ends failed: never a plain success.
		expect(result.error?.message).toMatch(/failed validation .*the data is kept/);
		expect((result.output('Report, Data Kept')[0] as { markdown: string }).markdown).toContain('## Rejected Values');
		// Validation names what did not arrive.
		const [kept] = result.output('Validation Failed, Data Kept');
		expect(kept.failedChecks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'count', details: { source: 1000, destination: 988, difference: -12 } })]));
		const destination = c.destination();
		try {
			const entries = (await destination.state.list<{ rejectedCount: number; rejected: Array<{ key: string[]; column: string; reason: string }> }>('chunks')).filter((e) =>
				e.key.startsWith(`${migration}/`),
			);
			const rejected = entries.flatMap((e) => e.value.rejected);
			// 10 names of 25 characters; amounts with 4 places at 250, 500, 750 and 1000: every bad value listed, 12 rows refused.
			expect(rejected).toHaveLength(14);
			expect(entries.reduce((n, e) => n + e.value.rejectedCount, 0)).toBe(12);
			expect(rejected).toContainEqual(expect.objectContaining({ key: ['100'], column: 'name', reason: '25 characters do not fit in 12' }));
			expect(rejected).toContainEqual(expect.objectContaining({ key: ['250'], column: 'amount', reason: expect.stringContaining('4 decimal places; the column keeps 2') }));
			expect(await destination.count(table)).toBe(1000 - 12);
		} finally {
			await destination.close();
		}
	});
});

describe('template mongodb-to-postgres with MongoDB\'s own ObjectId keys', () => {
	const ids: string[] = [];
	beforeAll(async () => {
		await requireService('ferretdb');
		const client = createMongoClient(mongoSettings);
		try {
			const collection = client.db(mongoSettings.database).collection('dm_wf_oid');
			await collection.drop().catch(() => false);
			const inserted = await collection.insertMany(Array.from({ length: 2000 }, (_, i) => ({ name: `n${i}`, tags: ['a', i], sub: { x: i, ok: i % 2 === 0 } })));
			ids.push(...Object.values(inserted.insertedIds).map((id) => id.toHexString()));
		} finally {
			await client.close();
		}
	});

	it('keys rows by the ObjectId hex, keeps arrays and subdocuments as JSON', async () => {
		await withPostgres((q) => q('DROP TABLE IF EXISTS public.dm_wf_oid'));
		const main = template('mongodb-to-postgres');
		main.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({ migration: `oid-${Date.now()}`, tables: ['dm_wf_oid'], rowsPerChunk: 700 });
		const result = await runWorkflow(main, {
			credentials: { migrationMongoDbApi: { connectionString: mongoSettings.url, database: mongoSettings.database }, migrationPostgresApi: { ...postgresSettings, schema: 'public' } },
			workflows: [template('mongodb-to-postgres-chunk-worker')],
		});
		expect(result.error).toBeUndefined();
		const rows = await withPostgres((q) => q('SELECT _id, name, tags, sub FROM public.dm_wf_oid ORDER BY name'));
		expect(rows).toHaveLength(2000);
		expect(new Set(rows.map((r) => r._id))).toEqual(new Set(ids));
		expect(rows.find((r) => r.name === 'n7')).toMatchObject({ tags: ['a', 7], sub: { x: 7, ok: false } });
	});

	it('flattens subdocuments into columns when the run\'s settings say so', async () => {
		await withPostgres((q) => q('DROP TABLE IF EXISTS public.dm_wf_oid'));
		const main = template('mongodb-to-postgres');
		const worker = template('mongodb-to-postgres-chunk-worker');
		// One setting: Map designs the leaf columns, Plan Chunks carries the shape, Stream Chunk flattens as it copies.
		main.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({ migration: `flat-${Date.now()}`, tables: ['dm_wf_oid'], rowsPerChunk: 700, flatten: true, separator: '_' });
		const result = await runWorkflow(main, {
			credentials: { migrationMongoDbApi: { connectionString: mongoSettings.url, database: mongoSettings.database }, migrationPostgresApi: { ...postgresSettings, schema: 'public' } },
			workflows: [worker],
		});
		expect(result.error).toBeUndefined();
		const rows = await withPostgres((q) => q('SELECT name, tags, sub_x, sub_ok, pg_typeof(sub_x)::text AS x_type FROM public.dm_wf_oid ORDER BY name'));
		expect(rows).toHaveLength(2000);
		expect(rows.find((r) => r.name === 'n7')).toEqual({ name: 'n7', tags: ['a', 7], sub_x: '7', sub_ok: false, x_type: 'bigint' });
	});
});


describe('template mongodb-to-postgres with arrays as child tables', () => {
	const DOCS = 3000;
	const tagsOf = (i: number) => (i % 10 === 0 ? [] : i % 10 === 1 ? null : i % 10 === 2 ? undefined : [`t${i}`, i % 3 === 0 ? 'ü😀' : 'x']);
	const itemsOf = (i: number) => (i % 7 === 0 ? [] : Array.from({ length: 1 + (i % 3) }, (_, k) => ({ sku: `s${i}-${k}`, qty: k, price: k + 0.25, meta: { color: k % 2 ? 'red' : null } })));
	// Beyond the 1,000 documents Map samples: an element leaf it never saw, and a number among text elements.
	const UNSEEN_LEAF = 2500;
	const MIXED_TAGS = 2600;
	const credentials = { migrationMongoDbApi: { connectionString: mongoSettings.url, database: mongoSettings.database }, migrationPostgresApi: { ...postgresSettings, schema: 'public' } };
	const withChildTables = (migration: string) => {
		const main = template('mongodb-to-postgres');
		const worker = template('mongodb-to-postgres-chunk-worker');
		main.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({ migration, tables: ['dm_wf_child'], rowsPerChunk: 1000, onValidationFailure: 'keep', arrays: 'childTables' });
		return { main, worker };
	};

	beforeAll(async () => {
		await requireService('ferretdb');
		const client = createMongoClient(mongoSettings);
		try {
			const collection = client.db(mongoSettings.database).collection('dm_wf_child');
			await collection.drop().catch(() => false);
			await collection.insertMany(
				Array.from({ length: DOCS }, (_, i) => {
					const doc: Record<string, unknown> = { _id: i, name: `n${i}`, items: itemsOf(i) };
					if (tagsOf(i) !== undefined) doc.tags = tagsOf(i);
					if (i === UNSEEN_LEAF) doc.items = [{ sku: 'odd', qty: 1, price: 1.5, meta: { color: 'x' }, gift: true }];
					if (i === MIXED_TAGS) doc.tags = ['a', 5];
					return doc;
				}),
			);
		} finally {
			await client.close();
		}
		await withPostgres((q) => q('DROP TABLE IF EXISTS public.dm_wf_child_items, public.dm_wf_child_tags, public.dm_wf_child'));
	});

	it('writes one row per element keyed by parent and position, rejects whole documents that do not fit, and a rerun rewrites nothing twice', async () => {
		const migration = `child-${Date.now()}`;
		const { main, worker } = withChildTables(migration);
		const result = await runWorkflow(main, { credentials, workflows: [worker] });
		// Two documents are refused: validation fails, the data is kept as asked, the execution ends failed.
		expect(result.error?.message).toMatch(/failed validation/);
		// Two child tables' foreign keys go on after the load.
		expect(result.output('Add Foreign Keys')).toEqual([{ table: 'dm_wf_child', foreignKeys: 0, added: 2, indexesAdded: 0 }]);

		const loaded = (i: number) => i !== UNSEEN_LEAF && i !== MIXED_TAGS;
		const expectedItems = Array.from({ length: DOCS }, (_, i) => i).filter(loaded).reduce((n, i) => n + itemsOf(i).length, 0);
		const expectedTags = Array.from({ length: DOCS }, (_, i) => i).filter(loaded).reduce((n, i) => n + (tagsOf(i)?.length ?? 0), 0);
		const counts = async () =>
			(await withPostgres((q) => q(`SELECT (SELECT count(*) FROM public.dm_wf_child)::int AS parents, (SELECT count(*) FROM public.dm_wf_child_items)::int AS items, (SELECT count(*) FROM public.dm_wf_child_tags)::int AS tags`)))[0];
		expect(await counts()).toEqual({ parents: DOCS - 2, items: expectedItems, tags: expectedTags });
		// Validate compares the columns both sides have; the two rejected documents are named, the data kept as asked.
		const [kept] = result.output('Validation Failed, Data Kept');
		expect(kept.failedChecks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'count', details: { source: DOCS, destination: DOCS - 2, difference: -2 } })]));

		// Every document rebuilt from its child rows equals the source, [] and null kept apart by the count.
		const parents = await withPostgres((q) => q('SELECT _id, name, tags_count, items_count FROM public.dm_wf_child'));
		const items = await withPostgres((q) => q('SELECT parent__id, position, sku, qty, price, meta_color FROM public.dm_wf_child_items ORDER BY parent__id, position'));
		const tags = await withPostgres((q) => q('SELECT parent__id, position, value FROM public.dm_wf_child_tags ORDER BY parent__id, position'));
		const group = (rows: Array<Record<string, unknown>>) => rows.reduce((m, r) => m.set(String(r.parent__id), [...(m.get(String(r.parent__id)) ?? []), r]), new Map<string, Array<Record<string, unknown>>>());
		const [itemsBy, tagsBy] = [group(items), group(tags)];
		const wrong: string[] = [];
		for (const p of parents) {
			const i = Number(p._id);
			const rebuiltItems = (itemsBy.get(String(p._id)) ?? []).map((r) => ({ sku: r.sku, qty: Number(r.qty), price: r.price, meta: { color: r.meta_color } }));
			const rebuiltTags = p.tags_count === null ? (tagsOf(i) === undefined ? undefined : null) : (tagsBy.get(String(p._id)) ?? []).map((r) => r.value);
			if (JSON.stringify(rebuiltItems) !== JSON.stringify(itemsOf(i)) || p.items_count !== itemsOf(i).length) wrong.push(`${i}.items`);
			if (JSON.stringify(rebuiltTags) !== JSON.stringify(tagsOf(i)) || p.name !== `n${i}`) wrong.push(`${i}.tags`);
		}
		expect(wrong.slice(0, 5)).toEqual([]);

		// The worker keeps no execution data: the rejects are in the chunk checkpoints.
		const destination = createPostgresConnector({ ...postgresSettings, schema: 'public' });
		try {
			const checkpoints = (await destination.state.list<{ rejected: Array<{ key: unknown[]; column: string; reason: string }> }>('chunks')).filter((e) => e.key.startsWith(`${migration}/`));
			const rejects = checkpoints.flatMap((e) => e.value.rejected);
			expect(rejects.map((r) => [r.key.map(String), r.column])).toEqual(
				expect.arrayContaining([
					[[String(UNSEEN_LEAF)], 'items[0].gift'],
					[[String(MIXED_TAGS)], 'dm_wf_child_tags.value'],
				]),
			);
			expect(rejects).toHaveLength(2);
		} finally {
			await destination.close();
		}

		// A second run under a new name upserts the same rows: nothing lost, nothing doubled.
		const again = withChildTables(`${migration}-again`);
		// (The two refused documents fail its validation again.)
		expect((await runWorkflow(again.main, { credentials, workflows: [again.worker] })).error?.message).toMatch(/failed validation/);
		expect(await counts()).toEqual({ parents: DOCS - 2, items: expectedItems, tags: expectedTags });
	});
});
