import { createMongoClient, createMongoConnector } from '../../connectors/mongodb/mongodb-client';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import type { DatabaseConnector } from '../../core/ports';
import { migrateTable } from '../../core/copy/migrate';
import {
	compareWithFingerprint,
	fingerprintTable,
	verifyRows,
	type Check,
	type Fingerprint,
} from '../../core/validate/validate';
import { withMysql, withPostgres } from '../helpers/native';
import { mongoSettings, mysqlSettings, postgresSettings, requireService } from '../helpers/services';

const ROWS = 100_000;
const TABLE = 'dm_validate';
const OPTIONS = { segmentRows: 10_000, sampleSize: 200, seed: 7 };

/** Floats that print differently in every engine, exact decimals, microseconds, unicode, binary, JSON with unordered keys. */
const seedMysql = () =>
	withMysql(async (q) => {
		await q(`DROP TABLE IF EXISTS ${TABLE}`);
		await q(`CREATE TABLE ${TABLE} (id BIGINT PRIMARY KEY, name VARCHAR(80) NULL, ratio DOUBLE NULL, small FLOAT NULL,
			amount DECIMAL(38,10) NULL, seen DATETIME(6) NULL, stamp TIMESTAMP(6) NULL, flag TINYINT(1) NULL, raw VARBINARY(16) NULL, doc JSON NULL) CHARACTER SET utf8mb4`);
		await q(`INSERT INTO ${TABLE}
			SELECT seq * 3, IF(seq % 17 = 0, NULL, IF(seq % 19 = 0, '', CONCAT('näme ', seq, IF(seq % 13 = 0, ' 😀', '')))),
				IF(seq % 11 = 0, NULL, seq / 7 + 1e-7 * seq), IF(seq % 5 = 0, NULL, seq / 3),
				CAST(CONCAT(IF(seq % 2, '-', ''), seq * 7919, '.', LPAD(seq % 10000000000, 10, '0')) AS DECIMAL(38,10)),
				TIMESTAMPADD(MICROSECOND, seq * 1000003, '2020-01-01 00:00:00.000000'),
				TIMESTAMPADD(MICROSECOND, seq * 999, '2021-06-01 12:00:00.000000'),
				seq % 3 = 0, IF(seq % 4 = 0, NULL, CONCAT(CHAR(0), CHAR(seq % 256), CHAR(255))),
				IF(seq % 6 = 0, NULL, JSON_OBJECT('z', seq % 3, 'a', JSON_ARRAY(1.5, 'x', seq), 'u', 'ü'))
			FROM seq_1_to_${ROWS}`);
	});

const mysql = () => createMysqlConnector(mysqlSettings);
const postgres = () => createPostgresConnector({ ...postgresSettings, schema: 'public' });

async function validate(source: DatabaseConnector, destination: DatabaseConnector, fingerprint?: Fingerprint) {
	const print = fingerprint ?? (await fingerprintTable(source, TABLE, OPTIONS));
	const comparison = await compareWithFingerprint(destination, print, { maxDiffRows: 100_000 });
	const checks = await verifyRows(source, JSON.parse(JSON.stringify(comparison)));
	return { fingerprint: print, checks, failed: checks.filter((c) => !c.pass) };
}

const byName = (checks: Check[], name: Check['check']) => checks.find((c) => c.check === name)!;

describe('Validate against real servers', () => {
	let source: DatabaseConnector;
	let destination: DatabaseConnector;
	let fingerprint: Fingerprint;

	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await seedMysql();
		source = mysql();
		destination = postgres();
		await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${TABLE}`));
		const [schema] = await source.introspect([TABLE]);
		await destination.createTable({ ...schema, columns: schema.columns.map((c) => ({ ...c, nativeType: '' })) });
		await migrateTable(source, destination, TABLE, {
			run: `validate-${Date.now()}`,
			rowsPerChunk: 20_000,
			batchSize: 5000,
		});
	});
	afterAll(async () => {
		await Promise.all([source?.close(), destination?.close()]);
	});

	it('MySQL → PostgreSQL: identical 100k rows pass every check, floats and JSON included', async () => {
		const result = await validate(source, destination);
		fingerprint = result.fingerprint;
		expect(result.failed).toEqual([]);
		expect(byName(result.checks, 'checksum').details).toMatchObject({ segments: 11, mismatchedSegments: 0 });
		expect(byName(result.checks, 'sample').details).toMatchObject({ rows: 200, differences: [] });
		expect(byName(result.checks, 'count').details).toEqual({ source: ROWS, destination: ROWS, difference: 0 });
	});

	// Each difference is put in, found by key and column, and taken out again.
	const cases: Array<{ name: string; change: string; undo: string; expect: (checks: Check[]) => void }> = [
		{
			name: 'one changed value',
			change: `UPDATE public.${TABLE} SET name = 'changed' WHERE id = 3000`,
			undo: `UPDATE public.${TABLE} SET name = 'näme 1000' WHERE id = 3000`,
			expect: (checks) =>
				expect(byName(checks, 'rows').details.changed).toEqual([
					{ key: ['3000'], column: 'name', source: 'näme 1000', destination: 'changed' },
				]),
		},
		{
			name: 'one missing row',
			change: `DELETE FROM public.${TABLE} WHERE id = 150000`,
			undo: `INSERT INTO public.${TABLE} SELECT * FROM public.${TABLE}_backup WHERE id = 150000`,
			expect: (checks) => {
				expect(byName(checks, 'count').details).toMatchObject({ difference: -1 });
				expect(byName(checks, 'rows').details).toMatchObject({ missingInDestination: 1, missing: [['150000']] });
			},
		},
		{
			name: 'one extra row',
			change: `INSERT INTO public.${TABLE} (id, name) VALUES (150001, 'extra')`,
			undo: `DELETE FROM public.${TABLE} WHERE id = 150001`,
			expect: (checks) =>
				expect(byName(checks, 'rows').details).toMatchObject({ extraInDestination: 1, extra: [['150001']] }),
		},
		{
			name: 'NULL instead of an empty string',
			change: `UPDATE public.${TABLE} SET name = NULL WHERE id = ${19 * 3}`,
			undo: `UPDATE public.${TABLE} SET name = '' WHERE id = ${19 * 3}`,
			expect: (checks) =>
				expect(byName(checks, 'rows').details.changed).toEqual([
					{ key: ['57'], column: 'name', source: '', destination: null },
				]),
		},
		{
			name: 'a timestamp 1 µs later',
			change: `UPDATE public.${TABLE} SET seen = seen + interval '1 microsecond' WHERE id = 90000`,
			undo: `UPDATE public.${TABLE} SET seen = seen - interval '1 microsecond' WHERE id = 90000`,
			expect: (checks) =>
				expect(byName(checks, 'rows').details.changed).toEqual([
					expect.objectContaining({ key: ['90000'], column: 'seen' }),
				]),
		},
		{
			name: 'the last decimal digit',
			change: `UPDATE public.${TABLE} SET amount = amount + 0.0000000001 WHERE id = 60000`,
			undo: `UPDATE public.${TABLE} SET amount = amount - 0.0000000001 WHERE id = 60000`,
			expect: (checks) =>
				expect(byName(checks, 'rows').details.changed).toEqual([
					expect.objectContaining({ key: ['60000'], column: 'amount' }),
				]),
		},
		{
			name: 'one changed byte in binary',
			change: `UPDATE public.${TABLE} SET raw = set_byte(raw, 2, 254) WHERE id = 3`,
			undo: `UPDATE public.${TABLE} SET raw = set_byte(raw, 2, 255) WHERE id = 3`,
			expect: (checks) =>
				expect(byName(checks, 'rows').details.changed).toEqual([
					{ key: ['3'], column: 'raw', source: '0001ff', destination: '0001fe' },
				]),
		},
		{
			name: 'the last bit of a double',
			change: `UPDATE public.${TABLE} SET ratio = ratio * (1 + 2.220446049250313e-16) WHERE id = 30003`,
			undo: `UPDATE public.${TABLE} SET ratio = (SELECT ratio FROM public.${TABLE}_backup WHERE id = 30003) WHERE id = 30003`,
			expect: (checks) =>
				expect(byName(checks, 'rows').details.changed).toEqual([
					expect.objectContaining({ key: ['30003'], column: 'ratio' }),
				]),
		},
	];

	describe('finds each injected difference, named by key and column', () => {
		beforeAll(() =>
			withPostgres((q) =>
				q(`DROP TABLE IF EXISTS public.${TABLE}_backup; CREATE TABLE public.${TABLE}_backup AS TABLE public.${TABLE}`),
			),
		);

		it.each(cases)('$name', async (c) => {
			await withPostgres((q) => q(c.change));
			try {
				const { failed, checks } = await validate(source, destination, fingerprint);
				expect(failed.map((f) => f.check)).toContain('rows');
				c.expect(checks);
			} finally {
				await withPostgres((q) => q(c.undo));
			}
			expect((await validate(source, destination, fingerprint)).failed).toEqual([]);
		});
	});

	it('PostgreSQL → PostgreSQL passes too (the copy against itself in another schema)', async () => {
		await withPostgres((q) =>
			q(
				`CREATE SCHEMA IF NOT EXISTS dm_target; DROP TABLE IF EXISTS dm_target.${TABLE}; CREATE TABLE dm_target.${TABLE} (LIKE public.${TABLE} INCLUDING ALL); INSERT INTO dm_target.${TABLE} SELECT * FROM public.${TABLE}`,
			),
		);
		const target = createPostgresConnector({ ...postgresSettings, schema: 'dm_target' });
		try {
			expect((await validate(destination, target)).failed).toEqual([]);
		} finally {
			await target.close();
		}
	});

	it('PostgreSQL → PostgreSQL with Digest "Same Engine": every column digested in SQL, a double\'s last bit and a JSON value still found; refused across engines', async () => {
		const target = createPostgresConnector({ ...postgresSettings, schema: 'dm_target' });
		const native = { ...OPTIONS, native: true };
		try {
			const print = await fingerprintTable(destination, TABLE, native);
			expect(print.digestMode).toBe('native:postgres');
			// Another computation than the portable one (floats and JSON in SQL), yet the copy passes.
			expect(print.digest).not.toBe((await fingerprintTable(destination, TABLE, OPTIONS)).digest);
			expect((await validate(destination, target, print)).failed).toEqual([]);
			for (const change of [
				`UPDATE dm_target.${TABLE} SET ratio = ratio * (1 + 2.220446049250313e-16) WHERE id = 30003`,
				`UPDATE dm_target.${TABLE} SET doc = jsonb_set(doc::jsonb, '{a,0}', '1.25')::json WHERE id = 30003`,
			]) {
				await withPostgres((q) => q(change));
				const { checks } = await validate(destination, target, print);
				expect(byName(checks, 'checksum').details).toMatchObject({ mismatchedSegments: 1 });
				expect(byName(checks, 'rows').details.changed).toEqual([expect.objectContaining({ key: ['30003'] })]);
				await withPostgres((q) =>
					q(
						`DELETE FROM dm_target.${TABLE} WHERE id = 30003; INSERT INTO dm_target.${TABLE} SELECT * FROM public.${TABLE} WHERE id = 30003`,
					),
				);
			}
			await expect(compareWithFingerprint(source, print, { maxDiffRows: 10 })).rejects.toThrow(
				/taken with Digest "Same Engine" \(postgres\), which only postgres reproduces; this destination is mysql/,
			);
			await expect(fingerprintTable(source, TABLE, native)).rejects.toThrow(/mysql does not: choose "Portable"/);
		} finally {
			await target.close();
		}
	});

	it('refuses bad input with a clear error', async () => {
		await expect(fingerprintTable(source, TABLE, { ...OPTIONS, sampleSize: ROWS + 1 })).rejects.toThrow(
			`Sample size ${ROWS + 1} is larger than table ${TABLE} (${ROWS} rows)`,
		);
		await expect(fingerprintTable(source, 'dm_no_such_table', OPTIONS)).rejects.toThrow(/dm_no_such_table/);
		await withPostgres((q) =>
			q(`DROP TABLE IF EXISTS public.dm_validate_nokey; CREATE TABLE public.dm_validate_nokey (id bigint, name text)`),
		);
		await expect(
			compareWithFingerprint(destination, { ...fingerprint, table: 'dm_validate_nokey' }, { maxDiffRows: 10 }),
		).rejects.toThrow(
			'dm_validate_nokey and dm_validate_nokey have no common key (source: id; destination: none): rows cannot be paired',
		);
	});
});

describe('Validate MongoDB → PostgreSQL', () => {
	const DOCS = 10_000;
	it('identical documents and rows pass, a changed subdocument value is named', async () => {
		await requireService('ferretdb');
		const client = createMongoClient(mongoSettings);
		try {
			const collection = client.db(mongoSettings.database).collection<{ _id: number }>(TABLE);
			await collection.drop().catch(() => false);
			await collection.insertMany(
				Array.from({ length: DOCS }, (_, i) => ({
					_id: i,
					name: `n${i} ü`,
					ratio: i / 7,
					when: new Date(Date.UTC(2020, 0, 1) + i * 1001),
					doc: { z: i, a: [1, 'x'] },
				})),
			);
		} finally {
			await client.close();
		}
		const source = createMongoConnector(mongoSettings);
		const destination = postgres();
		try {
			await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${TABLE}_mongo`));
			const [schema] = await source.introspect([TABLE]);
			await destination.createTable({
				...schema,
				name: `${TABLE}_mongo`,
				columns: schema.columns.map((c) => ({ ...c, nativeType: '' })),
			});
			for await (const rows of source.read(TABLE, {}, { batchSize: 5000 }))
				await destination.write(`${TABLE}_mongo`, rows, { mode: 'insert' });
			const print = await fingerprintTable(source, TABLE, { segmentRows: 2500, sampleSize: 50, seed: 3 });
			const check = async () => {
				const comparison = await compareWithFingerprint(destination, print, {
					destinationTable: `${TABLE}_mongo`,
					maxDiffRows: 100_000,
				});
				return verifyRows(source, comparison);
			};
			expect((await check()).filter((c) => !c.pass)).toEqual([]);
			await withPostgres((q) =>
				q(`UPDATE public.${TABLE}_mongo SET doc = jsonb_set(doc, '{z}', '-1') WHERE _id = 4321`),
			);
			expect(byName(await check(), 'rows').details.changed).toEqual([
				expect.objectContaining({ key: ['4321'], column: 'doc' }),
			]);
		} finally {
			await Promise.all([source.close(), destination.close()]);
		}
	});

	it('finds sampled documents by key whatever order the destination sorts their ids in (strings, ObjectIds)', async () => {
		await requireService('ferretdb');
		const ids = ['B', 'a', 'É', 'e', '_x', 'Z9', 'z1', '10', '9'];
		const { ObjectId } = await import('mongodb');
		const client = createMongoClient(mongoSettings);
		try {
			const db = client.db(mongoSettings.database);
			await db
				.collection(`${TABLE}_sid`)
				.drop()
				.catch(() => false);
			await db.collection<{ _id: string }>(`${TABLE}_sid`).insertMany(ids.map((id) => ({ _id: id, n: id.length })));
			await db
				.collection(`${TABLE}_oid`)
				.drop()
				.catch(() => false);
			await db
				.collection(`${TABLE}_oid`)
				.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: new ObjectId(), n: i })));
		} finally {
			await client.close();
		}
		const source = createMongoConnector(mongoSettings);
		const destination = postgres();
		try {
			for (const table of [`${TABLE}_sid`, `${TABLE}_oid`]) {
				await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${table}`));
				const [schema] = await source.introspect([table]);
				await destination.createTable({ ...schema, columns: schema.columns.map((c) => ({ ...c, nativeType: '' })) });
				// A destination whose ids sort by language rules ('a' before 'B'), not by bytes as MongoDB does.
				await withPostgres((q) => q(`ALTER TABLE public.${table} ALTER COLUMN _id TYPE text COLLATE "und-x-icu"`));
				for await (const rows of source.read(table, {}, { batchSize: 100 }))
					await destination.write(table, rows, { mode: 'insert' });
				const print = await fingerprintTable(source, table, { segmentRows: 100, sampleSize: 9, seed: 5 });
				const comparison = await compareWithFingerprint(destination, print, { maxDiffRows: 1000 });
				expect(byName(comparison.checks, 'sample')).toMatchObject({ pass: true, details: { differences: [] } });
			}
			// Small segments whose key ranges hold other rows in the destination's order: Verify Rows pairs
			// the rows across them and names the one changed value, no row missing or extra.
			await withPostgres((q) => q(`UPDATE public.${TABLE}_sid SET n = -1 WHERE _id = 'a'`));
			const print = await fingerprintTable(source, `${TABLE}_sid`, { segmentRows: 2, sampleSize: 1, seed: 5 });
			const comparison = await compareWithFingerprint(destination, print, { maxDiffRows: 1000 });
			expect(byName(await verifyRows(source, comparison), 'rows').details).toMatchObject({
				missingInDestination: 0,
				extraInDestination: 0,
				changed: [expect.objectContaining({ key: ['a'], column: 'n' })],
			});
		} finally {
			await Promise.all([source.close(), destination.close()]);
		}
	});
});
