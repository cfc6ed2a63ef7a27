import { DigestAccumulator, combineDigests, rowText } from '../../core/validate/digest';
import type { Column, Row } from '../../core/model/schema';

const columns: Column[] = [
	{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
	{ name: 'name', nativeType: '', logical: 'string', nullable: true },
	{ name: 'amount', nativeType: '', logical: 'decimal', nullable: true },
];
const rows: Row[] = Array.from({ length: 50 }, (_, i) => ({
	id: String(i),
	name: i % 7 ? `n${i}` : null,
	amount: `${i}.10`,
}));

function digestOf(list: Row[]) {
	const acc = new DigestAccumulator(columns, ['id']);
	list.forEach((r) => acc.add(r));
	return acc.result();
}

describe('row digests', () => {
	it('does not depend on row order', () => {
		expect(digestOf([...rows].reverse())).toEqual(digestOf(rows));
	});

	it('sums segment digests to the whole', () => {
		expect(combineDigests([digestOf(rows.slice(0, 20)), digestOf(rows.slice(20))])).toEqual(digestOf(rows));
	});

	it('tells NULL from an empty string and notices one changed digit', () => {
		expect(rowText({ id: '1', name: null, amount: null }, columns)).not.toBe(
			rowText({ id: '1', name: '', amount: null }, columns),
		);
		const changed = rows.map((r, i) => (i === 13 ? { ...r, amount: '13.11' } : r));
		expect(digestOf(changed)).not.toEqual(digestOf(rows));
	});

	it('treats equal decimals with different trailing zeros as equal', () => {
		expect(digestOf([{ id: '1', name: 'a', amount: '1.50' }])).toEqual(
			digestOf([{ id: '1', name: 'a', amount: '1.5' }]),
		);
	});

	it('notices a missing and a duplicated row', () => {
		expect(digestOf(rows.slice(1)).rows).toBe(49);
		expect(digestOf([...rows, rows[3]])).not.toEqual(digestOf(rows));
	});
});
