import { flattenRow, flattenSchema, nullMissingSubdocuments } from '../../core/mapping/flatten';
import { checkRows } from '../../core/copy/row-check';
import type { Row, TableSchema } from '../../core/model/schema';

describe('flattening nested documents', () => {
	it('turns nested objects into one field per leaf and keeps arrays and scalars', () => {
		expect(flattenRow({ _id: 'a', sub: { x: 1, deep: { y: 'z' } }, tags: [1, { k: 2 }], n: null }, '_')).toEqual({
			_id: 'a',
			sub_x: 1,
			sub_deep_y: 'z',
			tags: [1, { k: 2 }],
			n: null,
		});
	});

	it('infers leaf columns from a sample, widening mixed types instead of guessing', () => {
		const schema: TableSchema = {
			name: 'docs',
			columns: [
				{ name: '_id', nativeType: 'objectId', logical: 'objectId', nullable: false },
				{ name: 'sub', nativeType: 'object', logical: 'json', nullable: true },
				{ name: 'tags', nativeType: 'object', logical: 'json', nullable: true },
			],
			primaryKey: ['_id'],
			indexes: [],
			foreignKeys: [],
			rowEstimate: 0,
		};
		const sample: Row[] = [
			{ _id: '1', sub: { x: 1, r: 1, ok: true, s: 'a' }, tags: ['a'] },
			{ _id: '2', sub: { x: 2, r: 1.5, ok: null, s: 3, list: [1] }, tags: [] },
		];
		const columns = flattenSchema(schema, sample, '_').columns.map((c) => [c.name, c.logical, c.nullable]);
		expect(columns).toEqual([
			['_id', 'objectId', false],
			['sub_x', 'int64', true],
			['sub_r', 'float64', true],
			['sub_ok', 'boolean', true],
			['sub_s', 'text', true],
			['sub_list', 'json', true],
			['tags', 'json', true],
		]);
	});
});

describe('a flattened row whose subdocument is missing', () => {
	const schema: TableSchema = {
		name: 'docs',
		columns: [
			{ name: '_id', nativeType: '', logical: 'string', nullable: false },
			{ name: 'obj_a', nativeType: '', logical: 'int64', nullable: true },
			{ name: 'obj_b_c', nativeType: '', logical: 'text', nullable: true },
		],
		primaryKey: ['_id'],
		indexes: [],
		foreignKeys: [],
		rowEstimate: 0,
	};

	it('lands with NULL leaves when the subdocument was null or absent', () => {
		expect(nullMissingSubdocuments({ _id: '1', obj: null }, schema, '_')).toEqual({
			_id: '1',
			obj_a: null,
			obj_b_c: null,
		});
		const absent = { _id: '2' };
		expect(nullMissingSubdocuments(absent, schema, '_')).toBe(absent);
		expect(checkRows(schema, [nullMissingSubdocuments({ _id: '1', obj: null }, schema, '_')]).rejected).toEqual([]);
	});

	it('still refuses a leaf the sample never showed, by its name', () => {
		const row = nullMissingSubdocuments({ _id: '3', obj_a: 1, obj_new: 'x' }, schema, '_');
		expect(checkRows(schema, [row]).rejected).toEqual([
			expect.objectContaining({ column: 'obj_new', reason: 'no column obj_new in docs' }),
		]);
	});
});
