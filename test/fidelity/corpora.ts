/**
 * Torture corpora, one per source engine: every native type at its extremes, unicode edge cases,
 * time zones, binary and JSON, each value with the outcome it must have per destination: exact, or
 * a named refusal (the row refused), or NULL by the column's Invalid Values rule. The workflow tier
 * runs each through its templates and checks every cell; the README's type table is rendered from
 * here (scripts/fidelity-table.ts), so it says what the run proved.
 */

import { Binary, Double, Int32, Long, ObjectId } from 'mongodb';

export type Outcome = 'exact' | { reject: string } | { nulled: string };
export type Destination = 'postgres' | 'mysql';

export interface Cell {
	/** SQL literal (or, for MongoDB, a JavaScript expression of the value in seed code). */
	value: string;
	/** What the README shows for the value. */
	label: string;
	expect: Outcome | Partial<Record<Destination, Outcome>>;
	/** MongoDB: the BSON value itself. */
	bson?: () => unknown;
}

export interface ColumnCorpus {
	column: string;
	/** The native type as created in the source. */
	type: string;
	/** What the README adds to the type (how Map maps it, say). */
	note?: string;
	cells: Cell[];
	/** The column's Invalid Values rule in the run ("null": written as NULL and listed). */
	rule?: 'null';
}

export interface Corpus {
	engine: 'mariadb' | 'postgres' | 'mongodb';
	table: string;
	columns: ColumnCorpus[];
}

const exact = (label: string, value = label): Cell => ({ value, label, expect: 'exact' });

export const MARIADB_CORPUS: Corpus = {
	engine: 'mariadb',
	table: 'dm_torture_my',
	columns: [
		{
			column: 'flag_any',
			type: 'TINYINT(1)',
			note: 'holding 2 and -128: Map keeps smallint',
			cells: [exact('0'), exact('1'), exact('2'), exact('-128'), exact('127')],
		},
		{
			column: 'flag_bool',
			type: 'TINYINT(1)',
			note: 'holding only 0/1: Map makes it boolean',
			cells: [exact('0'), exact('1')],
		},
		{ column: 'tiny_u', type: 'TINYINT UNSIGNED', cells: [exact('0'), exact('255')] },
		{ column: 'small', type: 'SMALLINT', cells: [exact('-32768'), exact('32767')] },
		{ column: 'medium_u', type: 'MEDIUMINT UNSIGNED', cells: [exact('16777215')] },
		{ column: 'int_s', type: 'INT', cells: [exact('-2147483648'), exact('2147483647')] },
		{ column: 'int_u', type: 'INT UNSIGNED', cells: [exact('4294967295')] },
		{ column: 'big', type: 'BIGINT', cells: [exact('-9223372036854775808'), exact('9223372036854775807')] },
		{ column: 'big_u', type: 'BIGINT UNSIGNED', cells: [exact('18446744073709551615')] },
		{
			column: 'amount',
			type: 'DECIMAL(65,30)',
			cells: [
				exact('99999999999999999999999999999999999.999999999999999999999999999999'),
				exact('-0.000000000000000000000000000001'),
				exact('0'),
			],
		},
		{ column: 'flt', type: 'FLOAT', cells: [exact('1.5'), exact('-3.40282e38')] },
		{
			column: 'dbl',
			type: 'DOUBLE',
			cells: [exact('1.7976931348623157e308'), exact('5e-324'), exact('0.1'), exact('-0')],
		},
		{
			column: 'day',
			type: 'DATE',
			rule: 'null',
			cells: [
				exact('1000-01-01', "'1000-01-01'"),
				exact('9999-12-31', "'9999-12-31'"),
				exact('2024-02-29', "'2024-02-29'"),
				{ label: '0000-00-00 (zero date)', value: "'0000-00-00'", expect: { nulled: 'not a date' } },
				{ label: '2024-02-30 (invalid day)', value: "'2024-02-30'", expect: { nulled: 'not a date' } },
			],
		},
		{
			column: 'moment',
			type: 'DATETIME(6)',
			cells: [
				exact('1000-01-01 00:00:00', "'1000-01-01 00:00:00.000000'"),
				exact('9999-12-31 23:59:59.999999', "'9999-12-31 23:59:59.999999'"),
				{ label: '0000-00-00 00:00:00 (zero)', value: "'0000-00-00 00:00:00'", expect: { reject: 'not a timestamp' } },
			],
		},
		{
			column: 'stamp',
			type: 'TIMESTAMP(6) NULL',
			cells: [
				exact('1970-01-01 00:00:01 UTC', "'1970-01-01 00:00:01.000000'"),
				exact('2038-01-19 03:14:07.999999 UTC', "'2038-01-19 03:14:07.999999'"),
			],
		},
		{
			column: 'span',
			type: 'TIME(6)',
			note: '→ interval',
			cells: [
				exact('838:59:59', "'838:59:59.000000'"),
				exact('-838:59:59', "'-838:59:59.000000'"),
				exact('00:00:00.000001', "'00:00:00.000001'"),
				exact('25:00:00 (beyond a day)', "'25:00:00'"),
			],
		},
		{ column: 'yr', type: 'YEAR', cells: [exact('1901'), exact('2155')] },
		{
			column: 'name',
			type: 'VARCHAR(20)',
			cells: [
				exact("'' (empty)", "''"),
				exact("' padded '", "' padded '"),
				exact('ünï😀 (4-byte UTF-8)', "'ünï😀'"),
				exact('e\u0301 (combining, not normalised)', "'e\u0301'"),
				{ label: 'a\\0b (NUL)', value: "CONCAT('a', CHAR(0), 'b')", expect: { reject: 'NUL' } },
			],
		},
		{ column: 'body', type: 'LONGTEXT', cells: [exact('100,000 characters', "REPEAT('ab😀', 33334)")] },
		{ column: 'choice', type: "ENUM('a','b c')", cells: [exact("'b c'", "'b c'")] },
		{ column: 'tags', type: "SET('x','y')", cells: [exact("'x,y'", "'x,y'")] },
		{
			column: 'bytes',
			type: 'VARBINARY(8)',
			cells: [exact("x'00FF00'", "x'00FF00'"), exact("'' (empty bytes)", "x''")],
		},
		{ column: 'bits', type: 'BIT(8)', cells: [exact("b'10101010'", "b'10101010'")] },
		{
			column: 'doc',
			type: 'JSON',
			cells: [
				exact('{"big": 9007199254740993}', `'{"big": 9007199254740993}'`),
				exact('[1e400, -1.5e-400]', "'[1e400, -1.5e-400]'"),
				exact('null (a JSON null, not SQL NULL)', "'null'"),
				exact('{"a": 1, "a": 2} (repeated key)', `'{"a": 1, "a": 2}'`),
				exact('{"b": [true, 0], "a": "ü"}', `'{"b": [true, 0], "a": "ü"}'`),
				exact('"text"', `'"text"'`),
			],
		},
	],
};

export const POSTGRES_CORPUS: Corpus = {
	engine: 'postgres',
	table: 'dm_torture_pg',
	columns: [
		{ column: 'flag', type: 'boolean', cells: [exact('true'), exact('false')] },
		{ column: 'small', type: 'smallint', cells: [exact('-32768'), exact('32767')] },
		{ column: 'int_s', type: 'integer', cells: [exact('-2147483648'), exact('2147483647')] },
		{ column: 'big', type: 'bigint', cells: [exact('-9223372036854775808'), exact('9223372036854775807')] },
		{
			column: 'num',
			type: 'numeric',
			cells: [
				exact('12345678901234567890.123456789'),
				exact('-0.000000000000000000000000000001'),
				{
					label: '1e70 (71 digits)',
					value: '1e70',
					expect: { mysql: { reject: 'overflows DECIMAL' }, postgres: 'exact' },
				},
			],
		},
		{ column: 'money_like', type: 'numeric(12,2)', cells: [exact('-9999999999.99')] },
		{ column: 'flt', type: 'real', cells: [exact('1.5'), exact('-3.4e38')] },
		{
			column: 'dbl',
			type: 'double precision',
			rule: 'null',
			cells: [
				exact('1.7976931348623157e308'),
				exact('5e-324'),
				exact('0.1'),
				{ label: "'NaN'", value: "'NaN'", expect: { mysql: { nulled: 'cannot be stored' }, postgres: 'exact' } },
				{
					label: "'-Infinity'",
					value: "'-Infinity'",
					expect: { mysql: { nulled: 'cannot be stored' }, postgres: 'exact' },
				},
			],
		},
		{
			column: 'name',
			type: 'varchar(20)',
			cells: [exact("'' (empty)", "''"), exact('ünï😀', "'ünï😀'"), exact("' padded '", "' padded '")],
		},
		{ column: 'body', type: 'text', cells: [exact('100,000 characters', "repeat('ab😀', 33334)")] },
		{
			column: 'id_u',
			type: 'uuid',
			cells: [exact("'00000000-0000-0000-0000-000000000000'"), exact("'ffffffff-ffff-ffff-ffff-ffffffffffff'")],
		},
		{
			column: 'day',
			type: 'date',
			cells: [
				exact("'1000-01-01'"),
				exact("'9999-12-31'"),
				{ label: "'infinity'", value: "'infinity'", expect: { reject: 'not a date' } },
				{ label: "'0044-03-15 BC'", value: "'0044-03-15 BC'", expect: { reject: 'not a date' } },
			],
		},
		{
			column: 'moment',
			type: 'timestamp(6)',
			cells: [exact("'2000-02-29 23:59:59.999999'"), exact("'1000-01-01 00:00:00'")],
		},
		{
			column: 'instant',
			type: 'timestamptz(6)',
			cells: [
				exact("'2024-03-10 02:30:00.000001+05:30'"),
				exact("'1000-01-01 00:00:00+00'"),
				exact("'9999-12-31 23:59:59.999999+00'"),
			],
		},
		{ column: 'clock', type: 'time(6)', cells: [exact("'24:00:00'"), exact("'00:00:00.000001'")] },
		{
			column: 'span',
			type: 'interval',
			cells: [
				exact("'838:59:59'"),
				exact("'1 day 02:00:00'"),
				{ label: "'1 mon'", value: "'1 mon'", expect: { mysql: { reject: 'duration range' }, postgres: 'exact' } },
				{
					label: "'839:00:00'",
					value: "'839:00:00'",
					expect: { mysql: { reject: 'duration range' }, postgres: 'exact' },
				},
			],
		},
		{
			column: 'doc',
			type: 'jsonb',
			cells: [
				exact(`'{"big": 9007199254740993}'`),
				exact(`'[1e400]'`),
				exact(`'null' (a JSON null)`, `'null'`),
				exact(`'{"n": 1.50}'`),
			],
		},
		{
			column: 'raw',
			type: 'json',
			cells: [exact(`'{"b": 1, "a": 1, "a": 2}' (order, repeated key)`, `'{"b": 1, "a": 1, "a": 2}'`)],
		},
		{ column: 'bytes', type: 'bytea', cells: [exact("'\\x00ff00'", "'\\x00ff00'"), exact("'\\x' (empty)", "'\\x'")] },
		{ column: 'ints', type: 'integer[]', cells: [exact("'{1,2,3}'"), exact("'{}'")] },
		{ column: 'words', type: 'text[]', cells: [exact(`'{"a b",NULL}'`)] },
	],
};

/** FerretDB 1.x, the test server, refuses Decimal128, NaN, ±Infinity and nested arrays: the corpus keeps to what it stores. */
const bson = (label: string, make: () => unknown): Cell => ({ value: label, label, expect: 'exact', bson: make });

export const MONGODB_CORPUS: Corpus = {
	engine: 'mongodb',
	table: 'dm_torture_mongo',
	columns: [
		{
			column: 'i32',
			type: 'Int32',
			cells: [bson('-2147483648', () => new Int32(-2147483648)), bson('2147483647', () => new Int32(2147483647))],
		},
		{
			column: 'i64',
			type: 'Int64',
			cells: [
				bson('-9223372036854775808', () => Long.fromString('-9223372036854775808')),
				bson('9007199254740993', () => Long.fromString('9007199254740993')),
			],
		},
		{
			column: 'dbl',
			type: 'Double',
			cells: [
				bson('1.7976931348623157e308', () => new Double(1.7976931348623157e308)),
				bson('3.0 (integral)', () => new Double(3)),
			],
		},
		{ column: 'str', type: 'String', cells: [bson("'' (empty)", () => ''), bson('ünï😀', () => 'ünï😀')] },
		{ column: 'yes', type: 'Boolean', cells: [bson('true', () => true), bson('false', () => false)] },
		{
			column: 'at',
			type: 'Date',
			cells: [
				bson('1970-01-01T00:00:00.001Z', () => new Date('1970-01-01T00:00:00.001Z')),
				bson('9999-12-31T23:59:59.999Z', () => new Date('9999-12-31T23:59:59.999Z')),
			],
		},
		{
			column: 'oid',
			type: 'ObjectId',
			cells: [bson('65a1b2c3d4e5f60718293a4b', () => new ObjectId('65a1b2c3d4e5f60718293a4b'))],
		},
		{ column: 'bin', type: 'Binary', cells: [bson('0x00ff00', () => new Binary(Buffer.from([0, 255, 0])))] },
		{
			column: 'sub',
			type: 'document',
			cells: [
				bson('{ n: Int64 2^63-1, s: "ü" }', () => ({ n: Long.fromString('9223372036854775807'), s: 'ü' })),
				bson('{ d: { e: null } }', () => ({ d: { e: null } })),
			],
		},
		{ column: 'list', type: 'array', cells: [bson('[1, "x", true]', () => [1, 'x', true]), bson('[]', () => [])] },
		{ column: 'nothing', type: 'null in every document', cells: [bson('null', () => null)] },
	],
};

/** The outcome a cell must have in a destination. */
export function expected(cell: Cell, destination: Destination): Outcome {
	const e = cell.expect;
	if (e === 'exact' || 'reject' in e || 'nulled' in e) return e as Outcome;
	return (e as Partial<Record<Destination, Outcome>>)[destination] ?? 'exact';
}

/** The rows of a corpus: one per cell, the cell's value in its column and NULL elsewhere, ids from 1. */
export function corpusRows(corpus: Corpus): Array<{ id: number; column: ColumnCorpus; cell: Cell }> {
	let id = 0;
	return corpus.columns.flatMap((column) => column.cells.map((cell) => ({ id: ++id, column, cell })));
}
