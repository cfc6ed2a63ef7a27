import { childTablesFor, isRejection, splitRow } from '../../core/mapping/child-tables';
import type { Row, TableSchema } from '../../core/model/schema';

const parent: TableSchema = {
	name: 'orders',
	columns: [
		{ name: '_id', nativeType: 'objectId', logical: 'objectId', nullable: false },
		{ name: 'tags', nativeType: 'array', logical: 'json', nullable: true },
		{ name: 'lines', nativeType: 'array', logical: 'json', nullable: true },
		{ name: 'meta', nativeType: 'object', logical: 'json', nullable: true },
	],
	primaryKey: ['_id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};
const sample: Row[] = [
	{ _id: 'a', tags: ['x', 'y'], lines: [{ sku: 's1', qty: 1, position: 'top', opt: { c: 'red' } }], meta: { k: 1 } },
	{ _id: 'b', tags: [], lines: [{ sku: 's2', qty: 2.5 }], meta: null },
	{ _id: 'c', tags: null, lines: null },
];

describe('arrays as child tables', () => {
	const { parent: designed, children } = childTablesFor(parent, sample, '_');

	it('designs one child table per array field, keyed by parent key and position, and a count column in the parent', () => {
		expect(designed.columns.map((c) => [c.name, c.logical])).toEqual([
			['_id', 'objectId'],
			['tags_count', 'int32'],
			['lines_count', 'int32'],
			['meta', 'json'],
		]);
		const [tags, lines] = children;
		expect(tags.schema.name).toBe('orders_tags');
		expect(tags.schema.columns.map((c) => [c.name, c.logical, c.nullable])).toEqual([
			['parent__id', 'objectId', false],
			['position', 'int32', false],
			['value', 'text', true],
		]);
		expect(tags.schema.primaryKey).toEqual(['parent__id', 'position']);
		expect(tags.schema.foreignKeys[0]).toMatchObject({
			columns: ['parent__id'],
			referencedTable: 'orders',
			referencedColumns: ['_id'],
		});
		// Object elements: one column per leaf; a leaf named like a reserved column is prefixed.
		expect(lines.schema.columns.map((c) => [c.name, c.logical])).toEqual([
			['parent__id', 'objectId'],
			['position', 'int32'],
			['sku', 'text'],
			['qty', 'float64'],
			['value_position', 'text'],
			['opt_c', 'text'],
		]);
	});

	it('splits a document into its parent row and element rows; [] and null differ by the count', () => {
		const split = splitRow({ _id: 'a', tags: ['x', 'y'], lines: [], meta: { k: 1 } }, designed, children);
		expect(split).toEqual({
			parent: { _id: 'a', tags_count: 2, lines_count: 0, meta: { k: 1 } },
			children: {
				orders_tags: [
					{ parent__id: 'a', position: 0, value: 'x' },
					{ parent__id: 'a', position: 1, value: 'y' },
				],
				orders_lines: [],
			},
		});
		const empty = splitRow({ _id: 'b', tags: null }, designed, children);
		expect(!isRejection(empty) && empty.parent).toEqual({ _id: 'b', tags_count: null, lines_count: null });
		const withLeaves = splitRow(
			{ _id: 'c', lines: [{ sku: 's', position: 'p', opt: { c: null } }] },
			designed,
			children,
		);
		expect(!isRejection(withLeaves) && withLeaves.children.orders_lines).toEqual([
			{ parent__id: 'c', position: 0, sku: 's', value_position: 'p', opt_c: null },
		]);
	});

	it('rejects a document whose array does not fit the design, naming field and reason', () => {
		expect(splitRow({ _id: 'd', tags: 'x' }, designed, children)).toMatchObject({
			key: ['d'],
			column: 'tags',
			reason: expect.stringContaining('not an array'),
		});
		expect(splitRow({ _id: 'e', lines: [{ sku: 's', colour: 'red' }] }, designed, children)).toMatchObject({
			column: 'lines[0].colour',
			reason: expect.stringContaining('no column'),
		});
		expect(splitRow({ _id: 'f', lines: ['s'] }, designed, children)).toMatchObject({
			reason: expect.stringContaining('not an object'),
		});
	});

	it('keeps mixed or null elements in one value column rather than losing a null', () => {
		const { children: mixed } = childTablesFor(parent, [{ _id: 'a', tags: [{ a: 1 }, null], lines: [1, 'x'] }], '_');
		expect(mixed.map((c) => [c.field, c.schema.columns.at(-1)!.name, c.schema.columns.at(-1)!.logical])).toEqual([
			['tags', 'value', 'json'],
			['lines', 'value', 'text'],
		]);
	});

	it('refuses a count column that would collide with an existing column', () => {
		const clash = {
			...parent,
			columns: [
				...parent.columns,
				{ name: 'tags_count', nativeType: 'int', logical: 'int32' as const, nullable: true },
			],
		};
		expect(() => childTablesFor(clash, sample, '_')).toThrow(/tags_count exists/);
	});
});
