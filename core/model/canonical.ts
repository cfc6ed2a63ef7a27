import { canonicalJsonText, canonicalJsonValue } from './json-text';
import type { LogicalType, Value } from './schema';

/**
 * Engine-independent text of a value, the input of row digests and of value comparison.
 * Decimals lose trailing zeros, timestamps always carry six fractional digits, binary and
 * ObjectIds are lowercase hex, JSON has its keys sorted.
 */
export function canonicalText(value: Value | undefined, logical: LogicalType): string | null {
	if (value === null || value === undefined) return null;
	switch (logical) {
		case 'boolean':
			return value === true || value === 1 || value === '1' || value === 't' || value === 'true' ? '1' : '0';
		case 'int16':
		case 'int32':
		case 'int64':
		case 'decimal':
			// A boolean column mapped from an integer (TINYINT(1) holding only 0 and 1) compares as 0/1.
			if (typeof value === 'boolean') return value ? '1' : '0';
			// Drivers hand most integers over as safe numbers, whose text is already canonical.
			if (Number.isSafeInteger(value)) return String(value);
			return typeof value === 'string' && CANONICAL_INTEGER.test(value) ? value : canonicalDecimal(String(value));
		case 'float32':
		case 'float64':
			return typeof value === 'number' ? String(value) : String(Number(value));
		case 'timestamp':
		case 'timestamptz':
		case 'time':
			return padFraction(String(value));
		case 'interval':
			return canonicalInterval(String(value)) ?? String(value);
		case 'binary':
			return Buffer.isBuffer(value) ? value.toString('hex') : Buffer.from(String(value), 'base64').toString('hex');
		case 'json':
			return canonicalJsonOf(value);
		case 'objectId':
			// Hex in either case names the same id (a caller's key, an ObjectId read back).
			return typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value) ? value.toLowerCase() : String(value);
		default:
			return typeof value === 'object' ? canonicalJson(value) : String(value);
	}
}

const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d*)$/;

/** A key as one canonical text, whatever form its values came in (a JSON number, a driver's string, a Buffer). */
export function canonicalKey(key: Value[], columns: Array<{ logical: LogicalType }>): string {
	return JSON.stringify(key.map((value, i) => canonicalText(value, columns[i].logical)));
}

/**
 * A key value as queued and deleted by: the canonical text where that text is also a value every
 * engine takes back (integers, decimals, ObjectId hex in lowercase); other types as given.
 */
export function canonicalKeyValue(value: Value, logical: LogicalType): Value {
	if (value === null || !['int16', 'int32', 'int64', 'decimal', 'objectId'].includes(logical)) return value;
	return canonicalText(value, logical);
}

/** '-001.2300' → '-1.23', '0.000' → '0'. Exact: never goes through a float. */
export function canonicalDecimal(text: string): string {
	let s = text.trim();
	let sign = '';
	if (s.startsWith('-') || s.startsWith('+')) {
		sign = s[0] === '-' ? '-' : '';
		s = s.slice(1);
	}
	s = expandExponent(s);
	let [whole, fraction = ''] = s.split('.');
	whole = whole.replace(/^0+(?=\d)/, '') || '0';
	fraction = fraction.replace(/0+$/, '');
	const body = fraction ? `${whole}.${fraction}` : whole;
	return body === '0' ? '0' : sign + body;
}

/** '1.5E+3' → '1500', '-1E-10' body '1E-10' → '0.0000000001': moves the point in the digits, exactly. */
export function expandExponent(text: string): string {
	const match = /^(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
	if (!match) return text;
	const [, whole, fraction = '', exp] = match;
	const digits = whole + fraction;
	const point = whole.length + Number(exp);
	if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
	if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
	return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Pads the fractional seconds of a time or timestamp to six digits, keeping a trailing 'Z'. */
export function padFraction(text: string): string {
	const match = /^(.*\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z?)$/.exec(text);
	if (!match) return text;
	return `${match[1]}.${(match[2] ?? '').padEnd(6, '0')}${match[3]}`;
}

/** Canonical text of a parsed JSON value; see json-text.ts. */
export const canonicalJson = canonicalJsonValue;

/**
 * A JSON column's value is its JSON text (as every SQL connector reads it: never parsed into
 * doubles) or, from a document store or an n8n item, a parsed value.
 */
function canonicalJsonOf(value: Value): string {
	if (typeof value !== 'string') return canonicalJsonValue(value);
	try {
		return canonicalJsonText(value);
	} catch {
		// Not JSON text: compared as the JSON string it would be, so it still differs from any document.
		return JSON.stringify(value);
	}
}

export interface Interval {
	months: number;
	micros: bigint;
}

const INTERVAL_PART = /(-?\d+) (years?|mons?|days?)/g;
const INTERVAL_TIME = /([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * A duration as MySQL TIME ('-838:59:59.5') or PostgreSQL interval ('1 year 2 mons -3 days
 * +04:05:06') writes it: months apart (a month has no fixed length), days folded into hours.
 */
export function parseInterval(text: string): Interval | undefined {
	const trimmed = text.trim();
	let months = 0;
	let days = 0n;
	let rest = trimmed;
	for (const [part, count, unit] of trimmed.matchAll(INTERVAL_PART)) {
		if (unit.startsWith('year')) months += Number(count) * 12;
		else if (unit.startsWith('mon')) months += Number(count);
		else days += BigInt(count);
		rest = rest.replace(part, '');
	}
	rest = rest.trim();
	let micros = days * 86_400_000_000n;
	if (rest) {
		const time = INTERVAL_TIME.exec(rest);
		if (!time || time.index !== 0) return undefined;
		const [, sign, h, m, s, fraction = ''] = time;
		const t = (BigInt(h) * 3600n + BigInt(m) * 60n + BigInt(s)) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
		micros += sign === '-' ? -t : t;
	} else if (!trimmed.match(INTERVAL_PART)) return undefined;
	return { months, micros };
}

/** '[N mons ][-]H:MM:SS.ffffff': one text per duration, whichever engine wrote it. */
export function canonicalInterval(text: string): string | undefined {
	const interval = parseInterval(text);
	return interval && formatInterval(interval);
}

export function formatInterval({ months, micros }: Interval): string {
	const negative = micros < 0n;
	const abs = negative ? -micros : micros;
	const seconds = abs / 1_000_000n;
	const pad = (n: bigint) => String(n).padStart(2, '0');
	const time = `${negative ? '-' : ''}${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}.${String(abs % 1_000_000n).padStart(6, '0')}`;
	return months ? `${months} mons ${time}` : time;
}
