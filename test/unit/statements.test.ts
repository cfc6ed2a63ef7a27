import * as my from '../../connectors/mysql/mysql-sql';
import * as pg from '../../connectors/postgres/postgres-sql';
import { rangeFilter, isValidCollectionName } from '../../connectors/mongodb/mongodb-queries';
import { requireColumns, requireTable } from '../../core/model/identifiers';
import type { TableSchema } from '../../core/model/schema';

const hostile = 'x"; DROP TABLE y; --';
const table: TableSchema = {
	name: hostile,
	columns: [
		{ name: 'k`1', nativeType: '', logical: 'string', nullable: false },
		{ name: 'k2', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'v', nativeType: '', logical: 'decimal', nullable: true, precision: 38, scale: 10 },
	],
	primaryKey: ['k`1', 'k2'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

describe('statement builders', () => {
	it('PostgreSQL: quotes identifiers, binds values, compares the key as a row', () => {
		const s = new pg.PostgresSql('public').selectPage(
			table,
			['k`1', 'v'],
			{ after: ['a', '1'], upTo: ['z', '9'] },
			500,
		);
		expect(s.text).toContain('"x""; DROP TABLE y; --"');
		expect(s.text).toContain('("k`1", "k2") > ($1, $2) AND ("k`1", "k2") <= ($3, $4)');
		expect(s.text).toMatch(/ORDER BY "k`1", "k2" LIMIT 500$/);
		expect(s.text).not.toMatch(/OFFSET/i);
		expect(s.values).toEqual(['a', '1', 'z', '9']);
	});

	it('PostgreSQL: plans chunks by row_number over the key, no OFFSET', () => {
		const s = new pg.PostgresSql('public').chunkBoundaries(table, 1000);
		expect(s.text).not.toMatch(/OFFSET/i);
		expect(s.values).toEqual([1000]);
	});

	it('PostgreSQL: upsert updates non-key columns on conflict', () => {
		expect(new pg.PostgresSql('public').upsertFromStaging('t', 's', ['id', 'v'], ['id'])).toBe(
			'INSERT INTO "public"."t" ("id", "v") SELECT "id", "v" FROM "s" ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v"',
		);
	});

	it('MySQL: escapes backticks and expands the key comparison for the index', () => {
		const s = new my.MysqlSql().selectPage(table, ['v'], { after: ['a', '1'] }, 10);
		expect(s.text).toContain('`x"; DROP TABLE y; --`');
		expect(s.text).toContain('(`k``1` > ?) OR (`k``1` = ? AND `k2` > ?)');
		expect(s.values).toEqual(['a', 'a', '1']);
		expect(s.text).not.toMatch(/OFFSET/i);
	});

	it('MongoDB: ranges filter on _id; hostile collection names are refused', () => {
		expect(rangeFilter({ after: [5], upTo: [9] })).toEqual({ _id: { $gt: 5, $lte: 9 } });
		expect(rangeFilter({})).toEqual({});
		expect(isValidCollectionName('system.users')).toBe(false);
		expect(isValidCollectionName('a$b')).toBe(false);
		expect(isValidCollectionName('orders')).toBe(true);
	});

	it('identifiers must be found by introspection before use', () => {
		const known = new Map([[table.name, table]]);
		expect(() => requireTable(known, 'y', 'postgres')).toThrow(expect.objectContaining({ code: 'UNKNOWN_TABLE' }));
		expect(() => requireColumns(table, ['v; DROP TABLE y'], 'postgres')).toThrow(
			expect.objectContaining({ code: 'UNKNOWN_COLUMN' }),
		);
	});
});
