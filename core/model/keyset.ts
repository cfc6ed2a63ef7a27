import type { KeyRange, KeyTuple, Row } from './schema';
import { keyOf } from './schema';

/**
 * Streams a key range page by page: each page starts strictly after the last key seen,
 * so memory holds one page and no row is read twice or skipped (never OFFSET).
 */
export async function* keysetPages(
	range: KeyRange,
	primaryKey: string[],
	batchSize: number,
	fetchPage: (page: KeyRange, limit: number) => Promise<Row[]>,
): AsyncGenerator<Row[]> {
	let after: KeyTuple | undefined = range.after;
	for (;;) {
		const rows = await fetchPage({ after, upTo: range.upTo }, batchSize);
		if (rows.length === 0) return;
		yield rows;
		if (rows.length < batchSize) return;
		after = keyOf(rows[rows.length - 1], primaryKey);
	}
}

/** Turns ordered boundary keys into consecutive ranges; the first and last are open-ended. */
export function rangesFromBoundaries(boundaries: KeyTuple[]): KeyRange[] {
	const ranges: KeyRange[] = [];
	let after: KeyTuple | undefined;
	for (const boundary of boundaries) {
		ranges.push(after ? { after, upTo: boundary } : { upTo: boundary });
		after = boundary;
	}
	ranges.push(after ? { after } : {});
	return ranges;
}

export function assertPositiveInteger(value: number, name: string): number {
	if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
	return value;
}
