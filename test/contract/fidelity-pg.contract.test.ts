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
 * PostgreSQL → MariaDB: what MySQL types cannot hold (NaN, months, years past 9999, decimals past
 * 65 digits) is refused and listed; the rest lands exactly, and Verify Rows names each value
 * altered by hand in the destination.
 */
const TABLE = 'dm_fidelity_pg';
const SCHEMA = 'dm_fidelity_src';
// Checkpoints stay in MariaDB's _dm_state: each run of this suite is a new migration run.
const RUN = `fidelity-pg-${Date.now()}`;

const CORPUS = `
	(1, true, -32768, -9223372036854775808, 12345678901234567890.123456789, 1.5, '2024-02-29', '24:00:00', '26:00:00',
	 '{"big": 9007199254740993, "n": null}', '{"b": 1, "a": 2, "a": 3}', '\\x00ff', ARRAY[1, 2], 'ünï😀'),
	(2, false, 32767, 9223372036854775807, -0.000000000000000000000000000001, 'NaN', '9999-12-31', '00:00:00.000001', '-838:59:59',
	 'null', '[1e400]', '\\x', ARRAY[]::int[], ''),
	(3, NULL, NULL, NULL, 1e70, NULL, 'infinity', NULL, '1 mon', NULL, NULL, NULL, NULL, NULL),
	(4, true, 0, 0, 1e34, 0, '2000-01-01', '12:00:00', '1 day 02:00:00', '{}', '{"z": [true, false, 0, 1]}', NULL, NULL, 'x'),
	(5, false, 1, 1, 0, 'Infinity', '2000-01-01', '12:00:00', '00:00:00', '"s"', 'false', NULL, NULL, 'y')`;

describe('Fidelity PostgreSQL → MariaDB: exact, or refused and listed; validation catches what is altered', () => {
	let source: DatabaseConnector;
	let destination: DatabaseConnector;
	let mapping: TableMapping;
	let rejected: Rejection[];

	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await withPostgres(async (q) => {
			await q(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
			await q(`CREATE SCHEMA ${SCHEMA}`);
			await q(`CREATE TABLE ${SCHEMA}.${TABLE} (id int PRIMARY KEY, flag boolean, small smallint, big bigint,
				amount numeric, ratio double precision, day date, at time, span interval, doc jsonb, raw json,
				bin bytea, list int[], note text)`);
			await q(`INSERT INTO ${SCHEMA}.${TABLE} VALUES ${CORPUS}`);
		});
		await withMysql((q) => q(`DROP TABLE IF EXISTS ${TABLE}`));
		source = createPostgresConnector({ ...postgresSettings, schema: SCHEMA });
		destination = createMysqlConnector(mysqlSettings);
		[mapping] = await designMappings(source, [TABLE], {
			overrides: { amount: 'decimal' },
			prefix: '',
			flatten: false,
			childTables: false,
			separator: '_',
			policies: { ratio: 'null' },
		});
		await applyDdl(destination, mapping);
		rejected = await copyMapped(source, destination, mapping, { run: RUN, rowsPerChunk: 2 });
	});
	afterAll(async () => {
		await Promise.all([source?.close(), destination?.close()]);
	});

	it('refuses what MySQL cannot hold, every value listed; NaN and Infinity set NULL by the policy', () => {
		const listed = rejected.map((r) => [r.key, r.column, r.action]);
		expect(listed).toEqual(
			expect.arrayContaining([
				[[2], 'ratio', 'nulled'],
				[[5], 'ratio', 'nulled'],
				[[3], 'day', 'rejected'],
				[[3], 'span', 'rejected'],
				[[3], 'amount', 'rejected'],
			]),
		);
		expect(listed).toHaveLength(5);
		expect(rejected.find((r) => r.column === 'span')!.reason).toMatch(/duration range/);
	});

	it('lands the rest exactly, read natively: booleans, extremes, durations, JSON text as PostgreSQL wrote it', async () => {
		const rows = await withMysql((q) =>
			q(
				`SELECT id, flag, small, CAST(big AS CHAR) AS big, CAST(span AS CHAR) AS span, CAST(at AS CHAR) AS at, CAST(doc AS CHAR) AS doc, CAST(raw AS CHAR) AS raw, note FROM ${TABLE} ORDER BY id`,
			),
		);
		const byId = new Map(rows.map((r) => [r.id, r]));
		expect(byId.get(1)).toMatchObject({
			flag: 1,
			small: -32768,
			big: '-9223372036854775808',
			span: '26:00:00.000000',
			note: 'ünï😀',
		});
		expect(String(byId.get(1)!.doc)).toContain('9007199254740993');
		expect(byId.get(2)).toMatchObject({ span: '-838:59:59.000000', at: '00:00:00.000001', doc: 'null', note: '' });
		expect(String(byId.get(2)!.raw)).toBe('[1e400]');
		expect(byId.get(4)).toMatchObject({ span: '26:00:00.000000', at: '12:00:00.000000' });
		expect(byId.has(3)).toBe(false);
	});

	it('reads back as what it was made from: a boolean stays boolean, a time of day stays a time', async () => {
		const [schema] = await destination.introspect([TABLE]);
		const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.logical]));
		expect(types).toMatchObject({ flag: 'boolean', at: 'time', span: 'interval', doc: 'json' });
	});

	it('Verify Rows names the refused row and the nulled values, and nothing else', async () => {
		const details = await verifiedRows(source, destination, TABLE, 5);
		expect(details.missing).toEqual([['3']]);
		expect(details.changed.map((c) => [c.key, c.column])).toEqual([
			[['2'], 'ratio'],
			[['5'], 'ratio'],
		]);
	});

	it.each([
		['a boolean flipped', 'flag', `UPDATE ${TABLE} SET flag = 0 WHERE id = 1`, 1],
		['a bigint extreme rounded', 'big', `UPDATE ${TABLE} SET big = -9223372036854775807 WHERE id = 1`, 1],
		['a duration folded wrong', 'span', `UPDATE ${TABLE} SET span = '02:00:00' WHERE id = 4`, 4],
		[
			'a JSON integer rounded',
			'doc',
			`UPDATE ${TABLE} SET doc = '{"big": 9007199254740992, "n": null}' WHERE id = 1`,
			1,
		],
		['a JSON null inside dropped', 'doc', `UPDATE ${TABLE} SET doc = '{"big": 9007199254740993}' WHERE id = 1`, 1],
		['a JSON boolean turned integer', 'raw', `UPDATE ${TABLE} SET raw = '{"z": [1, 0, 0, 1]}' WHERE id = 4`, 4],
		['a huge exponent turned double', 'raw', `UPDATE ${TABLE} SET raw = '[1.0e308]' WHERE id = 2`, 2],
		['an empty byte string turned NULL', 'bin', `UPDATE ${TABLE} SET bin = NULL WHERE id = 2`, 2],
		['an empty text turned NULL', 'note', `UPDATE ${TABLE} SET note = NULL WHERE id = 2`, 2],
	])('finds %s, naming the row and the column', async (_what, column, alter, id) => {
		// Read and put back as text (hex for bytes): the native driver would round a bigint or parse JSON.
		const [read, write] = column === 'bin' ? ['HEX(bin)', 'UNHEX(?)'] : [`CAST(${column} AS CHAR)`, '?'];
		const [{ value }] = await withMysql((q) => q(`SELECT ${read} AS value FROM ${TABLE} WHERE id = ${id}`));
		await withMysql((q) => q(alter));
		try {
			const details = await verifiedRows(source, destination, TABLE, 5);
			const named = details.changed.filter((c) => c.column !== 'ratio');
			expect(named.map((c) => [c.key, c.column])).toEqual([[[String(id)], column]]);
		} finally {
			await withMysql((q) => q(`UPDATE ${TABLE} SET ${column} = ${write} WHERE id = ${id}`, [value]));
		}
	});
});
