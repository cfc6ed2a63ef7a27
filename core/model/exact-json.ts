/**
 * JSON from outside (a REST API's body) parsed without rounding: a number a double cannot hold
 * exactly (an id past 2^53, a price with 20 digits) becomes an ExactNumber holding its digits, so
 * it lands as the value the API sent. Every other number is the plain double JSON.parse makes.
 */
import { canonicalNumber, ExactNumber } from './json-text';
import type { Row, Value } from './schema';

export { ExactNumber };

const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** True when JSON.parse would hand back this number token exactly (its shortest text names the same value). */
function exact(token: string): boolean {
	const n = Number(token);
	if (/^-?\d+$/.test(token)) return Number.isSafeInteger(n);
	return Number.isFinite(n) && canonicalNumber(String(n)) === canonicalNumber(token);
}

/** Parses JSON text; numbers a double would round become ExactNumber. Throws SyntaxError on text that is not JSON. */
export function parseExactJson(text: string): unknown {
	// Cheap path: no number long enough to be inexact.
	if (!/(?:\d\.?){16}|\d[eE]/.test(text)) return JSON.parse(text);
	const mark = `\u0000${Math.random().toString(36).slice(2)}:`;
	let marked = false;
	const replaced = text.replace(TOKEN, (token) => {
		if (token.startsWith('"') || exact(token)) return token;
		marked = true;
		return JSON.stringify(mark + token);
	});
	if (!marked) return JSON.parse(text);
	return JSON.parse(replaced, (_key, value: unknown) =>
		typeof value === 'string' && value.startsWith(mark) ? new ExactNumber(value.slice(mark.length)) : value,
	);
}

function holdsExact(value: unknown): boolean {
	if (value instanceof ExactNumber) return true;
	if (Array.isArray(value)) return value.some(holdsExact);
	if (value && typeof value === 'object' && !Buffer.isBuffer(value)) return Object.values(value).some(holdsExact);
	return false;
}

/**
 * A record's fields as row values every connector writes exactly: an ExactNumber field is its
 * digits (an int64 or decimal column takes them as text), an object or array holding one is its
 * canonical JSON text (JSON.stringify would round it). Everything else is left as it is.
 */
export function exactRow(record: Row, jsonText: (value: unknown) => string): Row {
	let out: Row | undefined;
	for (const [field, value] of Object.entries(record)) {
		let converted: Value | undefined;
		if (value instanceof ExactNumber) converted = canonicalNumber(value.text);
		else if (value && typeof value === 'object' && !Buffer.isBuffer(value) && holdsExact(value))
			converted = jsonText(value);
		if (converted === undefined) continue;
		out ??= { ...record };
		out[field] = converted;
	}
	return out ?? record;
}
