import type { Row, TableSchema } from '../../core/model/schema';

/** Values at the edges of every logical type, written and read back unchanged by every connector. */
export const edgeTable: TableSchema = {
	name: 'dm_edge',
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'flag', nativeType: '', logical: 'boolean', nullable: true },
		{ name: 'small', nativeType: '', logical: 'int16', nullable: true },
		{ name: 'regular', nativeType: '', logical: 'int32', nullable: true },
		{ name: 'big', nativeType: '', logical: 'int64', nullable: true },
		{ name: 'amount', nativeType: '', logical: 'decimal', nullable: true, precision: 38, scale: 10 },
		{ name: 'ratio', nativeType: '', logical: 'float64', nullable: true },
		{ name: 'label', nativeType: '', logical: 'string', nullable: true, length: 200 },
		{ name: 'body', nativeType: '', logical: 'text', nullable: true },
		{ name: 'born', nativeType: '', logical: 'date', nullable: true },
		{ name: 'local_at', nativeType: '', logical: 'timestamp', nullable: true },
		{ name: 'instant_at', nativeType: '', logical: 'timestamptz', nullable: true },
		{ name: 'payload', nativeType: '', logical: 'binary', nullable: true },
		{ name: 'doc', nativeType: '', logical: 'json', nullable: true },
	],
	primaryKey: ['id'],
	indexes: [{ name: 'dm_edge_label_idx', columns: ['label'], unique: false }],
	foreignKeys: [],
	rowEstimate: 0,
};

export const edgeRows: Row[] = [
	{
		id: '1',
		flag: true,
		small: 32767,
		regular: 2147483647,
		big: '9223372036854775807',
		amount: '9999999999999999999999999999.9999999999',
		ratio: 1.7976931348623157e308,
		label: 'emoji 😀 ñandú 中文 — "quotes" \'single\' \\ backslash',
		body: 'line1\nline2\ttab\r\nend',
		born: '1970-01-01',
		local_at: '2024-02-29T23:59:59.999999',
		instant_at: '2038-01-19T03:14:08.000001Z',
		payload: Buffer.from([0, 1, 2, 0, 255, 0x5c, 0x27, 0]),
		doc: { b: [1, 2, { c: 'x' }], a: null, unicode: 'é😀', nested: { deep: true } },
	},
	{
		id: '-9223372036854775808',
		flag: false,
		small: -32768,
		regular: -2147483648,
		big: '-9223372036854775808',
		amount: '-9999999999999999999999999999.9999999999',
		ratio: -2.2250738585072014e-308,
		label: '',
		body: '',
		born: '2999-12-31',
		local_at: '1901-12-13T20:45:52.000000',
		instant_at: '1970-01-01T00:00:00.000000Z',
		payload: Buffer.alloc(0),
		doc: [],
	},
	{
		id: '0',
		flag: null,
		small: null,
		regular: null,
		big: null,
		amount: null,
		ratio: null,
		label: null,
		body: null,
		born: null,
		local_at: null,
		instant_at: null,
		payload: null,
		doc: null,
	},
	{
		id: '42',
		flag: true,
		small: 0,
		regular: 0,
		big: '0',
		amount: '0.0000000001',
		ratio: 0.1,
		label: 'NULL',
		body: '\\N',
		born: '2000-02-29',
		local_at: '2024-06-01T12:00:00.5',
		instant_at: '2024-06-01T12:00:00.123Z',
		payload: Buffer.from('\\x00', 'utf8'),
		doc: { s: 'a "quoted" \\ value', n: 12.5, t: true },
	},
];

export const compositeTable: TableSchema = {
	name: 'dm_composite',
	columns: [
		{ name: 'tenant', nativeType: '', logical: 'string', nullable: false, length: 40 },
		{ name: 'seq', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'note', nativeType: '', logical: 'string', nullable: true, length: 40 },
	],
	primaryKey: ['tenant', 'seq'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

export function compositeRows(tenants: number, perTenant: number): Row[] {
	const rows: Row[] = [];
	for (let t = 0; t < tenants; t++) {
		for (let s = 0; s < perTenant; s++)
			rows.push({ tenant: `tenant-${String(t).padStart(3, '0')}-ü`, seq: String(s * 7 - 50), note: `n${t}.${s}` });
	}
	return rows;
}

export const bulkTable: TableSchema = {
	name: 'dm_bulk',
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'name', nativeType: '', logical: 'string', nullable: true, length: 60 },
		{ name: 'amount', nativeType: '', logical: 'decimal', nullable: true, precision: 12, scale: 2 },
	],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

export function bulkRows(count: number): Row[] {
	const rows: Row[] = [];
	// Gaps in the key: every third id is skipped, so chunks are not plain id arithmetic.
	for (let i = 0, id = 1; i < count; i++, id += i % 3 === 0 ? 2 : 1) {
		rows.push({ id: String(id), name: `row ${id} ✓`, amount: `${id % 100000}.${String(id % 100).padStart(2, '0')}` });
	}
	return rows;
}
