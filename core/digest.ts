import { createHash } from 'node:crypto';
import { canonicalText } from './canonical';
import type { SegmentDigest, SourceConnector } from './connector';
import type { Column, KeyRange, Row, TableSchema } from './schema';

/**
 * Order-independent digest of a set of rows: the sum of the first 60 bits of md5 hashes.
 * Each row adds the hash of its scalar columns' canonical text (databases compute that sum in
 * SQL, so segments compare without moving rows) plus, per JSON or floating-point column, the hash
 * of key, column name and canonical text, computed here: no two databases sort JSON keys alike or
 * print a double alike, while every driver hands both to JavaScript exactly.
 */
export const ROW_FIELD_SEPARATOR = '\u001f';
export const NULL_MARK = 'N';
export const VALUE_MARK = 'V';

export function rowText(row: Row, columns: Column[]): string {
	return columns
		.map((c) => {
			const text = canonicalText(row[c.name], c.logical);
			return text === null ? NULL_MARK : VALUE_MARK + text;
		})
		.join(ROW_FIELD_SEPARATOR);
}

export function rowHash60(text: string): bigint {
	return BigInt('0x' + createHash('md5').update(text, 'utf8').digest('hex').slice(0, 15));
}

const HASHED_IN_JS = new Set(['json', 'float32', 'float64']);

export function scalarColumns(columns: Column[]): Column[] {
	return columns.filter((c) => !HASHED_IN_JS.has(c.logical));
}

/** Columns whose part of a row's digest is computed in JavaScript (see above). */
export function jsonColumns(columns: Column[]): Column[] {
	return columns.filter((c) => HASHED_IN_JS.has(c.logical));
}

/** Hash of a row's JSON columns, tied to its key so a value moved to another row is noticed. */
export function jsonPartHash(row: Row, key: Column[], json: Column[]): bigint {
	let sum = 0n;
	const keyText = rowText(row, key);
	for (const column of json) {
		const text = canonicalText(row[column.name], column.logical);
		sum += rowHash60(
			`${keyText}${ROW_FIELD_SEPARATOR}${column.name}${ROW_FIELD_SEPARATOR}${text === null ? NULL_MARK : VALUE_MARK + text}`,
		);
	}
	return sum;
}

export class DigestAccumulator {
	private rows = 0;
	private sum = 0n;
	private readonly scalar: Column[];
	private readonly json: Column[];
	private readonly key: Column[];

	constructor(columns: Column[], primaryKey: string[]) {
		this.scalar = scalarColumns(columns);
		this.json = jsonColumns(columns);
		this.key = columns.filter((c) => primaryKey.includes(c.name));
	}

	add(row: Row): void {
		this.rows += 1;
		this.sum += rowHash60(rowText(row, this.scalar));
		if (this.json.length) this.sum += jsonPartHash(row, this.key, this.json);
	}

	/** Adds only the JSON part of a row whose scalar part was summed by the database. */
	addJsonPart(row: Row): void {
		this.sum += jsonPartHash(row, this.key, this.json);
	}

	/** Adds a database-computed aggregate of scalar parts. */
	addAggregate(rows: number, sum: bigint | string): void {
		this.rows += rows;
		this.sum += BigInt(sum ?? 0);
	}

	result(): SegmentDigest {
		return { rows: this.rows, digest: formatDigest(this.rows, this.sum) };
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
	source: Pick<SourceConnector, 'read'>,
	table: TableSchema,
	range: KeyRange | undefined,
	digest: DigestAccumulator,
): Promise<void> {
	const json = jsonColumns(table.columns);
	if (!json.length) return;
	const columns = [...table.primaryKey, ...json.map((c) => c.name)];
	for await (const rows of source.read(table.name, range ?? {}, { batchSize: 5000, columns }))
		for (const row of rows) digest.addJsonPart(row);
}
