/**
 * JSON compared exactly: a document's canonical text has its keys sorted (a repeated key keeps its
 * last value, as PostgreSQL's jsonb, MySQL's JSON and JSON.parse all do) and every number written
 * from its exact digits, never through a double: 2^53 + 1 and 1e400 keep their value.
 */

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Plain decimals for exponents within this span, scientific notation beyond (1e400 stays short). */
const PLAIN_SPAN = 40;

/** '1.50' → '1.5', '1E+2' → '100', '-0.0' → '0', '1e400' → '1e400': one text per exact value. */
export function canonicalNumber(text: string): string {
	const match = NUMBER.exec(text);
	if (!match) return text;
	const [, sign, whole, fraction = '', exponent = '0'] = match;
	let digits = (whole + fraction).replace(/^0+/, '');
	if (!digits) return '0';
	// The value is 0.<digits> × 10^point.
	let point = whole.length - (whole + fraction).length + digits.length + Number(exponent);
	const trimmed = digits.replace(/0+$/, '');
	digits = trimmed;
	if (point > PLAIN_SPAN || point < -PLAIN_SPAN) {
		point -= 1;
		return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${point}`;
	}
	if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
	if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
	return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Numbers a double may not hold exactly: 16+ significant digits or an exponent. */
const MAYBE_INEXACT = /(?:\d\.?){16}|\d[eE]/;

/** Canonical text of a JSON document given as text; throws a SyntaxError on text that is not JSON. */
export function canonicalJsonText(text: string): string {
	// JSON.parse is exact for every number short enough, and ten times faster than the parser below.
	if (!MAYBE_INEXACT.test(text)) return canonicalJsonValue(JSON.parse(text));
	const parser = new ExactParser(text);
	const value = parser.value();
	parser.end();
	return value;
}

/** True when the text is one JSON document. */
export function isJsonText(text: string): boolean {
	// Only the grammar is asked here: JSON.parse reads every valid document (its big numbers rounded,
	// which does not matter to a yes or no) and is far cheaper than building the canonical text.
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

/** A JSON number kept as its text because a double would round it (see exact-json.ts). */
export class ExactNumber {
	constructor(readonly text: string) {}

	get integer(): boolean {
		return /^-?\d+$/.test(this.text);
	}

	toJSON(): string {
		return this.text;
	}
}

/** Canonical text of a parsed JSON value (an object, array, number, string, boolean or null). */
export function canonicalJsonValue(value: unknown): string {
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'number') return Number.isFinite(value) ? canonicalNumber(String(value)) : 'null';
	if (typeof value === 'bigint') return value.toString();
	if (value instanceof ExactNumber) return canonicalNumber(value.text);
	if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('hex'));
	// Loops rather than map/join: this runs per JSON value of every row a checksum reads.
	if (Array.isArray(value)) {
		let text = '[';
		for (let i = 0; i < value.length; i++) text += (i ? ',' : '') + canonicalJsonValue(value[i]);
		return text + ']';
	}
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record).sort();
	let text = '{';
	for (let i = 0; i < keys.length; i++)
		text += `${i ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJsonValue(record[keys[i]])}`;
	return text + '}';
}

/** A recursive-descent JSON reader that emits canonical text, numbers kept as their digits. */
class ExactParser {
	private at = 0;

	constructor(private readonly text: string) {}

	value(): string {
		this.space();
		const c = this.text[this.at];
		if (c === '{') return this.object();
		if (c === '[') return this.array();
		if (c === '"') return JSON.stringify(this.string());
		for (const literal of ['true', 'false', 'null']) {
			if (this.text.startsWith(literal, this.at)) {
				this.at += literal.length;
				return literal;
			}
		}
		const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.at, this.at + 4096));
		if (!number || (number[0].length > 1 && /^-?0\d/.test(number[0]))) this.fail();
		this.at += number![0].length;
		return canonicalNumber(number![0]);
	}

	end(): void {
		this.space();
		if (this.at !== this.text.length) this.fail();
	}

	private object(): string {
		this.at++;
		const members = new Map<string, string>();
		this.space();
		if (this.text[this.at] === '}') {
			this.at++;
			return '{}';
		}
		for (;;) {
			this.space();
			if (this.text[this.at] !== '"') this.fail();
			const key = this.string();
			this.space();
			if (this.text[this.at++] !== ':') this.fail();
			members.delete(key);
			members.set(key, this.value());
			this.space();
			const next = this.text[this.at++];
			if (next === '}') break;
			if (next !== ',') this.fail();
		}
		const keys = [...members.keys()].sort();
		return `{${keys.map((k) => `${JSON.stringify(k)}:${members.get(k)}`).join(',')}}`;
	}

	private array(): string {
		this.at++;
		const items: string[] = [];
		this.space();
		if (this.text[this.at] === ']') {
			this.at++;
			return '[]';
		}
		for (;;) {
			items.push(this.value());
			this.space();
			const next = this.text[this.at++];
			if (next === ']') break;
			if (next !== ',') this.fail();
		}
		return `[${items.join(',')}]`;
	}

	/** A string token, decoded (JSON.parse does the escapes). */
	private string(): string {
		const start = this.at;
		this.at++;
		while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === '\\' ? 2 : 1;
		if (this.at >= this.text.length) this.fail();
		this.at++;
		return JSON.parse(this.text.slice(start, this.at)) as string;
	}

	private space(): void {
		while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at])) this.at++;
	}

	private fail(): never {
		throw new SyntaxError(`Not JSON: unexpected text at position ${this.at}`);
	}
}
