import { canonicalDecimal, parseInterval } from '../model/canonical';
import { isJsonText } from '../model/json-text';
import type { Column, Row, TableSchema, Value } from '../model/schema';

/**
 * Why a value cannot be written as it is: the reject output's record. Every such value of a row is
 * listed; `action` says whether the row was refused or written with NULL there (the column's policy).
 */
export interface Rejection {
	table: string;
	key: Value[];
	column: string;
	value: string | null;
	reason: string;
	action?: 'rejected' | 'nulled';
}

/**
 * What to do with a value the destination cannot hold exactly, per column ("table.column", "column"
 * or "*"): refuse the row (the default: nothing is written that differs), or write NULL there and
 * report it (a nullable, non-key column only).
 */
export type InvalidValuePolicy = 'reject' | 'null';
export type ValuePolicies = Record<string, InvalidValuePolicy>;

export interface CheckOptions {
	extraFields?: boolean;
	/** False where text cannot hold U+0000 (PostgreSQL): such text is refused naming its column. */
	textHoldsNul?: boolean;
	/** False where floats cannot hold NaN or ±Infinity (MySQL). */
	nonFiniteFloats?: boolean;
	/** The longest duration the destination holds, months refused (MySQL TIME). */
	maxDurationSeconds?: number;
	policies?: ValuePolicies;
	/** JSON columns whose text comes straight from a database that holds only valid JSON: not parsed again. */
	trustedJson?: ReadonlySet<string>;
}

/** Rows refused, counted once each however many of their values were listed. */
export function rejectedRowCount(rejections: Rejection[]): number {
	return new Set(rejections.filter((r) => r.action !== 'nulled').map((r) => `${r.table}\u0000${JSON.stringify(r.key)}`))
		.size;
}

export function policyFor(policies: ValuePolicies | undefined, table: string, column: string): InvalidValuePolicy {
	return policies?.[`${table}.${column}`] ?? policies?.[column] ?? policies?.['*'] ?? 'reject';
}

const INT_RANGE: Partial<Record<Column['logical'], [bigint, bigint]>> = {
	int16: [-32768n, 32767n],
	int32: [-2147483648n, 2147483647n],
	int64: [-9223372036854775808n, 9223372036854775807n],
};
const BOOLEAN_TEXT = new Set(['true', 'false', 't', 'f', '1', '0']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const TIME = /^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Checks one value against the destination column: a value the column cannot hold exactly is a
 * reason to reject the row, never to change the value.
 */
export function valueProblem(
	value: Value | undefined,
	column: Column,
	options: Pick<CheckOptions, 'textHoldsNul' | 'nonFiniteFloats' | 'maxDurationSeconds'> = {},
): string | undefined {
	if (value === null || value === undefined) return column.nullable ? undefined : 'NULL in a NOT NULL column';
	const text = typeof value === 'string' ? value : undefined;
	switch (column.logical) {
		case 'int16':
		case 'int32':
		case 'int64': {
			const [min, max] = INT_RANGE[column.logical]!;
			// Fast path: a safe integer compares as a number; only long digit strings need BigInt.
			if (typeof value === 'number' && Number.isSafeInteger(value) && value >= Number(min) && value <= Number(max))
				return undefined;
			const s = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : undefined) : text?.trim();
			if (s === undefined || !/^[+-]?\d+$/.test(s)) return `not an integer: ${short(value)}`;
			const n = BigInt(s);
			return n < min || n > max ? `${s} is outside the ${column.logical} range ${min}..${max}` : undefined;
		}
		case 'decimal': {
			if (text !== undefined && plainDecimal(column).test(text)) return undefined;
			const s = typeof value === 'number' ? String(value) : text?.trim();
			if (s === undefined || !DECIMAL.test(s)) return `not a decimal number: ${short(value)}`;
			return decimalProblem(canonicalDecimal(s), column);
		}
		case 'float32':
		case 'float64': {
			const n = typeof value === 'number' ? value : text !== undefined && text.trim() !== '' ? Number(text) : NaN;
			if (Number.isNaN(n) && typeof value !== 'number') return `not a number: ${short(value)}`;
			// Digits a double cannot hold (an API's 20-digit number) would be rounded by the column.
			if (text !== undefined && Number.isFinite(n) && /\d/.test(text) && inexactAsDouble(text.trim(), n))
				return `${text.trim()} cannot be held exactly by a floating-point column (it would be rounded)`;
			return options.nonFiniteFloats === false && !Number.isFinite(n)
				? `${n} cannot be stored in this destination's floating-point columns`
				: undefined;
		}
		case 'boolean':
			if (typeof value === 'boolean' || value === 0 || value === 1) return undefined;
			return text !== undefined && BOOLEAN_TEXT.has(text.toLowerCase()) ? undefined : `not a boolean: ${short(value)}`;
		case 'string':
		case 'text':
		case 'uuid': {
			if (typeof value !== 'string') return `not text: ${short(value)}`;
			if (options.textHoldsNul === false && value.includes('\u0000'))
				return 'text containing NUL (U+0000), which the destination cannot store';
			if (column.logical === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
				return `not a UUID: ${short(value)}`;
			// UTF-16 units never undercount characters: only a long string needs counting.
			if (!column.length || value.length <= column.length) return undefined;
			const length = [...value].length;
			return length > column.length ? `${length} characters do not fit in ${column.length}` : undefined;
		}
		case 'date':
			return text && DATE.test(text) && validDate(text) ? undefined : `not a date (YYYY-MM-DD): ${short(value)}`;
		case 'timestamp':
		case 'timestamptz':
			return text && TIMESTAMP.test(text) && validDate(text.slice(0, 10))
				? undefined
				: `not a timestamp: ${short(value)}`;
		case 'time':
			return text && TIME.test(text) ? undefined : `not a time of day: ${short(value)}`;
		case 'interval': {
			const interval = text ? parseInterval(text) : undefined;
			if (!interval) return `not a duration: ${short(value)}`;
			const limit = options.maxDurationSeconds;
			if (limit === undefined) return undefined;
			const micros = interval.micros < 0n ? -interval.micros : interval.micros;
			return interval.months || Number(micros) / 1e6 > limit
				? `${short(value)} is outside the destination's duration range (±${Math.floor(limit / 3600)} hours, no months)`
				: undefined;
		}
		case 'json':
			// A string is JSON text (as SQL connectors read it); anything else is a parsed document.
			return typeof value === 'string' && !isJsonText(value) ? `not JSON text: ${short(value)}` : undefined;
		case 'binary':
			return Buffer.isBuffer(value) || (text !== undefined && /^[A-Za-z0-9+/]*={0,2}$/.test(text))
				? undefined
				: `not binary data (base64): ${short(value)}`;
		default:
			return undefined;
	}
}

function inexactAsDouble(text: string, n: number): boolean {
	return DECIMAL.test(text) && canonicalDecimal(text) !== canonicalDecimal(String(n));
}

function decimalProblem(canonical: string, column: Column): string | undefined {
	const [whole, fraction = ''] = canonical.replace('-', '').split('.');
	if (column.scale !== undefined && fraction.length > column.scale) {
		return `${canonical} has ${fraction.length} decimal places; the column keeps ${column.scale} (it would be rounded)`;
	}
	const wholeDigits = whole === '0' ? 0 : whole.length;
	if (column.precision !== undefined && wholeDigits > column.precision - (column.scale ?? 0)) {
		return `${canonical} overflows DECIMAL(${column.precision},${column.scale ?? 0})`;
	}
	return undefined;
}

const PLAIN_DECIMALS = new WeakMap<Column, RegExp>();

/** The column's decimals written plainly (no exponent, sign only '-', no leading zero) that fit it: no further check. */
function plainDecimal(column: Column): RegExp {
	let pattern = PLAIN_DECIMALS.get(column);
	if (!pattern) {
		const scale = column.scale ?? 0;
		const whole = column.precision === undefined ? '\\d*' : `\\d{0,${Math.max(0, column.precision - scale - 1)}}`;
		const fraction = column.scale === undefined ? '\\d*' : `\\d{0,${scale}}`;
		const wholePart = column.precision !== undefined && column.precision - scale <= 0 ? '0' : `(?:0|[1-9]${whole})`;
		pattern = new RegExp(`^-?${wholePart}(?:\\.${fraction})?$`);
		PLAIN_DECIMALS.set(column, pattern);
	}
	return pattern;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 'YYYY-MM-DD' names a real day (Gregorian leap years), without building a Date per value. */
function validDate(text: string): boolean {
	const y = Number(text.slice(0, 4));
	const m = Number(text.slice(5, 7));
	const d = Number(text.slice(8, 10));
	if (m < 1 || m > 12 || d < 1) return false;
	const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
	return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}

function short(value: unknown): string {
	const text = Buffer.isBuffer(value)
		? `<${value.length} bytes>`
		: typeof value === 'string'
			? JSON.stringify(value)
			: (JSON.stringify(value) ?? String(value));
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A value a row cannot be written with, before the column's policy says whether the row is refused. */
interface Problem {
	column: string;
	value: Value | undefined;
	reason: string;
	/** The column may take NULL instead (nullable, not in the key, the value not already NULL). */
	canNull: boolean;
}

/** One column's check, built once per batch: the common cases answered before the general one. */
type ValueCheck = (value: Value) => string | undefined;

const SHORT_INTEGER = /^-?\d{1,15}$/;

function compileCheck(column: Column, options: CheckOptions): ValueCheck {
	const general: ValueCheck = (value) => valueProblem(value, column, options);
	switch (column.logical) {
		case 'int16':
		case 'int32':
		case 'int64': {
			const [min, max] = INT_RANGE[column.logical]!.map(Number);
			// A driver's digits for a BIGINT: up to 15 digits are exact as a number, the rest go the long way.
			return (value) => {
				const n =
					typeof value === 'number'
						? value
						: typeof value === 'string' && SHORT_INTEGER.test(value)
							? Number(value)
							: NaN;
				return Number.isSafeInteger(n) && n >= min && n <= max ? undefined : general(value);
			};
		}
		case 'string':
		case 'text': {
			const nul = options.textHoldsNul === false;
			const length = column.length;
			return (value) =>
				typeof value === 'string' && !(nul && value.includes('\u0000')) && (!length || value.length <= length)
					? undefined
					: general(value);
		}
		case 'json':
			return options.trustedJson?.has(column.name)
				? (value) => (typeof value === 'string' ? undefined : general(value))
				: general;
		default:
			return general;
	}
}

/**
 * Splits rows into those the table can hold exactly and the values it cannot, each named by key,
 * column and reason: all of a row's problems, not the first only. A column whose policy is `null`
 * gets NULL and the row is written; otherwise the row is refused.
 */
export function checkRows(
	table: TableSchema,
	rows: Row[],
	options: CheckOptions = {},
): { good: Row[]; rejected: Rejection[] } {
	const good: Row[] = [];
	const rejected: Rejection[] = [];
	const checks = new Map(table.columns.map((c) => [c.name, { column: c, check: compileCheck(c, options) }]));
	const required = table.columns.filter((c) => !c.nullable && !c.autoIncrement && !c.defaultExpression);
	const inKey = new Set(table.primaryKey);
	const schemaless = !table.columns.length;
	for (const row of rows) {
		let problems: Problem[] | undefined;
		for (const name in row) {
			const value = row[name];
			const entry = checks.get(name);
			let reason: string | undefined;
			if (!entry) reason = schemaless ? undefined : `no column ${name} in ${table.name}`;
			else if (value === null || value === undefined)
				reason = entry.column.nullable ? undefined : 'NULL in a NOT NULL column';
			else reason = entry.check(value);
			if (reason)
				(problems ??= []).push({
					column: name,
					value,
					reason,
					canNull: !!entry && entry.column.nullable && !inKey.has(name) && value !== null,
				});
		}
		for (const column of required) {
			if (!(column.name in row))
				(problems ??= []).push({
					column: column.name,
					value: undefined,
					reason: 'missing value for a NOT NULL column',
					canNull: false,
				});
		}
		if (!problems) good.push(row);
		else {
			const outcome = settle(table, row, problems, options.policies);
			rejected.push(...outcome.rejected);
			if (outcome.row) good.push(outcome.row);
		}
	}
	return { good, rejected };
}

/** A row's problems as rejections: written with NULLs where every problem's column allows it, else refused. */
function settle(
	table: TableSchema,
	row: Row,
	problems: Problem[],
	policies: ValuePolicies | undefined,
): { row?: Row; rejected: Rejection[] } {
	const nullIt = problems.map((p) => p.canNull && policyFor(policies, table.name, p.column) === 'null');
	const refused = nullIt.some((n) => !n);
	const key = table.primaryKey.map((k) => row[k] ?? null);
	const rejected = problems.map(
		(p, i): Rejection => ({
			table: table.name,
			key,
			column: p.column,
			value: p.value === null || p.value === undefined ? null : short(p.value),
			reason: p.reason,
			action: refused || !nullIt[i] ? 'rejected' : 'nulled',
		}),
	);
	if (refused) return { rejected };
	const nulled = { ...row };
	for (const p of problems) nulled[p.column] = null;
	return { row: nulled, rejected };
}
