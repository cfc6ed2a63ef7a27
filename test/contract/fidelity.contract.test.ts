import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { applyDdl, designMappings } from '../../core/mapping/apply';
import type { TableMapping } from '../../core/mapping/mapping';
import type { Rejection } from '../../core/copy/row-check';
import type { DatabaseConnector } from '../../core/ports';
import { copyMapped, verifiedRows } from '../helpers/fidelity';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

/**
 * The categories of values a copy has altered before, MariaDB → PostgreSQL: each lands exactly,
 * or is refused (or set NULL by the column's policy) and listed; then each is altered by hand in
 * the destination and Verify Rows names the row and the column.
 */
const TABLE = 'dm_fidelity';
const SCHEMA = 'dm_fidelity';

const CORPUS = `
	(1, 0, 1, '{"big": 9007199254740993, "b": 1, "a": [1.0, -0, 1E2]}', '838:59:59.000000', '2024-02-29', 'plain', 18446744073709551615),
	(2, 2, 0, '{"huge": 1e400, "tiny": -1.5e-400}', '-838:59:59.999999', '1000-01-01', 'ünï😀', 0),
	(3, -128, 1, 'null', '25:00:00.5', '9999-12-31', '', NULL),
	(4, 127, NULL, NULL, '-00:00:01', '0000-00-00', 'zero date', 1),
	(5, 1, 0, '{"a": 1, "a": 12345678901234567890}', '00:00:00', '2024-02-00', 'zero day', 2),
	(6, 0, 1, '[]', NULL, NULL, CONCAT('a', CHAR(0), 'b'), 3),
	(7, 1, 1, '"text"', '100:00:00', '2024-01-01', 'last', 4)`;

const mysql = () => createMysqlConnector(mysqlSettings);
const postgres = () => createPostgresConnector({ ...postgresSettings, schema: SCHEMA });

describe('Fidelity MariaDB → PostgreSQL: exact, or refused and listed; validation catches what is altered', () => {
	let source: DatabaseConnector;
	let destination: DatabaseConnector;
	let mapping: TableMapping;
	let rejected: Rejection[];

	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${TABLE}`);
			await q("SET SESSION sql_mode = 'ALLOW_INVALID_DATES'");
			await q(`CREATE TABLE ${TABLE} (id INT PRIMARY KEY, n TINYINT(1) NOT NULL, flag TINYINT(1) NULL, doc JSON NULL,
				dur TIME(6) NULL, day DATE NULL, note TEXT NULL, big BIGINT UNSIGNED NULL) CHARACTER SET utf8mb4`);
			await q(`INSERT INTO ${TABLE} VALUES ${CORPUS}`);
		});
		await withPostgres(async (q) => {
			await q(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
			await q(`CREATE SCHEMA ${SCHEMA}`);
		});
		source = mysql();
		destination = postgres();
		[mapping] = await designMappings(source, [TABLE], {
			overrides: {},
			prefix: '',
			flatten: false,
			childTables: false,
			separator: '_',
			policies: { day: 'null' },
		});
		await applyDdl(destination, mapping);
		rejected = await copyMapped(source, destination, mapping, { run: 'fidelity', rowsPerChunk: 3 });
	});
	afterAll(async () => {
		await Promise.all([source?.close(), destination?.close()]);
	});

	it('maps by the data: TINYINT(1) with a 2 stays an integer, one with 0/1 becomes boolean; TIME becomes interval', async () => {
		const types = Object.fromEntries(mapping.target.columns.map((c) => [c.name, c.logical]));
		expect(types).toMatchObject({ n: 'int16', flag: 'boolean', dur: 'interval', doc: 'json', big: 'decimal' });
		expect(mapping.notes).toEqual(
			expect.arrayContaining([expect.stringContaining('n: TINYINT(1) holding values other than 0 and 1')]),
		);
		const [{ n, flag, dur }] = await withPostgres((q) =>
			q(
				`SELECT format_type(a.atttypid, a.atttypmod) AS t, a.attname FROM pg_attribute a
				 WHERE a.attrelid = '${SCHEMA}.${TABLE}'::regclass AND a.attname IN ('n', 'flag', 'dur')`,
			).then((rows) => [Object.fromEntries(rows.map((r) => [r.attname, r.t]))]),
		);
		expect({ n, flag, dur }).toEqual({ n: 'smallint', flag: 'boolean', dur: 'interval' });
	});

	it('lands every value exactly: integers, JSON numbers beyond a double, JSON null apart from NULL, durations past 24 h', async () => {
		const rows = await withPostgres((q) =>
			q(`SELECT id, n, flag, doc::text AS doc, doc IS NULL AS sql_null, dur::text AS dur, day::text AS day, note, big::text AS big
				FROM ${SCHEMA}.${TABLE} ORDER BY id`),
		);
		const byId = new Map(rows.map((r) => [r.id, r]));
		expect(byId.get(1)).toMatchObject({ n: 0, flag: true, dur: '838:59:59', big: '18446744073709551615' });
		expect(byId.get(1)!.doc).toContain('9007199254740993');
		expect(byId.get(2)).toMatchObject({ n: 2, dur: '-838:59:59.999999', note: 'ünï😀' });
		expect(byId.get(2)!.doc).toMatch(/"huge": 1(0{400})/);
		expect(byId.get(3)).toMatchObject({ n: -128, doc: 'null', sql_null: false, dur: '25:00:00.5' });
		expect(byId.get(4)).toMatchObject({ n: 127, flag: null, doc: null, sql_null: true, dur: '-00:00:01' });
		expect(byId.get(5)!.doc).toBe('{"a": 12345678901234567890}');
		expect(byId.get(7)).toMatchObject({ doc: '"text"', dur: '100:00:00' });
	});

	it('lists every value it could not write: zero dates set NULL by the column policy, text with NUL refused naming its column', async () => {
		const listed = rejected.map((r) => ({ key: r.key, column: r.column, action: r.action }));
		expect(listed).toEqual(
			expect.arrayContaining([
				{ key: [4], column: 'day', action: 'nulled' },
				{ key: [5], column: 'day', action: 'nulled' },
				{ key: [6], column: 'note', action: 'rejected' },
			]),
		);
		expect(listed).toHaveLength(3);
		expect(rejected.find((r) => r.column === 'note')!.reason).toMatch(/NUL/);
		const rows = await withPostgres((q) => q(`SELECT id, day FROM ${SCHEMA}.${TABLE} WHERE id IN (4, 5, 6)`));
		expect(rows).toEqual(
			expect.arrayContaining([
				{ id: 4, day: null },
				{ id: 5, day: null },
			]),
		);
		expect(rows).toHaveLength(2);
	});

	it('Verify Rows names what the copy could not keep: the refused row and the nulled values', async () => {
		const details = await verifiedRows(source, destination, TABLE, 7);
		expect(details.missing).toEqual([['6']]);
		expect(details.changed.map((c) => [c.key, c.column])).toEqual([
			[['4'], 'day'],
			[['5'], 'day'],
		]);
	});

	it.each([
		['an integer turned boolean-like', 'n', `UPDATE ${SCHEMA}.${TABLE} SET n = 1 WHERE id = 2`, 2],
		['a boolean flipped', 'flag', `UPDATE ${SCHEMA}.${TABLE} SET flag = NOT flag WHERE id = 1`, 1],
		[
			'a JSON integer rounded to a double',
			'doc',
			`UPDATE ${SCHEMA}.${TABLE} SET doc = '{"big": 9007199254740992, "b": 1, "a": [1.0, -0, 1E2]}' WHERE id = 1`,
			1,
		],
		[
			'a JSON number beyond a double nulled',
			'doc',
			`UPDATE ${SCHEMA}.${TABLE} SET doc = '{"huge": null, "tiny": -1.5e-400}' WHERE id = 2`,
			2,
		],
		['a JSON null turned SQL NULL', 'doc', `UPDATE ${SCHEMA}.${TABLE} SET doc = NULL WHERE id = 3`, 3],
		['the last of a repeated key lost', 'doc', `UPDATE ${SCHEMA}.${TABLE} SET doc = '{"a": 1}' WHERE id = 5`, 5],
		['a duration clipped to 24 h', 'dur', `UPDATE ${SCHEMA}.${TABLE} SET dur = '23:59:59' WHERE id = 3`, 3],
		['a negative duration made positive', 'dur', `UPDATE ${SCHEMA}.${TABLE} SET dur = '00:00:01' WHERE id = 4`, 4],
		['an unsigned extreme rounded', 'big', `UPDATE ${SCHEMA}.${TABLE} SET big = 18446744073709552000 WHERE id = 1`, 1],
		['unicode normalised (NFD)', 'note', `UPDATE ${SCHEMA}.${TABLE} SET note = normalize(note, NFD) WHERE id = 2`, 2],
	])('finds %s, naming the row and the column', async (_what, column, alter, id) => {
		const [{ value }] = await withPostgres((q) =>
			q(`SELECT ${column}::text AS value FROM ${SCHEMA}.${TABLE} WHERE id = ${id}`),
		);
		await withPostgres((q) => q(alter));
		try {
			const details = await verifiedRows(source, destination, TABLE, 7);
			// The zero dates set NULL by the policy are named every time; the alteration is named besides.
			const named = details.changed.filter((c) => c.column !== 'day');
			expect(named.map((c) => [c.key, c.column])).toEqual([[[String(id)], column]]);
		} finally {
			await withPostgres((q) => q(`UPDATE ${SCHEMA}.${TABLE} SET ${column} = $1 WHERE id = ${id}`, [value]));
		}
	});
});
