import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb';
import { bsonTypeName, fromBson, logicalOfBson, mergeLogical, toBson } from '../../connectors/mongodb/mongodb-types';
import type { Column } from '../../core/model/schema';

const col = (logical: Column['logical']): Column => ({ name: 'c', nativeType: '', logical, nullable: true });

/** BSON values FerretDB 1.x refuses to store (Decimal128, NaN, ±Infinity, nested arrays) are tested here. */
describe('BSON conversions', () => {
	it('keeps Decimal128 exact, both ways', () => {
		const d = Decimal128.fromString('123456789012345678901234.0123456789');
		expect(fromBson(d)).toBe('123456789012345678901234.0123456789');
		expect(fromBson(Decimal128.fromString('-1E-10'))).toBe('-0.0000000001');
		expect(fromBson(Decimal128.fromString('1.5E+3'))).toBe('1500');
		expect(fromBson(Decimal128.fromString('1.500'))).toBe('1.5');
		expect(fromBson(toBson('-0.0000000001', col('decimal')))).toBe('-0.0000000001');
		// DECIMAL(38,10) can need 38 digits: refused rather than rounded.
		expect(() => toBson('1234567890123456789012345678.0123456789', col('decimal'))).toThrow(
			expect.objectContaining({ code: 'VALUE_NOT_REPRESENTABLE' }),
		);
		expect(logicalOfBson(d)).toBe('decimal');
	});

	it('refuses NaN and ±Infinity, naming the field, instead of turning them into null', () => {
		for (const value of [NaN, Infinity, -Infinity]) {
			expect(() => fromBson(value, 'float64', 'ratio')).toThrow(
				expect.objectContaining({ code: 'VALUE_NOT_REPRESENTABLE' }),
			);
		}
		expect(() => fromBson({ inner: [1, NaN] }, 'json', 'doc')).toThrow(/doc\.inner/);
	});

	it('converts nested arrays and documents to JSON with exact scalars', () => {
		const value = [
			[1, 2],
			[Long.fromString('9223372036854775807'), [new ObjectId('65a1b2c3d4e5f60718293a4b')]],
			{ b: new Binary(Buffer.from([0, 1])) },
		];
		// An int64 beyond 2^53 keeps its digits: the document travels as exact JSON text.
		expect(fromBson(value)).toBe('[[1,2],[9223372036854775807,["65a1b2c3d4e5f60718293a4b"]],{"b":"AAE="}]');
		expect(fromBson([Long.fromNumber(5), { n: new Int32(7), d: new Double(2) }])).toEqual([5, { n: 7, d: 2 }]);
		// A string in a JSON column is written as the JSON string it is.
		expect(fromBson('abc', 'json')).toBe('"abc"');
		expect(logicalOfBson(value)).toBe('json');
	});

	it('keeps int64 extremes exact and dates as UTC instants', () => {
		expect(fromBson(BigInt('-9223372036854775808'))).toBe('-9223372036854775808');
		expect((toBson('9223372036854775807', col('int64')) as Long).toString()).toBe('9223372036854775807');
		expect(fromBson(new Date('2024-02-29T12:00:00.123Z'))).toBe('2024-02-29T12:00:00.123Z');
		expect(fromBson(new Date('2024-02-29T12:00:00.123Z'), 'timestamp')).toBe('2024-02-29T12:00:00.123');
	});

	it('refuses sub-millisecond timestamps a BSON date cannot hold', () => {
		expect(() => toBson('2024-01-01T00:00:00.000001Z', col('timestamptz'))).toThrow(
			expect.objectContaining({ code: 'VALUE_NOT_REPRESENTABLE' }),
		);
		expect((toBson('2024-01-01T00:00:00.123000Z', col('timestamptz')) as Date).toISOString()).toBe(
			'2024-01-01T00:00:00.123Z',
		);
	});

	it('types wrappers and merges numeric kinds upward', () => {
		expect(fromBson(new Int32(7))).toBe(7);
		expect(fromBson(new Double(2.5))).toBe(2.5);
		expect(mergeLogical('int32', 'int64')).toBe('int64');
		expect(mergeLogical('int64', 'decimal')).toBe('decimal');
		expect(mergeLogical('string', 'int32')).toBe('json');
		expect(bsonTypeName('int64')).toBe('long');
	});
});
