import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb';
import { canonicalDecimal } from '../../core/model/canonical';
import { ValueError } from '../../core/model/errors';
import type { Column, JsonValue, LogicalType, Value } from '../../core/model/schema';

/** Logical type of one BSON value, as the driver returns it (useBigInt64 on). */
export function logicalOfBson(value: unknown): LogicalType | undefined {
	if (value === null || value === undefined) return undefined;
	if (value instanceof ObjectId) return 'objectId';
	if (typeof value === 'string') return 'string';
	if (typeof value === 'boolean') return 'boolean';
	if (typeof value === 'bigint' || value instanceof Long) return 'int64';
	if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 2147483647 ? 'int32' : 'float64';
	if (value instanceof Int32) return 'int32';
	if (value instanceof Double) return 'float64';
	if (value instanceof Decimal128) return 'decimal';
	if (value instanceof Date) return 'timestamptz';
	if (value instanceof Binary || Buffer.isBuffer(value)) return 'binary';
	return 'json';
}

/** The BSON type (as `$type` names it) a column of this logical type is stored as. */
export function bsonTypeName(logical: LogicalType): string {
	const names: Partial<Record<LogicalType, string>> = {
		boolean: 'bool',
		int16: 'int',
		int32: 'int',
		int64: 'long',
		decimal: 'decimal',
		float32: 'double',
		float64: 'double',
		date: 'date',
		timestamp: 'date',
		timestamptz: 'date',
		binary: 'binData',
		objectId: 'objectId',
		json: 'object',
		unknown: 'null',
	};
	return names[logical] ?? 'string';
}

/** Combines the types seen for one field across sampled documents. */
export function mergeLogical(a: LogicalType | undefined, b: LogicalType | undefined): LogicalType | undefined {
	if (!a) return b;
	if (!b || a === b) return a;
	const numeric: LogicalType[] = ['int32', 'int64', 'float64', 'decimal'];
	if (numeric.includes(a) && numeric.includes(b)) {
		if (a === 'decimal' || b === 'decimal') return 'decimal';
		if (a === 'float64' || b === 'float64') return 'float64';
		return 'int64';
	}
	return 'json';
}

/** BSON value → canonical value; nested documents become JSON with the same scalar rules. */
export function fromBson(value: unknown, logical?: LogicalType, field?: string): Value {
	if (value === null || value === undefined) return null;
	if (value instanceof ObjectId) return value.toHexString();
	if (typeof value === 'bigint') return value.toString();
	if (value instanceof Long) return value.toString();
	if (value instanceof Int32 || value instanceof Double) return value.valueOf();
	if (value instanceof Decimal128) return canonicalDecimal(value.toString());
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime()))
			throw new ValueError(`${field ? `Field ${field}: ` : ''}invalid BSON date`, { column: field });
		const iso = value.toISOString();
		if (logical === 'date') return iso.slice(0, 10);
		return logical === 'timestamp' ? iso.slice(0, -1) : iso;
	}
	if (value instanceof Binary) return Buffer.from(value.buffer);
	if (Buffer.isBuffer(value)) return value;
	if (typeof value === 'number') {
		// JSON cannot carry these; they would silently become null in an n8n item.
		if (!Number.isFinite(value))
			throw new ValueError(`${field ? `Field ${field}: ` : ''}${value} cannot be represented as a JSON number`, {
				column: field,
			});
		if (logical === 'int64') return String(value);
		return value;
	}
	if (Array.isArray(value)) return value.map((v) => fromBsonNested(v, field));
	if (typeof value === 'object') {
		const out: Record<string, JsonValue> = {};
		for (const [k, v] of Object.entries(value as object)) out[k] = fromBsonNested(v, field ? `${field}.${k}` : k);
		return out;
	}
	return value as Value;
}

function fromBsonNested(value: unknown, field?: string): JsonValue {
	const converted = fromBson(value, undefined, field);
	return Buffer.isBuffer(converted) ? converted.toString('base64') : (converted as JsonValue);
}

/** Canonical value → BSON for a column of the given logical type. */
export function toBson(value: Value | undefined, column: Column): unknown {
	if (value === null || value === undefined) return null;
	switch (column.logical) {
		case 'objectId':
			return typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value) ? new ObjectId(value) : value;
		case 'int64':
			return Long.fromString(canonicalDecimal(String(value)));
		case 'int16':
		case 'int32':
			return new Int32(Number(value));
		case 'float32':
		case 'float64':
			return new Double(Number(value));
		case 'decimal':
			return toDecimal128(String(value), column);
		case 'timestamp':
		case 'timestamptz':
		case 'date':
			return toDate(String(value), column);
		case 'binary':
			return new Binary(Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'base64'));
		case 'boolean':
			return value === true || value === 1 || value === '1' || value === 'true' || value === 't';
		default:
			return value;
	}
}

/** Decimal128 holds 34 significant digits; a value needing more would be rounded, so it is refused. */
function toDecimal128(text: string, column: Column): Decimal128 {
	const exact = canonicalDecimal(text);
	const [whole, fraction = ''] = exact.replace('-', '').split('.');
	const significant = (fraction ? whole + fraction : whole.replace(/0+$/, '')).replace(/^0+/, '');
	if (significant.length > 34) {
		throw new ValueError(`Column ${column.name}: ${exact} has more digits than a BSON Decimal128 holds (34)`, {
			column: column.name,
		});
	}
	return Decimal128.fromString(exact);
}

/** BSON dates hold milliseconds; a value with finer digits would be altered, so it is refused. */
function toDate(text: string, column: Column): Date {
	const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
	if (/[1-9]/.test(fraction.slice(3))) {
		throw new ValueError(`Column ${column.name}: ${text} has sub-millisecond digits a BSON date cannot hold`, {
			column: column.name,
		});
	}
	const normalised = /Z|[+-]\d{2}:?\d{2}$/.test(text) || column.logical === 'date' ? text : `${text}Z`;
	const date = new Date(normalised.replace(/(\.\d{3})\d+/, '$1'));
	if (Number.isNaN(date.getTime()))
		throw new ValueError(`Column ${column.name}: ${text} is not a date`, { column: column.name });
	return date;
}
