import {
	canonicalDecimal,
	canonicalJson,
	canonicalKeyValue,
	canonicalText,
	padFraction,
} from '../../core/model/canonical';

describe('canonical text of values', () => {
	it.each([
		['-001.2300', '-1.23'],
		['0.000', '0'],
		['-0.0', '0'],
		['+5', '5'],
		['12345678901234567890123456789.0123456789', '12345678901234567890123456789.0123456789'],
		['-9223372036854775808', '-9223372036854775808'],
		['100', '100'],
		['1.50E+3', '1500'],
		['-1E-10', '-0.0000000001'],
		['0E-8', '0'],
	])('decimal %s → %s, exactly (never through a float)', (input, expected) => {
		expect(canonicalDecimal(input)).toBe(expected);
	});

	it('pads timestamps to microseconds and keeps the zone mark', () => {
		expect(padFraction('2024-02-29T23:59:59Z')).toBe('2024-02-29T23:59:59.000000Z');
		expect(padFraction('2024-02-29T23:59:59.5')).toBe('2024-02-29T23:59:59.500000');
		expect(padFraction('00:00:01.000001')).toBe('00:00:01.000001');
	});

	it('sorts JSON keys at every depth and keeps arrays in order', () => {
		expect(canonicalJson({ b: [2, { d: 1, c: null }], a: '✓' })).toBe('{"a":"✓","b":[2,{"c":null,"d":1}]}');
	});

	it('gives one text per logical type', () => {
		expect(canonicalText(null, 'string')).toBeNull();
		expect(canonicalText(true, 'boolean')).toBe('1');
		expect(canonicalText('0', 'boolean')).toBe('0');
		expect(canonicalText(Buffer.from([0, 255, 16]), 'binary')).toBe('00ff10');
		expect(canonicalText(Buffer.from([0, 255]).toString('base64'), 'binary')).toBe('00ff');
		expect(canonicalText('', 'string')).toBe('');
		expect(canonicalText(1.5, 'float64')).toBe('1.5');
		expect(canonicalText('9007199254740993', 'int64')).toBe('9007199254740993');
	});

	it('keys in one form: ObjectId hex in lowercase, integers as text, other types as given', () => {
		expect(canonicalText('65A1B2C3D4E5F60718293A4B', 'objectId')).toBe('65a1b2c3d4e5f60718293a4b');
		expect(canonicalKeyValue('65A1B2C3D4E5F60718293A4B', 'objectId')).toBe('65a1b2c3d4e5f60718293a4b');
		expect(canonicalKeyValue(42, 'int64')).toBe('42');
		expect(canonicalKeyValue('1.50', 'decimal')).toBe('1.5');
		expect(canonicalKeyValue('Ab', 'string')).toBe('Ab');
		expect(canonicalKeyValue(null, 'int32')).toBeNull();
	});
});
