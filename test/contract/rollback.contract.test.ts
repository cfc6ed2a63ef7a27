import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createMongoClient } from '../../connectors/mongodb/mongodb-client';
import type { DatabaseConnector } from '../../core/ports';
import { MigrationError } from '../../core/model/errors';
import { discardSnapshots, restoreRun, snapshotTables, type SnapshotRecord } from '../../core/rollback/rollback';
import type { Row } from '../../core/model/schema';
import { bulkRows, bulkTable, edgeRows, edgeTable } from '../helpers/fixtures';
import { mongoSettings } from '../helpers/services';
import { connectTarget, dropIfExists, targets } from './targets';
import { SNAPSHOT_NAMESPACE } from '../../core/state/namespaces';

/** Snapshot before writing, restore exactly after: every real server. */
describe.each(targets)('$name rollback', (target) => {
	let connector: DatabaseConnector;
	// Index names are per schema in PostgreSQL: the copy of the edge table gets its own.
	const edge = target.adapt(
		{ ...edgeTable, name: 'dm_rb_edge', indexes: edgeTable.indexes.map((i) => ({ ...i, name: `dm_rb_${i.name}` })) },
		edgeRows,
	);
	// FerretDB writes a document at a time: a smaller table keeps its run short.
	const size = target.native ? 20_000 : 2_000;
	const bulk = target.adapt({ ...bulkTable, name: 'dm_rb_bulk' }, bulkRows(size));
	const created = 'dm_rb_created';
	const tables = [edge.table.name, bulk.table.name, created];

	beforeAll(async () => {
		connector = await connectTarget(target);
	});
	afterAll(async () => {
		await connector?.close();
	});

	async function prepare(): Promise<Record<string, string>> {
		for (const { table, rows } of [edge, bulk]) {
			await dropIfExists(connector, table.name);
			await connector.createTable(table);
			for (let i = 0; i < rows.length; i += 5000)
				await connector.write(table.name, rows.slice(i, i + 5000), { mode: 'insert' });
		}
		await dropIfExists(connector, created);
		return checksums();
	}

	async function checksums(): Promise<Record<string, string>> {
		const out: Record<string, string> = {};
		for (const { table } of [edge, bulk]) {
			const sum = await connector.checksum(table.name);
			out[table.name] = `${sum.rows}:${sum.digest}`;
		}
		return out;
	}

	/** What a migration does to the destination: upserts over old rows, new rows, a new table. */
	async function migrate(): Promise<void> {
		await connector.write(
			bulk.table.name,
			target
				.adapt(bulkTable, bulkRows(size * 1.25))
				.rows.slice(size / 2)
				.map((r) => ({ ...r, name: 'migrated' })),
			{ mode: 'upsert' },
		);
		await connector.write(
			edge.table.name,
			edge.rows.slice(0, 2).map((r) => ({ ...r, [edge.table.columns[1].name]: null })),
			{ mode: 'upsert' },
		);
		await connector.createTable({ ...bulk.table, name: created });
		await connector.write(created, bulk.rows.slice(0, 10), { mode: 'insert' });
	}

	it('restores every table exactly, drops the one the migration created, and a second restore changes nothing', async () => {
		const before = await prepare();
		const run = `rb-${Date.now()}`;
		const taken = await snapshotTables(connector, run, tables);
		expect(taken.map((r) => [r.snapshot.table, r.snapshot.createdByMigration])).toEqual([
			[edge.table.name, false],
			[bulk.table.name, false],
			[created, true],
		]);
		await migrate();
		// A rerun of the migration snapshots again: the first snapshot, of the data before, is kept.
		await snapshotTables(connector, run, tables);
		expect(await checksums()).not.toEqual(before);

		const outcomes = await restoreRun(connector, run);
		expect(outcomes.map((o) => [o.table, o.action, o.verified])).toEqual([
			[edge.table.name, 'restored', true],
			[bulk.table.name, 'restored', true],
			[created, 'dropped', true],
		]);
		expect(await checksums()).toEqual(before);
		expect((await connector.introspect()).map((t) => t.name)).not.toContain(created);

		const again = await restoreRun(connector, run);
		expect(again.map((o) => o.action)).toEqual(['restored', 'restored', 'absent']);
		expect(await checksums()).toEqual(before);
	});

	it('finishes a restore killed midway (kill -9) when rerun', async () => {
		const before = await prepare();
		const run = `rb-kill-${Date.now()}`;
		await snapshotTables(connector, run, tables);
		await migrate();
		// The child restores the created table first, then the bulk table: it dies after the first.
		const child = spawn(
			process.execPath,
			['--import', 'tsx', join(__dirname, '../helpers/restore-child.ts'), target.name, run],
			{
				cwd: join(__dirname, '../..'),
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		const killedAfter = await new Promise<string>((resolve) => {
			child.stdout.on('data', (data: Buffer) => {
				child.kill('SIGKILL');
				resolve(data.toString());
			});
			child.on('exit', () => resolve('exited'));
		});
		expect(JSON.parse(killedAfter.split('\n')[0])).toMatchObject({ table: created, action: 'dropped' });
		expect(await checksums()).not.toEqual(before);

		await restoreRun(connector, run);
		expect(await checksums()).toEqual(before);
	});

	it('refuses a snapshot changed since it was taken, and changes nothing', async () => {
		await prepare();
		const run = `rb-tamper-${Date.now()}`;
		await snapshotTables(connector, run, [bulk.table.name]);
		await migrate();
		const migrated = await checksums();
		const record = await connector.state.get<SnapshotRecord>(SNAPSHOT_NAMESPACE, `${run}/${bulk.table.name}`);
		const copy = record!.snapshot.copyName!;
		if (target.native) await target.native(`UPDATE ${copy} SET name = 'tampered' WHERE id = 2`);
		else {
			const client = createMongoClient(mongoSettings);
			try {
				await client
					.db(mongoSettings.database)
					.collection<{ _id: unknown }>(copy)
					.updateOne({}, { $set: { name: 'tampered' } });
			} finally {
				await client.close();
			}
		}
		const refused = await restoreRun(connector, run).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(MigrationError);
		expect((refused as MigrationError).code).toBe('CHECKSUM_MISMATCH');
		expect((refused as Error).message).toMatch(
			new RegExp(`snapshot of ${bulk.table.name} was changed since it was taken.*nothing was restored`),
		);
		expect(await checksums()).toEqual(migrated);
	});

	it('discards snapshots once the rollback period is over, and only then', async () => {
		await prepare();
		const run = `rb-discard-${Date.now()}`;
		const [record] = await snapshotTables(connector, run, [bulk.table.name]);
		// A MongoDB collection that is gone reads as empty: the copy is there when its rows are.
		const copyExists = () =>
			connector.snapshotChecksum(record.snapshot).then(
				(digest) => digest.rows === record.snapshot.rows,
				() => false,
			);
		const day = 24 * 60 * 60 * 1000;
		const taken = Date.parse(record.takenAt);
		expect(await discardSnapshots(connector, { run, olderThanMs: 7 * day, now: new Date(taken + 6 * day) })).toEqual(
			[],
		);
		expect(await copyExists()).toBe(true);
		expect(await discardSnapshots(connector, { run, olderThanMs: 7 * day, now: new Date(taken + 8 * day) })).toEqual([
			{ run, table: bulk.table.name, takenAt: record.takenAt },
		]);
		expect(await copyExists()).toBe(false);
		await expect(restoreRun(connector, run)).rejects.toThrow(`No snapshot is recorded for migration run "${run}"`);
	});

	it('says so when a run has no snapshot', async () => {
		await expect(restoreRun(connector, 'rb-never-taken')).rejects.toThrow(
			'No snapshot is recorded for migration run "rb-never-taken": nothing to restore',
		);
	});

	if (target.native)
		it('puts sequences and AUTO_INCREMENT back', async () => {
			const postgres = target.name === 'PostgreSQL';
			await dropIfExists(connector, 'dm_rb_seq');
			await target.native!(
				postgres
					? 'CREATE TABLE dm_rb_seq (id bigserial PRIMARY KEY, name text)'
					: 'CREATE TABLE dm_rb_seq (id BIGINT AUTO_INCREMENT PRIMARY KEY, name TEXT)',
			);
			await target.native!(`INSERT INTO dm_rb_seq (name) VALUES ('a'), ('b'), ('c')`);
			const run = `rb-seq-${Date.now()}`;
			await snapshotTables(connector, run, ['dm_rb_seq']);
			await target.native!(`INSERT INTO dm_rb_seq (name) VALUES ('d'), ('e'), ('f'), ('g')`);
			await restoreRun(connector, run);
			await target.native!(`INSERT INTO dm_rb_seq (name) VALUES ('after')`);
			const rows: Row[] = [];
			for await (const batch of connector.read('dm_rb_seq', {}, { batchSize: 10 })) rows.push(...batch);
			expect(rows.map((r) => [String(r.id), r.name])).toEqual([
				['1', 'a'],
				['2', 'b'],
				['3', 'c'],
				['4', 'after'],
			]);
		});
});
