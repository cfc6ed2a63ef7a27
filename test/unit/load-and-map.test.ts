import { loadRows } from '../../core/copy/load';
import { mapTables } from '../../core/mapping/mapping';
import { checkRows, rejectedRowCount, valueProblem } from '../../core/copy/row-check';
import type { Column, Row, TableSchema, Value } from '../../core/model/schema';
import { MemoryConnector } from '../helpers/memory-connector';

const col = (name: string, logical: Column['logical'], extra: Partial<Column> = {}): Column => ({
	name,
	nativeType: '',
	logical,
	nullable: true,
	...extra,
});
const table: TableSchema = {
	name: 't',
	columns: [
		col('id', 'int64', { nullable: false }),
		col('small', 'int16'),
		col('amount', 'decimal', { precision: 12, scale: 2 }),
		col('name', 'string', { length: 5 }),
		col('flag', 'boolean'),
		col('day', 'date'),
		col('at', 'timestamptz'),
	],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

describe('values the destination cannot hold exactly', () => {
	it.each([
		['small', '32768', /outside the int16 range/],
		['amount', '1.005', /3 decimal places; the column keeps 2/],
		['amount', '12345678901.5', /overflows DECIMAL\(12,2\)/],
		['name', 'ab😀def', /6 characters do not fit in 5/],
		['flag', 'yes', /not a boolean/],
		['day', '2023-02-29', /not a date/],
		['at', 'yesterday', /not a timestamp/],
	])('%s = %s is refused', (column, value, reason) => {
		expect(valueProblem(value, table.columns.find((c) => c.name === column)!)).toMatch(reason);
	});

	it('accepts exact values at the edges', () => {
		const ok = {
			id: '9223372036854775807',
			small: -32768,
			amount: '-9999999999.99',
			name: 'ab😀de',
			flag: 'f',
			day: '2024-02-29',
			at: '2024-02-29T23:59:59.999999Z',
		};
		expect(checkRows(table, [ok])).toEqual({ good: [ok], rejected: [] });
	});

	it('checks a batch exactly as value by value: the fast paths answer only what the general check would', () => {
		const wide: TableSchema = {
			...table,
			columns: [
				...table.columns,
				col('n32', 'int32'),
				col('code', 'string', { length: 3 }),
				col('body', 'text'),
				col('doc', 'json'),
			],
		};
		const values: Record<string, unknown[]> = {
			id: [
				'1',
				'007',
				'-0',
				'+5',
				' 5',
				'9223372036854775807',
				'9223372036854775808',
				'123456789012345',
				'1e3',
				1.5,
				2 ** 53,
				-(2 ** 63),
				'x',
			],
			n32: [2147483647, 2147483648, '2147483647', '-2147483649', '12.0', 12, -0, Number.NaN, true],
			small: [32767, -32769, '32767', '032767', '-32768', '100000'],
			code: ['abc', 'abcd', '😀😀😀', '😀😀😀😀', 'a\u0000b', 5, ''],
			body: ['x'.repeat(10_000), 'nul\u0000', 7],
			doc: ['{"a":1}', '{bad', '[1,', '"s"', 3, { a: 1 }],
		};
		const options = { textHoldsNul: false };
		for (const [name, list] of Object.entries(values)) {
			const column = wide.columns.find((c) => c.name === name)!;
			for (const value of list) {
				const row = { id: name === 'id' ? value : '1', [name]: value } as Row;
				const reasons = checkRows(wide, [row], options).rejected.map((r) => r.reason);
				const expected = [valueProblem(value as Value, column, options)].filter(Boolean);
				expect([name, value, reasons]).toEqual([name, value, expected]);
			}
		}
	});

	it('does not parse JSON text again where the source database guarantees it (trusted columns only)', () => {
		const docs: TableSchema = { ...table, columns: [col('id', 'int64'), col('a', 'json'), col('b', 'json')] };
		const row = { id: '1', a: '{not json', b: '{not json' };
		const { rejected } = checkRows(docs, [row], { trustedJson: new Set(['a']) });
		expect(rejected.map((r) => r.column)).toEqual(['b']);
		// A parsed value in a trusted column is still checked as one.
		expect(checkRows(docs, [{ id: '2', a: 5 as never }], { trustedJson: new Set(['a']) }).rejected).toEqual([]);
	});

	it('names table, key, column and reason for a rejected row, and for a missing NOT NULL value', () => {
		const { rejected } = checkRows(table, [{ id: '1', small: 99999 }, { small: 1 }, { id: '3', nope: 1 }]);
		expect(rejected).toEqual([
			{
				table: 't',
				key: ['1'],
				column: 'small',
				value: '99999',
				reason: expect.stringContaining('int16'),
				action: 'rejected',
			},
			{
				table: 't',
				key: [null],
				column: 'id',
				value: null,
				reason: 'missing value for a NOT NULL column',
				action: 'rejected',
			},
			{ table: 't', key: ['3'], column: 'nope', value: '1', reason: 'no column nope in t', action: 'rejected' },
		]);
	});

	it('lists every bad value of a row, and writes NULL and reports where the column says so', () => {
		const rows = [{ id: '1', small: 99999, flag: 'maybe', day: '0000-00-00' }];
		const refused = checkRows(table, rows);
		expect(refused.good).toEqual([]);
		expect(refused.rejected.map((r) => [r.column, r.action])).toEqual([
			['small', 'rejected'],
			['flag', 'rejected'],
			['day', 'rejected'],
		]);
		const nulled = checkRows(table, rows, { policies: { 't.day': 'null', flag: 'null', small: 'null' } });
		expect(nulled.good).toEqual([{ id: '1', small: null, flag: null, day: null }]);
		expect(nulled.rejected.map((r) => [r.column, r.value, r.action])).toEqual([
			['small', '99999', 'nulled'],
			['flag', '"maybe"', 'nulled'],
			['day', '"0000-00-00"', 'nulled'],
		]);
		expect(rejectedRowCount(refused.rejected)).toBe(1);
		expect(rejectedRowCount(nulled.rejected)).toBe(0);
		// A key is never set to NULL: the row is refused, every value listed.
		const keyBad = checkRows(table, [{ id: 'x', small: 99999 }], { policies: { '*': 'null' } });
		expect(keyBad.good).toEqual([]);
		expect(keyBad.rejected.map((r) => r.action)).toEqual(['rejected', 'rejected']);
	});

	it('refuses text with NUL where the destination cannot hold it, naming the column', () => {
		const withNul = { id: '1', name: 'a\u0000b' };
		expect(checkRows(table, [withNul]).good).toHaveLength(1);
		const { rejected } = checkRows(table, [withNul], { textHoldsNul: false });
		expect(rejected).toEqual([expect.objectContaining({ column: 'name', reason: expect.stringContaining('NUL') })]);
	});
});

describe('loading with rejects and checkpoints', () => {
	it('writes the good rows, rejects the bad ones, checkpoints the chunk, and skips it on rerun', async () => {
		const destination = new MemoryConnector();
		await destination.createTable(table);
		const rows = [
			{ id: '1', small: 1 },
			{ id: '2', small: 70000 },
			{ id: '3', small: 3 },
		];
		const chunk = { run: 'm', table: 't', position: {} };
		const first = await loadRows(destination, rows, { table: 't', mode: 'upsert', batchSize: 1, chunk });
		expect(first).toMatchObject({ written: 2, skipped: false, rejected: [{ key: ['2'], column: 'small' }] });
		expect(await destination.count('t')).toBe(2);
		expect(await loadRows(destination, rows, { table: 't', mode: 'upsert', batchSize: 1, chunk })).toMatchObject({
			skipped: true,
			written: 0,
		});
	});

	it('finds the row a database refuses by splitting the batch; the rest lands', async () => {
		const destination = new MemoryConnector();
		await destination.createTable(table);
		await destination.write('t', [{ id: '5' }], { mode: 'insert' });
		const rows = Array.from({ length: 9 }, (_, i) => ({ id: String(i + 1) }));
		const result = await loadRows(destination, rows, { table: 't', mode: 'insert', batchSize: 100 });
		expect(result.written).toBe(8);
		expect(result.rejected).toEqual([
			expect.objectContaining({ key: ['5'], reason: expect.stringContaining('duplicate') }),
		]);
	});
});

describe('schema mapping', () => {
	const source: TableSchema = {
		...table,
		name: 'orders',
		columns: [...table.columns, { ...col('shape', 'unknown'), nativeType: 'geometry' }],
	};

	it('refuses a type with no mapping, naming the column and how to override it', () => {
		expect(() => mapTables([source])).toThrow(
			/orders\.shape has native type geometry with no mapping; add a type override for "orders.shape"/,
		);
	});

	it('applies overrides and a destination prefix; refuses an unknown override type', () => {
		const [mapping] = mapTables([source], { 'orders.shape': 'text' }, 'new_');
		expect(mapping.target.name).toBe('new_orders');
		expect(mapping.target.columns.find((c) => c.name === 'shape')?.logical).toBe('text');
		expect(mapping.overridden).toEqual(['shape: unknown → text']);
		expect(() => mapTables([source], { shape: 'geometry' })).toThrow(/unknown type geometry/);
	});

	it('refuses a table without a primary key', () => {
		expect(() => mapTables([{ ...table, primaryKey: [] }])).toThrow(
			expect.objectContaining({ code: 'NO_PRIMARY_KEY' }),
		);
	});
});

describe('rejects kept with the checkpoint', () => {
	it('stores every reject of the chunk, including those found while writing the last batch', async () => {
		const destination = new MemoryConnector();
		await destination.createTable(table);
		await destination.write('t', [{ id: '2' }], { mode: 'insert' });
		const chunk = { run: 'k', table: 't', position: {} };
		await loadRows(destination, [{ id: '1', small: 99999 }, { id: '2' }, { id: '3' }], {
			table: 't',
			mode: 'insert',
			batchSize: 10,
			chunk,
		});
		const [entry] = await destination.state.list<{
			rows: number;
			rejectedCount: number;
			rejected: Array<{ key: string[] }>;
		}>('chunks');
		expect(entry.value).toMatchObject({ rows: 1, rejectedCount: 2, rejected: [{ key: ['1'] }, { key: ['2'] }] });
	});
});
