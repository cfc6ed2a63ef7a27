import { castValue, transformRow, type TransformStep } from '../../core/mapping/transform';

describe('transform steps', () => {
	const row = {
		id: '7',
		first: 'Ada',
		last: 'Lovelace',
		amount: '12.50',
		address: { city: 'London', geo: { lat: 51.5 } },
		owner: '17',
		note: '',
	};

	it('applies rename, drop, default, compute, flatten and remap in order', () => {
		const steps: TransformStep[] = [
			{ action: 'rename', field: 'first', to: 'given_name' },
			{ action: 'drop', field: 'last' },
			{ action: 'default', field: 'note', value: 'n/a' },
			{ action: 'compute', field: 'full', value: 'Ada Lovelace' },
			{ action: 'flatten', field: 'address', separator: '_' },
			{ action: 'remap', field: 'owner', mapping: { '17': 'u-900' }, unmapped: 'reject' },
			{ action: 'cast', field: 'amount', type: 'decimal' },
		];
		expect(transformRow(row, steps)).toEqual({
			row: {
				id: '7',
				given_name: 'Ada',
				amount: '12.5',
				note: 'n/a',
				owner: 'u-900',
				full: 'Ada Lovelace',
				address_city: 'London',
				address_geo_lat: 51.5,
			},
		});
	});

	it('rejects a row whose ID has no mapping, or whose value would change when cast', () => {
		expect(transformRow(row, [{ action: 'remap', field: 'owner', mapping: {}, unmapped: 'reject' }])).toEqual({
			field: 'owner',
			value: '17',
			reason: 'no new id for 17 in the ID map',
		});
		expect(transformRow({ n: '1.5' }, [{ action: 'cast', field: 'n', type: 'int64' }])).toMatchObject({
			field: 'n',
			reason: expect.stringContaining('not an integer'),
		});
		expect(transformRow({ n: '70000' }, [{ action: 'cast', field: 'n', type: 'int16' }])).toMatchObject({
			reason: expect.stringContaining('outside the int16 range'),
		});
	});

	it('casts exactly', () => {
		expect(castValue('9007199254740993', 'int64')).toEqual({ value: '9007199254740993' });
		expect(castValue('0.1', 'float64')).toEqual({ value: 0.1 });
		expect(castValue('0.10000000000000000555', 'float64')).toMatchObject({
			reason: expect.stringContaining('not exactly representable'),
		});
		expect(castValue('T', 'boolean')).toEqual({ value: true });
		expect(castValue('maybe', 'boolean')).toMatchObject({ reason: expect.stringContaining('not a boolean') });
		// JSON text stays text (exact); an object stays an object.
		expect(castValue('{"a":1}', 'json')).toEqual({ value: '{"a":1}' });
		expect(castValue({ a: 1 }, 'json')).toEqual({ value: { a: 1 } });
		expect(castValue('2024-01-02 03:04:05.123456', 'timestamptz')).toEqual({ value: '2024-01-02T03:04:05.123456Z' });
		expect(castValue({ b: 1, a: 2 }, 'string')).toEqual({ value: '{"a":2,"b":1}' });
		expect(castValue(null, 'int64')).toEqual({ value: null });
	});
});
