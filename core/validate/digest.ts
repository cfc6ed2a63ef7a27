import { hash } from 'node:crypto';
import { canonicalText } from '../model/canonical';
import type { SegmentDigest, TableSource } from '../ports';
import type { Column, KeyRange, Row, TableSchema, Value } from '../model/schema';

/**
 * Order-independent digest of a set of rows: a sum of 60-bit row hashes.
 * Each row adds the md5 of its scalar columns' canonical text (databases compute that sum in SQL,
 * so segments compare without moving rows) plus one hash of its key and its JSON columns' canonical
 * text, computed here on both sides: no two databases sort JSON keys or print its numbers alike,
 * while every driver hands JSON text to JavaScript exactly. A double enters the md5 as its IEEE 754
 * bits, which each engine computes in SQL (their printed digits agree, their exponent notations do not).
 */
export const ROW_FIELD_SEPARATOR = '\u001f';
export const NULL_MARK = 'N';
export const VALUE_MARK = 'V';
/** The bits of +0, also given for -0: the canonical text does not tell them apart either. */
export const ZERO_BITS = '0000000000000000';

const bitsBuffer = Buffer.alloc(8);

/** A double's digest text: its bits as 16 lowercase hex digits ('NaN' for any NaN); the SQL dialects' float64Bits. */
export function float64DigestText(value: Value): string {
	const n = typeof value === 'number' ? value : Number(value);
	if (n === 0) return ZERO_BITS;
	if (Number.isNaN(n)) return 'NaN';
	bitsBuffer.writeDoubleBE(n);
	return bitsBuffer.toString('hex');
}

export function rowText(row: Row, columns: Column[]): string {
	return columns
		.map((c) => {
			const value = row[c.name];
			if (c.logical === 'float64')
				return value === null || value === undefined ? NULL_MARK : VALUE_MARK + float64DigestText(value);
			const text = canonicalText(value, c.logical);
			return text === null ? NULL_MARK : VALUE_MARK + text;
		})
		.join(ROW_FIELD_SEPARATOR);
}

// Single floats too: a driver hands over a FLOAT's printed digits, not its widened double.
// Durations: MySQL and PostgreSQL write them differently, and one parser reads both.
const HASHED_IN_JS = new Set(['json', 'float32', 'interval']);

/** Where a database digests natively (same engine on both sides), only durations are left to JavaScript. */
const hashedInJs = (column: Column, native: boolean) =>
	native ? column.logical === 'interval' : HASHED_IN_JS.has(column.logical);

export function scalarColumns(columns: Column[], native = false): Column[] {
	return columns.filter((c) => !hashedInJs(c, native));
}

/** Columns whose part of a row's digest is computed in JavaScript (see above). */
export function jsonColumns(columns: Column[], native = false): Column[] {
	return columns.filter((c) => hashedInJs(c, native));
}

/** Text of a row's JSON and float columns, led by its key so a value moved to another row is noticed. */
export function jsonPartText(row: Row, key: Column[], json: Column[]): string {
	let text = rowText(row, key);
	for (const column of json) {
		const value = canonicalText(row[column.name], column.logical);
		text += `${ROW_FIELD_SEPARATOR}${column.name}${ROW_FIELD_SEPARATOR}${value === null ? NULL_MARK : VALUE_MARK + value}`;
	}
	return text;
}

/**
 * A sum of 60-bit hashes kept in two doubles (high 32 and low 28 bits), exact until 2^21 additions,
 * folded into a bigint before that: a bigint per row costs more than the md5 itself.
 */
class HashSum {
	private high = 0;
	private low = 0;
	private pending = 0;
	private total = 0n;

	/** md5, as the databases compute the scalar part, so the two sides' sums can meet. */
	addMd5(text: string): void {
		const bytes = hash('md5', text, 'buffer');
		this.addParts(bytes.readUInt32BE(0), bytes.readUInt32BE(4) >>> 4);
	}

	/**
	 * A 64-bit multiply-xor hash (cyrb53's, widened) for parts only JavaScript computes on both sides:
	 * eight times faster than md5 here, where md5's strength buys nothing.
	 */
	addFast(text: string): void {
		let h1 = 0xdeadbeef;
		let h2 = 0x41c6ce57;
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			h1 = Math.imul(h1 ^ c, 2654435761);
			h2 = Math.imul(h2 ^ c, 1597334677);
		}
		h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
		h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
		this.addParts(h2 >>> 0, h1 >>> 4);
	}

	private addParts(high: number, low: number): void {
		this.high += high;
		this.low += low;
		if (++this.pending === 1 << 20) this.fold();
	}

	addBig(value: bigint): void {
		this.total += value;
	}

	value(): bigint {
		this.fold();
		return this.total;
	}

	private fold(): void {
		this.total += (BigInt(this.high) << 28n) + BigInt(this.low);
		this.high = this.low = this.pending = 0;
	}
}

export class DigestAccumulator {
	private rows = 0;
	private readonly sum = new HashSum();
	private readonly scalar: Column[];
	private readonly json: Column[];
	private readonly key: Column[];

	constructor(columns: Column[], primaryKey: string[], native = false) {
		this.scalar = scalarColumns(columns, native);
		this.json = jsonColumns(columns, native);
		this.key = columns.filter((c) => primaryKey.includes(c.name));
	}

	add(row: Row): void {
		this.rows += 1;
		this.sum.addMd5(rowText(row, this.scalar));
		if (this.json.length) this.addJsonPart(row);
	}

	/** Adds only the JSON part of a row whose scalar part was summed by the database. */
	addJsonPart(row: Row): void {
		this.sum.addFast(jsonPartText(row, this.key, this.json));
	}

	/** Adds a database-computed aggregate of scalar parts. */
	addAggregate(rows: number, sum: bigint | string): void {
		this.rows += rows;
		this.sum.addBig(BigInt(sum ?? 0));
	}

	result(): SegmentDigest {
		return { rows: this.rows, digest: formatDigest(this.rows, this.sum.value()) };
	}
}

export function formatDigest(rows: number, sum: bigint | string | number): string {
	return `${rows}:${BigInt(sum ?? 0).toString(16)}`;
}

/** Digests of disjoint segments combine by adding, so chunk digests sum to the table's. */
export function combineDigests(parts: SegmentDigest[]): SegmentDigest {
	let rows = 0;
	let sum = 0n;
	for (const part of parts) {
		const [count, hex] = part.digest.split(':');
		rows += Number(count);
		sum += BigInt('0x' + hex);
	}
	return { rows, digest: formatDigest(rows, sum) };
}

/** Streams only key and JSON columns of a range and adds their hashes (see the note at the top). */
export async function addJsonParts(
	source: Pick<TableSource, 'read'>,
	table: TableSchema,
	range: KeyRange | undefined,
	digest: DigestAccumulator,
	native = false,
): Promise<void> {
	const json = jsonColumns(table.columns, native);
	if (!json.length) return;
	const columns = [...table.primaryKey, ...json.map((c) => c.name)];
	for await (const rows of source.read(table.name, range ?? {}, { batchSize: 5000, columns }))
		for (const row of rows) digest.addJsonPart(row);
}
