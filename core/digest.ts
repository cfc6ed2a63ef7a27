import { createHash } from 'node:crypto';
import { canonicalText } from './canonical';
import type { SegmentDigest } from './connector';
import type { Column, Row } from './schema';

/**
 * Order-independent digest of a set of rows: the sum of the first 60 bits of each row's md5.
 * Databases compute the same aggregate in SQL, so segments compare without moving rows.
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

export class DigestAccumulator {
	private rows = 0;
	private sum = 0n;

	constructor(private readonly columns: Column[]) {}

	add(row: Row): void {
		this.rows += 1;
		this.sum += rowHash60(rowText(row, this.columns));
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
