import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb';
import { canonicalDecimal } from '../../core/model/canonical';
import { canonicalJsonText, canonicalJsonValue } from '../../core/model/json-text';
import { ValueError } from '../../core/model/errors';
import type { Column, JsonValue, LogicalType, Value } from '../../core/model/schema';

/**
 * How documents are read: BSON's own number types, so an int64 stays an exact Long and an Int32
 * is told from a Double (promoted, a stored 3.0 would read as the integer 3).
 */
export const EXACT_BSON = { promoteValues: false, useBigInt64: false } as const;

/** Logical type of one BSON value, as the driver returns it (useBigInt64 on). */
export function logicalOfBson(value: unknown): LogicalType | undefined {
	if (value === null || value === undefined) return undefined;
	if (value instanceof ObjectId) return 'objectId';
	if (typeof value === 'string') return 'string';
	if (typeof value === 'boolean') return 'boolean';
	if (typeof value === 'bigint' || value instanceof Long) return 'int64';
	// The client keeps BSON's own number types (promoteValues off): a Double is never taken for an Int32.
	if (value instanceof Int32) return 'int32';
	if (value instanceof Double) return 'float64';
	if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 2147483647 ? 'int32' : 'float64';
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

/**
 * BSON value → canonical value. Documents, arrays and every value of a JSON column are JSON: parsed
 * values while a JavaScript value holds them exactly, else JSON text with the exact digits (an int64
 * beyond 2^53, a Decimal128), never a number turned into a string.
 */
export function fromBson(value: unknown, logical?: LogicalType, field?: string): Value {
	if (value === null || value === undefined) return null;
	if (logical === 'json' || Array.isArray(value) || isDocument(value)) return jsonOfBson(value, field);
	return scalarOfBson(value, logical, field);
}

function scalarOfBson(value: unknown, logical: LogicalType | undefined, field: string | undefined): Value {
	if (value instanceof ObjectId) return value.toHexString();
	if (typeof value === 'bigint') return value.toString();
	if (value instanceof Long) return value.toString();
	if (value instanceof Int32 || value instanceof Double) return finite(value.valueOf(), logical, field);
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
	if (typeof value === 'number') return finite(value, logical, field);
	return value as Value;
}

function finite(value: number, logical: LogicalType | undefined, field: string | undefined): Value {
	// JSON cannot carry these; they would silently become null in an n8n item.
	if (!Number.isFinite(value))
		throw new ValueError(`${field ? `Field ${field}: ` : ''}${value} cannot be represented as a JSON number`, {
			column: field,
		});
	return logical === 'int64' ? String(value) : value;
}

const isDocument = (value: unknown): value is Record<string, unknown> =>
	!!value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && !Buffer.isBuffer(value);

const INEXACT = Symbol('inexact');

function jsonOfBson(value: unknown, field?: string): Value {
	const plain = plainJson(value, field);
	if (plain === INEXACT) return exactJsonText(value, field);
	// A string in a JSON column is JSON text (row-check, writers): a string value becomes its JSON.
	return typeof plain === 'string' ? JSON.stringify(plain) : plain;
}

/** The value as plain JSON, or INEXACT where only text would hold it exactly. */
function plainJson(value: unknown, field?: string): JsonValue | typeof INEXACT {
	if (value === null || value === undefined) return null;
	if (typeof value === 'bigint' || value instanceof Long) {
		const n = Number(value.toString());
		return Number.isSafeInteger(n) ? n : INEXACT;
	}
	if (value instanceof Decimal128) return INEXACT;
	if (Array.isArray(value)) {
		const out: JsonValue[] = [];
		for (const [i, v] of value.entries()) {
			const item = plainJson(v, `${field ?? ''}[${i}]`);
			if (item === INEXACT) return INEXACT;
			out.push(item);
		}
		return out;
	}
	if (isDocument(value)) {
		const out: Record<string, JsonValue> = {};
		for (const [k, v] of Object.entries(value)) {
			const item = plainJson(v, field ? `${field}.${k}` : k);
			if (item === INEXACT) return INEXACT;
			out[k] = item;
		}
		return out;
	}
	const scalar = scalarOfBson(value, undefined, field);
	return Buffer.isBuffer(scalar) ? scalar.toString('base64') : (scalar as JsonValue);
}

/** JSON text with every number's exact digits. */
function exactJsonText(value: unknown, field?: string): string {
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'bigint' || value instanceof Long) return value.toString();
	if (value instanceof Decimal128) {
		const text = value.toString();
		if (!/^-?\d/.test(text))
			throw new ValueError(
				`${field ? `Field ${field}: ` : ''}Decimal128 ${text} cannot be represented as a JSON number`,
				{
					column: field,
				},
			);
		return canonicalDecimal(text);
	}
	if (Array.isArray(value)) return `[${value.map((v, i) => exactJsonText(v, `${field ?? ''}[${i}]`)).join(',')}]`;
	if (isDocument(value))
		return `{${Object.entries(value)
			.map(([k, v]) => `${JSON.stringify(k)}:${exactJsonText(v, field ? `${field}.${k}` : k)}`)
			.join(',')}}`;
	return JSON.stringify(plainJson(value, field) as JsonValue);
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
		case 'json':
			return typeof value === 'string' ? documentOfJsonText(value, column) : value;
		default:
			return value;
	}
}

/** JSON text as a BSON value: exact, or refused where a double would round one of its numbers. */
function documentOfJsonText(text: string, column: Column): unknown {
	const parsed = JSON.parse(text) as unknown;
	if (canonicalJsonValue(parsed) !== canonicalJsonText(text))
		throw new ValueError(`Column ${column.name}: a number in this JSON has more digits than a BSON double holds`, {
			column: column.name,
		});
	return parsed;
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
