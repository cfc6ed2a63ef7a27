import type { LogicalType, Value } from './schema';

/**
 * Engine-independent text of a value, the input of row digests and of value comparison.
 * Decimals lose trailing zeros, timestamps always carry six fractional digits, binary is
 * lowercase hex, JSON has its keys sorted.
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
		case 'binary':
			return Buffer.isBuffer(value) ? value.toString('hex') : Buffer.from(String(value), 'base64').toString('hex');
		case 'json':
			return canonicalJson(value);
		default:
			return typeof value === 'object' ? canonicalJson(value) : String(value);
	}
}

const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d*)$/;

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

export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('hex'));
	// Loops rather than map/join: this runs per JSON value of every row a checksum reads.
	if (Array.isArray(value)) {
		let text = '[';
		for (let i = 0; i < value.length; i++) text += (i ? ',' : '') + canonicalJson(value[i]);
		return text + ']';
	}
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record).sort();
	let text = '{';
	for (let i = 0; i < keys.length; i++)
		text += `${i ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJson(record[keys[i]])}`;
	return text + '}';
}
