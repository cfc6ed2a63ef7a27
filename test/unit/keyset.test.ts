import { assertPositiveInteger, keysetPages, rangesFromBoundaries } from '../../core/model/keyset';
import type { KeyRange, Row } from '../../core/model/schema';

describe('keyset pagination', () => {
	const table: Row[] = Array.from({ length: 23 }, (_, i) => ({ a: String(Math.floor(i / 5)), b: i }));
	const fetchPage = async (page: KeyRange, limit: number) => {
		const gt = (r: Row, t: unknown[]) =>
			(r.a as string) > (t[0] as string) || (r.a === t[0] && (r.b as number) > (t[1] as number));
		return table.filter((r) => (!page.after || gt(r, page.after)) && (!page.upTo || !gt(r, page.upTo))).slice(0, limit);
	};

	it('pages a composite key with no row missed or repeated, never by offset', async () => {
		const seen: Row[] = [];
		for await (const page of keysetPages({}, ['a', 'b'], 4, fetchPage)) {
			expect(page.length).toBeLessThanOrEqual(4);
			seen.push(...page);
		}
		expect(seen).toEqual(table);
	});

	it('stays inside a range', async () => {
		const seen: Row[] = [];
		for await (const page of keysetPages({ after: ['1', 7], upTo: ['3', 17] }, ['a', 'b'], 3, fetchPage))
			seen.push(...page);
		expect(seen.map((r) => r.b)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
	});

	it('turns boundaries into consecutive ranges, open at both ends', () => {
		expect(rangesFromBoundaries([[10], [20]])).toEqual([{ upTo: [10] }, { after: [10], upTo: [20] }, { after: [20] }]);
		expect(rangesFromBoundaries([])).toEqual([{}]);
	});

	it('refuses a batch size that is not a positive integer', () => {
		expect(() => assertPositiveInteger(0, 'batchSize')).toThrow(RangeError);
		expect(() => assertPositiveInteger(1.5, 'batchSize')).toThrow(RangeError);
	});
});
