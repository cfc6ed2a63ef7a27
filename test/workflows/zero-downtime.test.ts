import type { IDataObject } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, type Pool } from 'mysql2/promise';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { canonicalText } from '../../core/model/canonical';
import type { DatabaseConnector } from '../../core/ports';
import type { Row } from '../../core/model/schema';
import { type SyncState } from '../../core/sync/sync';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { tcpProxy } from '../helpers/tcp-proxy';
import { allowDualWrites } from '../helpers/templates';
import { withMysql, withPostgres } from '../helpers/native';
import { mongoSettings, mysqlSettings, postgresSettings, requireService } from '../helpers/services';
import { createMongoClient } from '../../connectors/mongodb/mongodb-client';
import { ObjectId } from 'mongodb';
import { compareTables, ZERO_DOWNTIME_PAIRS } from '../helpers/zero-downtime-pairs';
import { REPLAY_NAMESPACE, WATERMARK_NAMESPACE } from '../../core/state/namespaces';

/**
 * The zero-downtime templates run by n8n's engine against MariaDB → PostgreSQL while a writer keeps
 * inserting, updating (hundreds of rows to one timestamp at a time) and deleting on the source.
 */
const TABLE = 'dm_zd_orders';
const SEED = 20_000;
const SYNC = 'zd-test';
const pg = { ...postgresSettings, schema: 'public' };
const template = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8')) as WorkflowJson;
const main = template('zero-downtime-mysql-to-postgres');
const worker = template('zero-downtime-mysql-to-postgres-sync-worker');
const COLUMNS = ['id', 'name', 'amount', 'note', 'updated_at'];
const dualWrite = allowDualWrites(template('zero-downtime-mysql-to-postgres-dual-write'), { [TABLE]: COLUMNS });
const library = [worker, template('mysql-to-postgres'), template('mysql-to-postgres-chunk-worker')];
const credentials = { migrationMySqlApi: { ...mysqlSettings }, migrationPostgresApi: pg };
const settings = { sync: SYNC, tables: [TABLE], lagSeconds: 1, batchSize: 700, rowsPerChunk: 4000, leaseSeconds: 3 };

const seed = () =>
	withMysql(async (q) => {
		await q(`DROP TABLE IF EXISTS ${TABLE}`);
		await q(`CREATE TABLE ${TABLE} (id BIGINT PRIMARY KEY, name VARCHAR(80) NOT NULL, amount DECIMAL(12,2) NULL,
			note TEXT NULL, updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
			KEY ${TABLE}_updated (updated_at)) CHARACTER SET utf8mb4`);
		// Many rows share a timestamp, so batch boundaries fall inside runs of equal cursors.
		await q(`INSERT INTO ${TABLE} SELECT seq, CONCAT('näme ', seq), seq * 1.25, IF(seq % 7 = 0, NULL, '😀'),
			TIMESTAMPADD(SECOND, seq DIV 500, '2024-01-01 00:00:00') FROM seq_1_to_${SEED}`);
	});

async function resetDestination() {
	await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${TABLE}`));
	const destination = createPostgresConnector(pg);
	try {
		// Only this test's entries: other suites share the state table and may be running.
		for (const ns of [WATERMARK_NAMESPACE, 'sync-leases', 'chunks', 'plans', 'audit', 'mappings', 'snapshots'])
			for (const { key } of await destination.state.list(ns))
				if (key.startsWith(SYNC) || key.includes(TABLE)) await destination.state.delete(ns, key);
	} finally {
		await destination.close();
	}
	const source = createMysqlConnector(mysqlSettings);
	try {
		for (const { key } of await source.state.list(REPLAY_NAMESPACE))
			if (key.startsWith(`${SYNC}/`)) await source.state.delete(REPLAY_NAMESPACE, key);
	} finally {
		await source.close();
	}
}

/** Writes to the source until stopped: inserts, single updates, 300-row updates to one timestamp, deletes, a slow transaction. */
function startWriter(pool: Pool) {
	let running = true;
	let nextId = SEED + 1;
	const counts = { inserts: 0, updates: 0, bulkUpdates: 0, deletes: 0, slow: 0 };
	const random = (n: number) => 1 + Math.floor(Math.random() * n);
	const done = (async () => {
		for (let step = 0; running; step++) {
			const op = step % 10;
			if (op < 4) {
				await pool.query(`INSERT INTO ${TABLE} (id, name, amount) VALUES (?, ?, ?)`, [nextId, `new ${nextId} ✓`, `${nextId}.5`]);
				nextId++;
				counts.inserts++;
			} else if (op < 7) {
				await pool.query(`UPDATE ${TABLE} SET name = CONCAT(name, '+'), amount = amount + 1 WHERE id = ?`, [random(nextId - 1)]);
				counts.updates++;
			} else if (op === 7) {
				const from = random(nextId - 300);
				await pool.query(`UPDATE ${TABLE} SET note = CONCAT('bulk ', ?), updated_at = NOW(6) WHERE id BETWEEN ? AND ?`, [step, from, from + 299]);
				counts.bulkUpdates++;
			} else if (op === 8) {
				await pool.query(`DELETE FROM ${TABLE} WHERE id = ?`, [random(nextId - 1)]);
				counts.deletes++;
			} else {
				// Stamped now, committed 300 ms later: the lag keeps the sync from passing it meanwhile.
				const connection = await pool.getConnection();
				await connection.query('START TRANSACTION');
				await connection.query(`UPDATE ${TABLE} SET name = CONCAT(name, '~') WHERE id = ?`, [random(nextId - 1)]);
				await new Promise((resolve) => setTimeout(resolve, 300));
				await connection.query('COMMIT');
				connection.release();
				counts.slow++;
			}
			await new Promise((resolve) => setTimeout(resolve, 3));
		}
	})();
	return {
		counts,
		stop: async () => {
			running = false;
			await done;
		},
	};
}

async function readAll(connector: DatabaseConnector): Promise<Map<string, Row>> {
	const rows = new Map<string, Row>();
	for await (const batch of connector.read(TABLE, {}, { batchSize: 10_000 })) for (const r of batch) rows.set(String(r.id), r);
	return rows;
}

/** Source and destination read in full and compared value by value in canonical form. */
async function difference() {
	const source = createMysqlConnector(mysqlSettings);
	const destination = createPostgresConnector(pg);
	try {
		const [schema] = await source.introspect([TABLE]);
		const [a, b] = [await readAll(source), await readAll(destination)];
		const changed: string[] = [];
		for (const [id, row] of a) {
			const other = b.get(id);
			if (other)
				for (const c of schema.columns)
					if (canonicalText(row[c.name], c.logical) !== canonicalText(other[c.name], c.logical)) changed.push(`${id}.${c.name}`);
		}
		return {
			sourceRows: a.size,
			missing: [...a.keys()].filter((k) => !b.has(k)).length,
			extra: [...b.keys()].filter((k) => !a.has(k)).length,
			changed: changed.slice(0, 5),
		};
	} finally {
		await Promise.all([source.close(), destination.close()]);
	}
}

const sync = (extra: object = {}, workflows = library) =>
	runWorkflow(main, { credentials, workflows, startNode: 'Sync Webhook', input: [{ body: { ...settings, ...extra } }] });

async function watermark(): Promise<SyncState | undefined> {
	const destination = createPostgresConnector(pg);
	try {
		return await destination.state.get<SyncState>(WATERMARK_NAMESPACE, `${SYNC}/${TABLE}`);
	} finally {
		await destination.close();
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(() => shutdownEngine());

describe('zero-downtime template, executed by n8n\'s engine (MariaDB → PostgreSQL)', () => {
	let pool: Pool;

	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		const { host, port, user, password, database } = mysqlSettings;
		pool = createPool({ host, port, user, password, database, connectionLimit: 4, timezone: 'Z' });
		// The application stamps DATETIME in UTC, the convention the sync's horizon (UTC_TIMESTAMP) assumes.
		pool.on('connection', (connection) => void connection.query("SET time_zone = '+00:00'"));
	});
	afterAll(async () => {
		await pool?.end();
	});

	it('backfills and syncs under a concurrent writer, then equals the source row for row and is ready for cutover', async () => {
		await seed();
		await resetDestination();
		const writer = startWriter(pool);
		let syncs = 0;
		try {
			const backfill = await runWorkflow(main, {
				credentials,
				workflows: library,
				startNode: 'Backfill Webhook',
				input: [{ body: settings }],
			});
			expect(backfill.error).toBeUndefined();
			expect(backfill.output('Commit Start')[0]).toMatchObject({ recorded: true, table: TABLE });
			// The Webhook's answer: the backfill done, and the migration's own answer inside.
			expect(backfill.output('Answer Backfill')[0]).toMatchObject({
				sync: SYNC,
				status: 'BACKFILL DONE',
				tables: [TABLE],
				backfill: { migration: `${SYNC}-backfill` },
			});
			for (let i = 0; i < 4; i++) {
				await sleep(700);
				const run = await sync();
				expect(run.error).toBeUndefined();
				syncs++;
				// While writes go on, the verdict is NO and says why.
				expect(run.output('Cutover Readiness')[0].verdict).toMatch(/^Ready for production cutover: (NO|YES)/);
			}
		} finally {
			await writer.stop();
		}
		expect(writer.counts.bulkUpdates).toBeGreaterThan(0);
		expect(writer.counts.deletes).toBeGreaterThan(0);
		await sleep(1500); // past the lag: the last writes are now behind the horizon
		const final = await sync();
		expect(final.error).toBeUndefined();
		const readiness = final.output('Cutover Readiness')[0];
		expect(readiness).toMatchObject({ ready: true, reasons: [] });
		expect(final.output('Answer Readiness')[0]).toEqual(readiness);
		expect(readiness.verdict).toMatch(/^Ready for production cutover: YES/);
		expect(await difference()).toEqual({ sourceRows: expect.any(Number), missing: 0, extra: 0, changed: [] });
		const state = await watermark();
		expect(state).toMatchObject({ rowsBehind: 0, secondsBehind: 0 });
		expect(syncs).toBe(4);
	}, 600_000);

	it('a run that dies between load and commit leaves the watermark; the lease frees after its time; the rerun loses and doubles nothing', async () => {
		await seed();
		await resetDestination();
		expect((await runWorkflow(main, { credentials, workflows: library, startNode: 'Backfill Webhook', input: [{ body: settings }] })).error).toBeUndefined();
		expect((await sync()).error).toBeUndefined();
		const before = await watermark();
		await pool.query(`UPDATE ${TABLE} SET name = CONCAT(name, ' changed'), updated_at = NOW(6) WHERE id <= 2000`);
		await pool.query(`INSERT INTO ${TABLE} (id, name) SELECT seq + 100000, 'late' FROM seq_1_to_500`);
		await pool.query(`DELETE FROM ${TABLE} WHERE id BETWEEN 3000 AND 3099`);
		await sleep(1200);
		// The worker as it would be if the process died right after Load Changes.
		const dying = structuredClone(worker);
		dying.nodes.push({ id: 'crash', name: 'Crash', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: [960, 300], parameters: { errorMessage: 'killed after the load' } });
		dying.connections['Load Changes'] = { main: [[{ node: 'Crash', type: 'main' as never, index: 0 }]] };
		const crashed = await sync({}, [dying, ...library.slice(1)]);
		// The caller is answered with the table and the reason; the execution still ends as failed.
		expect(crashed.error?.message).toMatch(new RegExp(`Sync ${SYNC} failed for ${TABLE}: killed after the load`));
		expect(crashed.output('Sync Failed')[0]).toMatchObject({
			sync: SYNC,
			status: 'FAILED',
			step: 'Sync Table',
			failedTables: [{ table: TABLE, error: 'killed after the load' }],
		});
		expect(crashed.output('Fingerprint Source')).toEqual([]);
		expect(await watermark()).toEqual(before);
		// The dead run still holds the lease: a run now is turned away (Busy) and changes nothing.
		const busy = await sync();
		expect(busy.error).toBeUndefined();
		expect(await watermark()).toEqual(before);
		await sleep(3200);
		const rerun = await sync();
		expect(rerun.error).toBeUndefined();
		expect(rerun.output('Cutover Readiness')[0]).toMatchObject({ ready: true });
		expect(await difference()).toEqual({ sourceRows: SEED + 500 - 100, missing: 0, extra: 0, changed: [] });
	}, 300_000);

	it('dual write: with the new database down, every write is queued and arrives with the next sync', async () => {
		await seed();
		await resetDestination();
		expect((await runWorkflow(main, { credentials, workflows: library, startNode: 'Backfill Webhook', input: [{ body: settings }] })).error).toBeUndefined();
		expect((await sync()).error).toBeUndefined();
		const proxy = await tcpProxy(pg.port);
		const viaProxy = { credentialsById: { dmDestinationpostgres: { ...pg, port: proxy.port } } };
		const write = (rows: object[]) =>
			runWorkflow(dualWrite, { credentials, ...viaProxy, startNode: 'Write Request', input: [{ body: { table: TABLE, sync: SYNC, rows } }] });
		// An old timestamp: only the replay queue, not the change feed, can carry these rows.
		const row = (id: number, name: string) => ({ id: String(id), name, amount: '1.50', note: null, updated_at: '2001-01-01T00:00:00.000000' });

		const up = await write([row(900001, 'both up')]);
		expect(up.error).toBeUndefined();
		expect(up.output('Written to Both')[0]).toMatchObject({ written: 1 });

		proxy.down();
		const queued: number[] = [];
		for (let i = 0; i < 5; i++) {
			const run = await write([row(900100 + i, `while down ${i}`), row(1 + i, `update while down ${i}`)]);
			expect(run.error).toBeUndefined();
			expect(run.output('Queue Replay')[0]).toMatchObject({ queued: 2 });
			queued.push(900100 + i);
		}
		const destination = createPostgresConnector(pg);
		try {
			expect(await destination.readByKeys(TABLE, queued.map((id) => [String(id)]))).toHaveLength(0);
		} finally {
			await destination.close();
		}
		proxy.up();
		await sleep(1200);
		const synced = await sync();
		expect(synced.error).toBeUndefined();
		expect(await difference()).toEqual({ sourceRows: SEED + 6, missing: 0, extra: 0, changed: [] });
		const source = createMysqlConnector(mysqlSettings);
		try {
			expect((await source.state.list(REPLAY_NAMESPACE)).filter((e) => e.key.startsWith(`${SYNC}/`))).toHaveLength(0);
		} finally {
			await source.close();
		}
		await proxy.close();
	}, 300_000);

	it('backfill and sync settings are checked before anything is written, and a refusal lists the accepted ones', async () => {
		await seed();
		await resetDestination();
		const refusals: Array<[object, RegExp]> = [
			[{ ...settings, tables: undefined }, /Name the tables to migrate/],
			[{ ...settings, tables: TABLE }, /"tables" must be a list of names/],
			[{ ...settings, batchSize: 0 }, /"batchSize" must be between 1 and 100000, not 0/],
			[{ ...settings, lagSecond: 1 }, /Unknown setting "lagSecond"\. Accepted settings: sync: string/],
			[{ ...settings, deletes: 'soft' }, /"deletes" must be one of "keyset", "none"/],
			[{ ...settings, sync: '../x' }, /"sync" "\.\.\/x" is not a run name/],
			[{ ...settings, tables: ['t'.repeat(64)] }, /is 64 bytes long; the destination keeps names of at most 63 bytes/],
		];
		for (const [body, reason] of refusals)
			for (const flow of ['Backfill', 'Sync']) {
				const run = await runWorkflow(main, {
					credentials,
					workflows: library,
					startNode: `${flow} Webhook`,
					input: [{ body: body as IDataObject }],
				});
				expect(run.output(`Refused ${flow}`)[0]?.error).toMatch(reason);
				expect(run.error?.message).toMatch(reason);
				expect(run.output(flow === 'Backfill' ? 'Mark Start' : 'Sync Table')).toEqual([]);
			}
		expect(await withPostgres((q) => q(`SELECT to_regclass('public.${TABLE}') AS t`))).toEqual([{ t: null }]);
		expect(await watermark()).toBeUndefined();
	}, 120_000);

	it('dual write: the old database failing is answered with its reason, and nothing reaches the new one', async () => {
		await seed();
		await resetDestination();
		expect((await runWorkflow(main, { credentials, workflows: library, startNode: 'Backfill Webhook', input: [{ body: settings }] })).error).toBeUndefined();
		const row = { id: '970001', name: 'refused by a trigger', amount: '1.00', note: null, updated_at: '2001-01-01T00:00:00.000000' };
		const write = (extra: object = {}) =>
			runWorkflow(dualWrite, { credentials, ...extra, startNode: 'Write Request', input: [{ body: { table: TABLE, sync: SYNC, rows: [row] } }] });
		// Not a row the table cannot hold: the old database itself fails the statement.
		await withMysql((q) =>
			q(`CREATE TRIGGER ${TABLE}_refuse BEFORE INSERT ON ${TABLE} FOR EACH ROW
				IF NEW.id = 970001 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'writes are frozen'; END IF`),
		);
		try {
			const failed = await write();
			expect(failed.output('Old Database Failed')[0]?.error).toMatch(/writes are frozen/);
			expect(failed.error?.message).toMatch(/Dual write: the old database failed: .*writes are frozen/);
			expect(failed.output('Write New Database')).toEqual([]);
		} finally {
			await withMysql((q) => q(`DROP TRIGGER ${TABLE}_refuse`));
		}
		// The old database out of reach: Check Write cannot look at the table, and says where it failed.
		const proxy = await tcpProxy(mysqlSettings.port);
		proxy.down();
		try {
			const unreachable = await write({ credentialsById: { dmSourcemysql: { ...mysqlSettings, port: proxy.port } } });
			// " at host:port: " is what the Refused Request answer keys its 503 (not the caller's fault) on.
			expect(unreachable.output('Refused Request')[0]?.error).toMatch(/MySQL\/MariaDB at 127\.0\.0\.1:\d+: /);
		} finally {
			await proxy.close();
		}
		expect(await withMysql((q) => q(`SELECT COUNT(*) AS n FROM ${TABLE} WHERE id = 970001`))).toEqual([{ n: 0 }]);
		expect(await withPostgres((q) => q(`SELECT COUNT(*)::int AS n FROM public.${TABLE} WHERE id = 970001`))).toEqual([{ n: 0 }]);
	}, 300_000);

	it('dual write: rows the new database refuses are named, queued and, once it takes them, synced: 0 lost', async () => {
		await seed();
		await resetDestination();
		expect((await runWorkflow(main, { credentials, workflows: library, startNode: 'Backfill Webhook', input: [{ body: settings }] })).error).toBeUndefined();
		expect((await sync()).error).toBeUndefined();
		const row = (id: number, amount: string) => ({ id: String(id), name: `dual ${id}`, amount, note: null, updated_at: '2001-01-01T00:00:00.000000' });
		// The new database is stricter than the old one for a while (a constraint the old one lacks).
		await withPostgres((q) => q(`ALTER TABLE public.${TABLE} ADD CONSTRAINT dm_zd_small CHECK (amount < 30000) NOT VALID`));
		try {
			const run = await runWorkflow(dualWrite, {
				credentials,
				startNode: 'Write Request',
				input: [{ body: { table: TABLE, sync: SYNC, rows: [row(980001, '1.00'), row(980002, '50000.00')] } }],
			});
			expect(run.error).toBeUndefined();
			// Not "written to both": the refused row is named with its reason, and queued.
			expect(run.output('Written to Both')).toEqual([]);
			expect(run.output('Write New Database')[0]).toMatchObject({ written: 1, rejected: 1 });
			expect(run.output('Write New Database', 1)).toEqual([
				expect.objectContaining({ key: ['980002'], reason: expect.stringMatching(/dm_zd_small/) }),
			]);
			expect(run.output('Queue Replay')[0]).toMatchObject({ queued: 1 });
			expect(run.output('Queued for Replay')).toHaveLength(1);
		} finally {
			await withPostgres((q) => q(`ALTER TABLE public.${TABLE} DROP CONSTRAINT IF EXISTS dm_zd_small`));
		}
		await sleep(1200);
		expect((await sync()).error).toBeUndefined();
		expect(await difference()).toEqual({ sourceRows: SEED + 2, missing: 0, extra: 0, changed: [] });
		const source = createMysqlConnector(mysqlSettings);
		try {
			expect((await source.state.list(REPLAY_NAMESPACE)).filter((e) => e.key.startsWith(`${SYNC}/`))).toHaveLength(0);
		} finally {
			await source.close();
		}
	}, 300_000);

	it('a sync before its backfill says it waits and holds nothing; a failed sync gives its lease back at once', async () => {
		await seed();
		await resetDestination();
		const leases = async () => {
			const destination = createPostgresConnector(pg);
			try {
				return (await destination.state.list('sync-leases')).filter((e) => e.key.startsWith(`${SYNC}/`));
			} finally {
				await destination.close();
			}
		};
		// As the every-minute schedule would, before anyone ran the backfill: no failure, no lease, the reason.
		const early = await sync();
		expect(early.error).toBeUndefined();
		expect(early.output('Sync Not Run')[0]).toMatchObject({
			sync: SYNC,
			status: 'WAITING FOR THE BACKFILL',
			tables: [{ table: TABLE, synced: false, waiting: expect.stringMatching(/is waiting for the backfill/) }],
		});
		expect(early.output('Fingerprint Source')).toEqual([]);
		expect(await leases()).toEqual([]);
		expect((await runWorkflow(main, { credentials, workflows: library, startNode: 'Backfill Webhook', input: [{ body: settings }] })).error).toBeUndefined();
		expect((await sync()).error).toBeUndefined();
		// A change the new database refuses: the sync fails, names the step and the reason, and frees its lease.
		await withPostgres((q) => q(`ALTER TABLE public.${TABLE} ADD CONSTRAINT dm_zd_small CHECK (amount < 1000000)`));
		try {
			await pool.query(`UPDATE ${TABLE} SET amount = 2000000, updated_at = NOW(6) WHERE id = 7`);
			await sleep(1200);
			const failed = await sync({ leaseSeconds: 600 });
			expect(failed.output('Sync Failed')[0]).toMatchObject({
				status: 'FAILED',
				failedTables: [{ table: TABLE, error: expect.stringMatching(/^Commit Watermark: 1 row\(s\) of this batch were rejected/) }],
			});
			expect(await leases()).toEqual([]);
		} finally {
			await withPostgres((q) => q(`ALTER TABLE public.${TABLE} DROP CONSTRAINT IF EXISTS dm_zd_small`));
		}
		// Fixed: the next sync runs at once (not Busy for 600 s) and carries the row.
		const next = await sync({ leaseSeconds: 600 });
		expect(next.error).toBeUndefined();
		expect(next.output('Sync Not Run')).toEqual([]);
		expect(await difference()).toEqual({ sourceRows: SEED, missing: 0, extra: 0, changed: [] });
	}, 300_000);

	it('dual write: only the listed tables and columns, in bounded requests; a refused request writes nothing anywhere', async () => {
		await seed();
		const write = (body: IDataObject | string, workflow = dualWrite) =>
			runWorkflow(workflow, { credentials, startNode: 'Write Request', input: [{ body }] });
		const row = { id: '950001', name: 'intruder', amount: '1.00', note: null, updated_at: '2001-01-01T00:00:00.000000' };
		const refusals: Array<[IDataObject | string, RegExp]> = [
			[{ table: 'dm_zd_other', rows: [row] }, /Table "dm_zd_other" is not one this dual write accepts \("dm_zd_orders"\)/],
			[{ table: `${TABLE}; DROP TABLE ${TABLE}; --`, rows: [row] }, /is not one this dual write accepts/],
			[{ table: TABLE, rows: [{ ...row, 'name` = 1; DROP TABLE x; --': 'x' }] }, /Row 0 writes "name` = 1; DROP TABLE x; --", not among the columns/],
			[{ table: TABLE, rows: [{ ...row, secret_flag: 1 }] }, /Row 0 writes "secret_flag"/],
			[{ table: TABLE, rows: Array.from({ length: 1001 }, (_, i) => ({ ...row, id: String(960000 + i) })) }, /1001 rows; this dual write accepts at most 1000/],
			[{ table: TABLE, rows: [{ ...row, note: 'x'.repeat(1_100_000) }] }, /bytes; this dual write accepts at most 1048576/],
			[{ table: TABLE, rows: [] }, /no rows/],
			[{ table: TABLE, rows: [row], extra: true }, /Unknown field "extra"/],
			['not an object', /must be a JSON object/],
		];
		for (const [body, reason] of refusals) {
			const run = await write(body);
			expect(run.error).toBeUndefined();
			const [answer] = run.output('Refused Request');
			expect(answer?.error).toMatch(reason);
			expect(run.output('Rows')).toEqual([]);
		}
		// Settings that were never filled in refuse everything; settings naming a column the table lacks are refused too.
		const unset = await write({ table: TABLE, rows: [row] }, template('zero-downtime-mysql-to-postgres-dual-write'));
		expect(unset.output('Refused Request')[0]?.error).toMatch(/accepts no table yet/);
		const wrong = allowDualWrites(template('zero-downtime-mysql-to-postgres-dual-write'), { [TABLE]: [...COLUMNS, 'nosuch'] });
		expect((await write({ table: TABLE, rows: [row] }, wrong)).output('Refused Request')[0]?.error).toMatch(/allow "nosuch" in dm_zd_orders, which has no such column/);
		const written = await withMysql((q) => q(`SELECT COUNT(*) AS n FROM ${TABLE} WHERE id >= 950000`));
		expect(written).toEqual([{ n: 0 }]);
		expect(await withMysql((q) => q(`SELECT COUNT(*) AS n FROM ${TABLE}`))).toEqual([{ n: SEED }]);
	}, 300_000);

	it('refuses bad input with a clear node error naming the table and column', async () => {
		await seed();
		await withMysql((q) => q('DROP TABLE IF EXISTS dm_zd_nopk').then(() => q('CREATE TABLE dm_zd_nopk (id INT, updated_at DATETIME(6))')));
		const step = (parameters: object, system = 'mysql', input: IDataObject[] = [{ sync: SYNC, owner: 'test', watermark: null }]) =>
			runWorkflow(
				{
					nodes: [
						{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: 'sync',
							name: 'Incremental Sync',
							type: 'n8n-nodes-data-migration.incrementalSync',
							typeVersion: 1,
							position: [200, 0],
							parameters: { system, ...parameters },
							credentials: {
								[system === 'mysql' ? 'migrationMySqlApi' : 'migrationPostgresApi']: { id: `dm-${system}`, name: system },
							},
						},
					],
					connections: { Start: { main: [[{ node: 'Incremental Sync', type: 'main' as never, index: 0 }]] } },
				},
				{ credentials, input, startNode: 'Incremental Sync' },
			).then((run) => String(run.error?.message));
		expect(await step({ operation: 'read', table: TABLE, cursorColumn: 'name' })).toMatch(
			/Cursor column name of dm_zd_orders is varchar\(80\): it must be a timestamp or a number/i,
		);
		expect(await step({ operation: 'read', table: 'dm_zd_nopk', cursorColumn: 'updated_at' })).toMatch(/dm_zd_nopk has no primary key/);
		expect(await step({ operation: 'read', table: TABLE, cursorColumn: 'no_such_column' })).toMatch(/has no column no_such_column/);
		const batch = { sync: SYNC, table: TABLE, cursorColumn: 'updated_at', owner: 'x', from: null, watermark: null, deletedKeys: [], replayed: [] };
		expect(await step({ operation: 'commit', table: 'dm_other_table', batch: JSON.stringify(batch) }, 'postgres')).toMatch(
			/watermark belongs to table dm_zd_orders, not dm_other_table/,
		);
		await withMysql((q) => q('DROP TABLE dm_zd_nopk'));
	}, 60_000);
});


describe('zero-downtime template, MongoDB → PostgreSQL, with the ObjectId as the cursor (a collection only appended to)', () => {
	const OID_TABLE = 'dm_wf_zd_oid';
	const OID_SYNC = 'zd-oid-test';
	const mongo = template('zero-downtime-mongodb-to-postgres');
	const mongoLibrary = ['zero-downtime-mongodb-to-postgres-sync-worker', 'mongodb-to-postgres', 'mongodb-to-postgres-chunk-worker'].map(template);
	const mongoCredentials = { migrationMongoDbApi: { connectionString: mongoSettings.url, database: mongoSettings.database }, migrationPostgresApi: pg };
	const body = { sync: OID_SYNC, tables: [OID_TABLE], cursorColumn: '_id', lagSeconds: 1, rowsPerChunk: 1000, batchSize: 500, leaseSeconds: 30 };
	const run = (startNode: string) => runWorkflow(mongo, { credentials: mongoCredentials, workflows: mongoLibrary, startNode, input: [{ body }] });

	it('backfills, then a sync carries the documents added and deleted since: exact, and ready', async () => {
		await requireService('ferretdb');
		const client = createMongoClient(mongoSettings);
		try {
			const docs = client.db(mongoSettings.database).collection<{ _id: ObjectId; name: string; n: number }>(OID_TABLE);
			await docs.drop().catch(() => false);
			await docs.insertMany(Array.from({ length: 2000 }, (_, n) => ({ _id: new ObjectId(), name: `doc ${n} ✓`, n })));
			await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${OID_TABLE}`));
			const destination = createPostgresConnector(pg);
			try {
				for (const ns of [WATERMARK_NAMESPACE, 'sync-leases', 'chunks', 'plans', 'audit', 'mappings'])
					for (const { key } of await destination.state.list(ns))
						if (key.startsWith(OID_SYNC) || key.includes(OID_TABLE)) await destination.state.delete(ns, key);
			} finally {
				await destination.close();
			}
			const backfill = await run('Backfill Webhook');
			expect(backfill.error).toBeUndefined();
			expect(backfill.output('Answer Backfill')[0]).toMatchObject({ status: 'BACKFILL DONE' });
			// Appended (and a few deleted) after the backfill: only the sync can carry them.
			await docs.insertMany(Array.from({ length: 300 }, (_, n) => ({ _id: new ObjectId(), name: `later ${n}`, n: 5000 + n })));
			const gone = (await docs.find({}, { projection: { _id: 1 } }).limit(25).toArray()).map((d) => d._id);
			for (const _id of gone) await docs.deleteOne({ _id });
			// Past the lag, in whole seconds: an ObjectId tells its second only.
			await sleep(2200);
			const synced = await run('Sync Webhook');
			expect(synced.error).toBeUndefined();
			expect(synced.output('Cutover Readiness')[0]).toMatchObject({ ready: true });
			const oid = { ...ZERO_DOWNTIME_PAIRS.find((p) => p.slug === 'mongodb-to-postgres')!, table: OID_TABLE, columns: ['_id', 'name', 'n'] };
			expect(await compareTables(oid)).toEqual({ sourceRows: 2000 + 300 - 25, missing: [], extra: [], changed: [] });
		} finally {
			await client.close();
		}
	}, 300_000);
});
