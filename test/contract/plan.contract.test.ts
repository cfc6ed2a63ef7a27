import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { designMappings } from '../../core/mapping/apply';
import { assessTables } from '../../core/mapping/assess';
import { dryRun } from '../../core/plan/dry-run';
import { buildPlan } from '../../core/plan/plan';
import { scratchName, type DatabaseConnector } from '../../core/ports';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

/**
 * The dry run and the plan on real servers: sample rows through the run's own path into a scratch
 * namespace of the destination, validated, then dropped; the real tables never written; the plan's
 * order from the foreign keys, its chunks, its measured phases and its risks.
 */
const DESIGN = { overrides: {}, prefix: '', flatten: false, childTables: false, separator: '_' };
const PG_SCHEMA = 'dm_plan_src';
const MIGRATION = 'Plan-Contract.1';

type Query = (sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>;

async function mysqlSource(q: Query) {
	// The tables reference each other in a cycle: dropped with the checks off, on this one connection.
	await q('SET FOREIGN_KEY_CHECKS = 0');
	for (const t of ['dm_plan_order_lines', 'dm_plan_orders', 'dm_plan_customers', 'dm_plan_nokey'])
		await q(`DROP TABLE IF EXISTS ${t}`);
	await q('SET FOREIGN_KEY_CHECKS = 1');
	await q(
		`CREATE TABLE dm_plan_customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, best_order BIGINT NULL, note TEXT)`,
	);
	await q(
		`CREATE TABLE dm_plan_orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(12,2), placed DATETIME(6),
		 FOREIGN KEY (customer_id) REFERENCES dm_plan_customers(id))`,
	);
	// A cycle: customers.best_order → orders, orders.customer_id → customers.
	await q(`ALTER TABLE dm_plan_customers ADD FOREIGN KEY (best_order) REFERENCES dm_plan_orders(id)`);
	await q(
		`CREATE TABLE dm_plan_order_lines (order_id BIGINT, line INT, sku VARCHAR(20), PRIMARY KEY (order_id, line),
		 FOREIGN KEY (order_id) REFERENCES dm_plan_orders(id))`,
	);
	await q(`CREATE TABLE dm_plan_nokey (a INT, b INT)`);
	const customers = Array.from({ length: 300 }, (_, i) => [
		i + 1,
		`c${i + 1}`,
		null,
		i === 7 ? 'nul\u0000inside' : 'ok',
	]);
	await q(`INSERT INTO dm_plan_customers VALUES ?`, [customers]);
	const orders = Array.from({ length: 2500 }, (_, i) => [
		i + 1,
		(i % 300) + 1,
		`${i}.25`,
		'2024-02-29 12:34:56.123456',
	]);
	await q(`INSERT INTO dm_plan_orders VALUES ?`, [orders]);
	await q(`INSERT INTO dm_plan_order_lines VALUES ?`, [
		Array.from({ length: 900 }, (_, i) => [(i % 2500) + 1, i, `s${i}`]),
	]);
}

async function scratchLeft(system: 'postgres' | 'mysql'): Promise<string[]> {
	if (system === 'postgres')
		return withPostgres(async (q) =>
			(await q(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dm\\_dry\\_%'`)).map((r) => String(r.nspname)),
		);
	return withMysql(async (q) =>
		(await q(`SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE 'dm\\_dry\\_%'`)).map(
			(r) => String(r.name),
		),
	);
}

describe('dry run and migration plan', () => {
	let source: DatabaseConnector;
	let pg: DatabaseConnector;
	const TABLES = ['dm_plan_customers', 'dm_plan_orders', 'dm_plan_order_lines'];

	beforeAll(async () => {
		await requireService('postgres');
		await requireService('mariadb');
		await withMysql(mysqlSource);
		await withPostgres(async (q) => {
			await q(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
			await q(`CREATE SCHEMA ${PG_SCHEMA}`);
			// A real destination table with rows of its own: the dry run must leave it exactly so.
			await q(
				`CREATE TABLE ${PG_SCHEMA}.dm_plan_orders (id bigint PRIMARY KEY, customer_id int, total numeric(12,2), placed timestamp(6))`,
			);
			await q(`INSERT INTO ${PG_SCHEMA}.dm_plan_orders VALUES (1, 99, 1.00, '2020-01-01'), (7, 98, 2.00, NULL)`);
		});
		source = createMysqlConnector(mysqlSettings);
		pg = createPostgresConnector({ ...postgresSettings, schema: PG_SCHEMA });
	});

	afterAll(async () => {
		await source?.close();
		await pg?.close();
	});

	const realOrders = () =>
		withPostgres(async (q) =>
			(await q(`SELECT * FROM ${PG_SCHEMA}.dm_plan_orders ORDER BY id`)).map((r) => ({ ...r })),
		);

	it('MySQL → PostgreSQL: samples every table through the real path, reports the NUL it would reject, leaves nothing behind', async () => {
		const before = await realOrders();
		const mappings = await designMappings(source, TABLES, DESIGN);
		const result = await dryRun(source, pg as never, mappings, {
			migration: MIGRATION,
			sampleRows: 100,
			batchSize: 40,
		});
		const byTable = Object.fromEntries(result.tables.map((t) => [t.table, t]));
		// Referenced tables first; the cycle broken at the table with fewer unmet references.
		expect(result.order.indexOf('dm_plan_orders')).toBeLessThan(result.order.indexOf('dm_plan_order_lines'));
		expect(byTable.dm_plan_orders).toMatchObject({ sampled: 100, written: 100, rejectedRows: 0, pass: true });
		expect(byTable.dm_plan_orders.checks.map((c) => [c.check, c.pass])).toEqual(
			expect.arrayContaining([
				['count', true],
				['checksum', true],
				['sample', true],
			]),
		);
		expect(byTable.dm_plan_order_lines).toMatchObject({ sampled: 100, written: 100, pass: true });
		// PostgreSQL text cannot hold U+0000: customer 8 is refused, named, and the sample fails on it.
		expect(byTable.dm_plan_customers).toMatchObject({ sampled: 100, written: 99, rejectedRows: 1, pass: false });
		expect(byTable.dm_plan_customers.rejected[0]).toMatchObject({ column: 'note', key: [8] });
		expect(result.pass).toBe(false);
		expect(result).toMatchObject({ dropped: true, scratch: scratchName(MIGRATION) });
		expect(byTable.dm_plan_orders.seconds.load).toBeGreaterThan(0);
		expect(await scratchLeft('postgres')).toEqual([]);
		expect(await realOrders()).toEqual(before);
		expect((await pg.introspect()).map((t) => t.name).sort()).toEqual(['dm_plan_orders']);
	});

	it("PostgreSQL → MySQL: a scratch database, dropped; a killed run's leftover goes first", async () => {
		const mysql = createMysqlConnector(mysqlSettings);
		const name = scratchName('pg-to-mysql');
		try {
			await withMysql((q) => q(`CREATE DATABASE IF NOT EXISTS \`${name}\``));
			await withMysql((q) => q(`CREATE TABLE \`${name}\`.leftover (id int primary key)`));
			const pgSource = createPostgresConnector({ ...postgresSettings, schema: PG_SCHEMA });
			try {
				const mappings = await designMappings(pgSource, ['dm_plan_orders'], DESIGN);
				const result = await dryRun(pgSource, mysql as never, mappings, {
					migration: 'pg-to-mysql',
					sampleRows: 10,
					batchSize: 10,
				});
				expect(result.tables[0]).toMatchObject({ sampled: 2, written: 2, rejectedRows: 0, pass: true });
			} finally {
				await pgSource.close();
			}
			expect(await scratchLeft('mysql')).toEqual([]);
		} finally {
			await mysql.close();
		}
	});

	it('drops the scratch namespace when a table fails, and says why', async () => {
		const mappings = await designMappings(source, ['dm_plan_orders'], DESIGN);
		// A type the destination refuses to create: the DDL fails inside the scratch namespace.
		mappings[0].target.columns[1] = { ...mappings[0].target.columns[1], logical: 'decimal', precision: 2000, scale: 0 };
		const result = await dryRun(source, pg as never, mappings, { migration: MIGRATION, sampleRows: 10, batchSize: 10 });
		expect(result.tables[0].pass).toBe(false);
		expect(result.tables[0].error).toMatch(/precision|numeric/i);
		expect(await scratchLeft('postgres')).toEqual([]);
	});

	it('plans phases from the measured sample: load order, chunks, estimates, risks', async () => {
		const mappings = await designMappings(source, TABLES, DESIGN);
		const assessment = await assessTables(source, [...TABLES, 'dm_plan_nokey'], { exactCounts: true });
		const sample = await dryRun(source, pg as never, mappings, {
			migration: MIGRATION,
			sampleRows: 200,
			batchSize: 100,
		});
		const plan = buildPlan(
			assessment,
			mappings,
			sample,
			{ dm_plan_orders: 2 },
			{
				migration: MIGRATION,
				sourceSystem: 'mysql',
				destinationSystem: 'postgres',
				rowsPerChunk: 1000,
				batchSize: 100,
				keepSnapshotDays: 7,
				withSync: true,
				changesPerHour: 36000,
			},
		);
		expect(plan.phases.map((p) => p.phase)).toEqual([
			'schema',
			'initial load',
			'incremental sync',
			'validation',
			'cutover',
			'rollback window',
		]);
		const orders = plan.tables.find((t) => t.table === 'dm_plan_orders')!;
		expect(orders).toMatchObject({ rows: 2500, rowsExact: true, chunks: 3, existingRows: 2 });
		// Scaled from the sample: 200 rows measured, 2,500 planned.
		const measured = sample.tables.find((t) => t.table === 'dm_plan_orders')!;
		expect(orders.estimatedSeconds.load).toBeCloseTo(
			((measured.seconds.load + measured.seconds.indexes) / 200) * 2500,
			0,
		);
		for (const phase of plan.phases) expect(phase.estimatedSeconds).toBeGreaterThanOrEqual(0);
		expect(plan.phases.find((p) => p.phase === 'initial load')!.estimatedSeconds).toBeGreaterThan(0);
		expect(plan.deferredForeignKeys.length).toBeGreaterThan(0);
		expect(plan.order.indexOf('dm_plan_orders')).toBeLessThan(plan.order.indexOf('dm_plan_order_lines'));
		const risks = plan.risks.map((r) => `${r.severity} ${r.table}: ${r.risk}`);
		expect(risks).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^warning dm_plan_customers: 1 of 200 sampled rows would be rejected \(note = /),
				expect.stringMatching(/^warning dm_plan_orders: exists on the destination with 2 rows/),
			]),
		);
		// dm_plan_nokey was asked for but cannot be mapped: a blocker of the plan, said once.
		expect(risks.filter((r) => r.includes('dm_plan_nokey'))).toEqual([
			'blocker dm_plan_nokey: no primary key: cannot be read in keyset chunks or upserted idempotently',
		]);
		expect(await scratchLeft('postgres')).toEqual([]);
	});
});
