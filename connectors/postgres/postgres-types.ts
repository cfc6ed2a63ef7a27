import { canonicalDecimal } from '../../core/model/canonical';
import { ValueError } from '../../core/model/errors';
import type { Column, LogicalType, Value } from '../../core/model/schema';

/** PostgreSQL type name (format_type output) → logical type. */
export function logicalFromPostgres(nativeType: string): LogicalType {
	const t = nativeType
		.toLowerCase()
		.replace(/\(.*\)/, '')
		.trim();
	if (t.endsWith('[]')) return 'json';
	switch (t) {
		case 'boolean':
			return 'boolean';
		case 'smallint':
			return 'int16';
		case 'integer':
			return 'int32';
		case 'bigint':
			return 'int64';
		case 'numeric':
			return 'decimal';
		case 'real':
			return 'float32';
		case 'double precision':
			return 'float64';
		case 'character varying':
		case 'character':
			return 'string';
		case 'text':
		case 'citext':
			return 'text';
		case 'uuid':
			return 'uuid';
		case 'date':
			return 'date';
		case 'time without time zone':
			return 'time';
		case 'interval':
			return 'interval';
		case 'timestamp without time zone':
			return 'timestamp';
		case 'timestamp with time zone':
			return 'timestamptz';
		case 'bytea':
			return 'binary';
		case 'json':
		case 'jsonb':
			return 'json';
		default:
			return 'unknown';
	}
}

/** Logical type → PostgreSQL column type for CREATE TABLE. */
export function postgresTypeFor(column: Column): string {
	switch (column.logical) {
		case 'boolean':
			return 'boolean';
		case 'int16':
			return 'smallint';
		case 'int32':
			return 'integer';
		case 'int64':
			return 'bigint';
		case 'decimal':
			return column.precision ? `numeric(${column.precision},${column.scale ?? 0})` : 'numeric';
		case 'float32':
			return 'real';
		case 'float64':
			return 'double precision';
		case 'string':
			return column.length && column.length <= 10485760 ? `varchar(${column.length})` : 'text';
		case 'text':
		case 'unknown':
			return 'text';
		case 'uuid':
			return 'uuid';
		case 'date':
			return 'date';
		case 'time':
			return 'time(6)';
		case 'interval':
			return 'interval';
		case 'timestamp':
			return 'timestamp(6)';
		case 'timestamptz':
			return 'timestamptz(6)';
		case 'binary':
			return 'bytea';
		case 'json':
			return 'jsonb';
		case 'objectId':
			return 'char(24)';
	}
}

/** Result parsers: exact strings for everything JavaScript numbers or Dates would alter. */
const OID = {
	int8: 20,
	numeric: 1700,
	date: 1082,
	time: 1083,
	timestamp: 1114,
	timestamptz: 1184,
	money: 790,
	json: 114,
	jsonb: 3802,
	interval: 1186,
};

export function postgresTypeParser(oid: number): ((text: string) => unknown) | undefined {
	switch (oid) {
		case OID.int8:
		case OID.numeric:
		case OID.date:
		case OID.time:
		case OID.money:
		case OID.interval:
		// JSON stays text: JSON.parse would round big integers and turn 1e400 into Infinity.
		case OID.json:
		case OID.jsonb:
			return (text) => text;
		case OID.timestamp:
			return (text) => text.replace(' ', 'T');
		case OID.timestamptz:
			// Sessions run with TimeZone=UTC, so the offset is always +00.
			return (text) => text.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
		default:
			return undefined;
	}
}

/** A value in COPY text format (NULL is \N; backslash, tab and line breaks escaped). */
export function copyText(value: Value | undefined, column: Column): string {
	if (value === null || value === undefined) return '\\N';
	let text: string;
	switch (column.logical) {
		case 'binary':
			text = '\\x' + toBuffer(value, column).toString('hex');
			break;
		case 'json':
			text = jsonText(value);
			break;
		case 'interval':
			text = String(value);
			break;
		case 'boolean':
			text = value === true || value === 1 || value === 'true' || value === 't' || value === '1' ? 't' : 'f';
			break;
		case 'float32':
		case 'float64':
			text = typeof value === 'number' ? floatText(value) : String(value);
			break;
		default:
			text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	}
	return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : text;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function floatText(n: number): string {
	if (Number.isNaN(n)) return 'NaN';
	if (n === Infinity) return 'Infinity';
	if (n === -Infinity) return '-Infinity';
	return String(n);
}

export function toBuffer(value: Value, column: Column): Buffer {
	if (Buffer.isBuffer(value)) return value;
	if (typeof value === 'string') return Buffer.from(value, 'base64');
	throw new ValueError(`Column ${column.name} expects binary data, got ${typeof value}`, { column: column.name });
}

/** A value bound as a query parameter (keys in range predicates, rows in upserts). */
export function postgresParam(value: Value | undefined, column: Column): unknown {
	if (value === null || value === undefined) return null;
	if (column.logical === 'binary') return toBuffer(value, column);
	if (column.logical === 'json') return jsonText(value);
	if (column.logical === 'decimal' || column.logical === 'int64') return canonicalDecimal(String(value));
	return value;
}

/** A JSON column's value as JSON text: text stays as it is (exact), a parsed value is serialised. */
export function jsonText(value: Value): string {
	return typeof value === 'string' ? value : JSON.stringify(value);
}
