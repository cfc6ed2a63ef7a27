import { linkRel, paginator, valueAt, type FetchedPage } from '../../connectors/rest/paginators';

const page = (body: unknown, records: number, headers: Record<string, string> = {}): FetchedPage => ({
	body,
	headers,
	records: Array.from({ length: records }, (_, i) => ({ id: `r${i + 1}` })),
});

describe('pagination styles', () => {
	it('body cursor: sends the cursor back, stops on a null, empty or missing one', () => {
		const p = paginator(
			{ style: 'bodyCursor', cursorPath: 'meta.next', cursorParam: 'cursor', sizeParam: 'limit' },
			50,
		);
		expect(p.request(null)).toEqual({ params: { limit: 50 } });
		expect(p.request('abc')).toEqual({ params: { limit: 50, cursor: 'abc' } });
		expect(p.next(null, page({ meta: { next: 'abc' } }, 50))).toBe('abc');
		for (const next of [null, '', undefined]) expect(p.next('abc', page({ meta: { next } }, 50))).toBeNull();
		expect(p.next('abc', page({}, 50))).toBeNull();
	});

	it("last record (Stripe): the last record's id while has_more is true", () => {
		const p = paginator(
			{ style: 'lastRecord', cursorParam: 'starting_after', idField: 'id', hasMorePath: 'has_more' },
			3,
		);
		expect(p.request('r3')).toEqual({ params: { starting_after: 'r3' } });
		expect(p.next(null, page({ has_more: true }, 3))).toBe('r3');
		expect(p.next(null, page({ has_more: false }, 3))).toBeNull();
		expect(p.next(null, page({ has_more: true }, 0))).toBeNull();
	});

	it('next URL in the body (Salesforce nextRecordsUrl, links.next)', () => {
		const p = paginator({ style: 'nextUrl', nextUrlPath: 'links.next', sizeParam: 'size' }, 10);
		expect(p.request(null)).toEqual({ params: { size: 10 } });
		expect(p.request('/q?after=10')).toEqual({ url: '/q?after=10', params: {} });
		expect(p.next(null, page({ links: { next: '/q?after=10' } }, 10))).toBe('/q?after=10');
		expect(p.next(null, page({ links: { next: null } }, 10))).toBeNull();
	});

	it('Link header rel="next" (GitHub), among other relations and spacing', () => {
		const header = '<https://api.x/r?page=3>; rel="next", <https://api.x/r?page=9>; rel="last"';
		expect(linkRel(header, 'next')).toBe('https://api.x/r?page=3');
		expect(linkRel(header, 'last')).toBe('https://api.x/r?page=9');
		expect(linkRel('<https://a/b?x=1,2>;rel=next', 'next')).toBe('https://a/b?x=1,2');
		expect(linkRel('<https://a/p1>; rel="prev first"', 'next')).toBeUndefined();
		expect(linkRel(undefined, 'next')).toBeUndefined();
		const p = paginator({ style: 'linkHeader' }, 10);
		expect(p.next(null, page([], 10, { link: header }))).toBe('https://api.x/r?page=3');
		expect(p.next(null, page([], 10, {}))).toBeNull();
	});

	it('page number: next page until an empty or short page, or the total', () => {
		const p = paginator(
			{ style: 'pageNumber', pageParam: 'page', firstPage: 1, sizeParam: 'per_page', totalPagesPath: 'pages' },
			10,
		);
		expect(p.request(null)).toEqual({ params: { per_page: 10, page: 1 } });
		expect(p.next(null, page({ pages: 3 }, 10))).toBe(2);
		expect(p.next(2, page({ pages: 3 }, 10))).toBe(3);
		expect(p.next(3, page({ pages: 3 }, 10))).toBeNull();
		expect(p.next(2, page({}, 7))).toBeNull();
		expect(p.next(2, page({}, 0))).toBeNull();
		const zero = paginator({ style: 'pageNumber', pageParam: 'p', firstPage: 0, totalPagesPath: 'pages' }, 10);
		expect(zero.next(null, page({ pages: 2 }, 10))).toBe(1);
		expect(zero.next(1, page({ pages: 2 }, 10))).toBeNull();
		// Without a page size parameter a short page proves nothing: only an empty one stops.
		const unsized = paginator({ style: 'pageNumber', pageParam: 'page', firstPage: 1 }, 10);
		expect(unsized.next(1, page({}, 4))).toBe(2);
		expect(unsized.next(2, page({}, 0))).toBeNull();
	});

	it('offset and limit: advances by the records received, stops on a short page', () => {
		const p = paginator({ style: 'offset', offsetParam: 'offset', sizeParam: 'limit' }, 100);
		expect(p.request(null)).toEqual({ params: { offset: 0, limit: 100 } });
		expect(p.next(null, page({}, 100))).toBe(100);
		expect(p.next(200, page({}, 100))).toBe(300);
		expect(p.next(300, page({}, 99))).toBeNull();
	});

	it('cursor in a response header', () => {
		const p = paginator({ style: 'headerCursor', header: 'X-Next-Cursor', cursorParam: 'c' }, 10);
		expect(p.next(null, page([], 10, { 'x-next-cursor': 'n2' }))).toBe('n2');
		expect(p.next(null, page([], 10, {}))).toBeNull();
		expect(p.request('n2')).toEqual({ params: { c: 'n2' } });
	});

	it('none: one page', () => {
		const p = paginator({ style: 'none' }, 10);
		expect(p.next(null, page([], 10))).toBeNull();
	});

	it('records path: dotted, or the root', () => {
		expect(valueAt({ a: { b: [1] } }, 'a.b')).toEqual([1]);
		expect(valueAt([1, 2], '')).toEqual([1, 2]);
		expect(valueAt({ a: 1 }, 'a.b')).toBeUndefined();
	});
});
