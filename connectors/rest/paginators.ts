/**
 * Pagination styles as small pure classes (dlt's rest_client shape): each says how to ask for the
 * page at a cursor and what the cursor of the next page is, from the page it got. A cursor is a
 * plain value (a token, a URL, a page number, an offset, a last id) kept in a checkpoint; null
 * asks for the first page, and `next` answering null means that page was the last.
 */
export type Cursor = string | number | null;

import type { PaginationConfig } from '../../core/ports/record-source';
export type { PaginationConfig };

export interface PageRequest {
	/** An absolute or base-relative URL replacing the resource path (next-URL styles). */
	url?: string;
	params: Record<string, string | number>;
}

export interface FetchedPage {
	body: unknown;
	headers: Record<string, string | undefined>;
	records: Array<Record<string, unknown>>;
}

export interface Paginator {
	request(cursor: Cursor): PageRequest;
	next(cursor: Cursor, page: FetchedPage): Cursor;
}

export const PAGINATION_STYLES = [
	'none',
	'bodyCursor',
	'lastRecord',
	'nextUrl',
	'linkHeader',
	'pageNumber',
	'offset',
	'headerCursor',
] as const;

/** The value at a dotted path ("data.items", "meta.next"); the whole value for an empty path. */
export function valueAt(body: unknown, path: string): unknown {
	if (!path) return body;
	let at: unknown = body;
	for (const part of path.split('.')) {
		if (at === null || typeof at !== 'object') return undefined;
		at = (at as Record<string, unknown>)[part];
	}
	return at;
}

const present = (value: unknown): Cursor =>
	value === undefined || value === null || value === '' || value === false ? null : (value as string | number);

const sized = (sizeParam: string | undefined, pageSize: number): Record<string, number> =>
	sizeParam ? { [sizeParam]: pageSize } : {};

/** One request, no pages. */
class SinglePage implements Paginator {
	request(): PageRequest {
		return { params: {} };
	}
	next(): Cursor {
		return null;
	}
}

/** Styles whose cursor goes back as a query parameter: the request is the same, the next cursor differs. */
abstract class CursorParameter<C extends { cursorParam: string; sizeParam?: string }> implements Paginator {
	constructor(
		protected readonly config: C,
		private readonly pageSize: number,
	) {}
	request(cursor: Cursor): PageRequest {
		const params = sized(this.config.sizeParam, this.pageSize);
		return { params: cursor === null ? params : { ...params, [this.config.cursorParam]: cursor } };
	}
	abstract next(cursor: Cursor, page: FetchedPage): Cursor;
}

/** The next cursor in the body (`meta.next_cursor`), sent back as a query parameter. */
class BodyCursor extends CursorParameter<Extract<PaginationConfig, { style: 'bodyCursor' }>> {
	next(_cursor: Cursor, page: FetchedPage): Cursor {
		return present(valueAt(page.body, this.config.cursorPath));
	}
}

/** Stripe's: the last record's id as `starting_after`, while `has_more` says so. */
class LastRecord extends CursorParameter<Extract<PaginationConfig, { style: 'lastRecord' }>> {
	next(_cursor: Cursor, page: FetchedPage): Cursor {
		const last = page.records[page.records.length - 1];
		if (!last || valueAt(page.body, this.config.hasMorePath) !== true) return null;
		return present(String(valueAt(last, this.config.idField) ?? ''));
	}
}

/** The next cursor in a response header (`X-Next-Cursor`), sent back as a query parameter. */
class HeaderCursor extends CursorParameter<Extract<PaginationConfig, { style: 'headerCursor' }>> {
	next(_cursor: Cursor, page: FetchedPage): Cursor {
		return present(page.headers[this.config.header.toLowerCase()]);
	}
}

/** Styles whose cursor is the next page's whole URL: the first request is sized, the others follow the URL. */
abstract class UrlCursor<C extends { sizeParam?: string }> implements Paginator {
	constructor(
		protected readonly config: C,
		private readonly pageSize: number,
	) {}
	request(cursor: Cursor): PageRequest {
		return cursor === null
			? { params: sized(this.config.sizeParam, this.pageSize) }
			: { url: String(cursor), params: {} };
	}
	abstract next(cursor: Cursor, page: FetchedPage): Cursor;
}

/** The next page's URL in the body (Salesforce's `nextRecordsUrl`, JSON:API's `links.next`). */
class NextUrl extends UrlCursor<Extract<PaginationConfig, { style: 'nextUrl' }>> {
	next(_cursor: Cursor, page: FetchedPage): Cursor {
		return present(valueAt(page.body, this.config.nextUrlPath));
	}
}

/** The `Link` header's rel="next" (GitHub). */
class LinkHeader extends UrlCursor<Extract<PaginationConfig, { style: 'linkHeader' }>> {
	next(_cursor: Cursor, page: FetchedPage): Cursor {
		return present(linkRel(page.headers.link, 'next'));
	}
}

/** The URL of a relation in an RFC 8288 Link header: `<https://…?page=2>; rel="next", <…>; rel="last"`. */
export function linkRel(header: string | undefined, rel: string): string | undefined {
	for (const part of (header ?? '').split(/,(?=\s*<)/)) {
		const match = /^\s*<([^>]*)>(.*)$/.exec(part);
		if (!match) continue;
		const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2])?.[1].split(/\s+/) ?? [];
		if (rels.includes(rel)) return match[1];
	}
	return undefined;
}

/** Page numbers: stops on an empty or short page, or at the total the body gives. */
class PageNumber implements Paginator {
	constructor(
		private readonly config: Extract<PaginationConfig, { style: 'pageNumber' }>,
		private readonly pageSize: number,
	) {}
	private page(cursor: Cursor): number {
		return cursor === null ? this.config.firstPage : Number(cursor);
	}
	request(cursor: Cursor): PageRequest {
		return { params: { ...sized(this.config.sizeParam, this.pageSize), [this.config.pageParam]: this.page(cursor) } };
	}
	next(cursor: Cursor, page: FetchedPage): Cursor {
		const number = this.page(cursor);
		if (!page.records.length || (this.config.sizeParam && page.records.length < this.pageSize)) return null;
		const total = this.config.totalPagesPath ? Number(valueAt(page.body, this.config.totalPagesPath)) : NaN;
		const last = this.config.firstPage === 0 ? total - 1 : total;
		if (Number.isFinite(total) && number >= last) return null;
		return number + 1;
	}
}

/** Offset and limit: stops on a short page. */
class Offset implements Paginator {
	constructor(
		private readonly config: Extract<PaginationConfig, { style: 'offset' }>,
		private readonly pageSize: number,
	) {}
	request(cursor: Cursor): PageRequest {
		return { params: { [this.config.offsetParam]: Number(cursor ?? 0), [this.config.sizeParam]: this.pageSize } };
	}
	next(cursor: Cursor, page: FetchedPage): Cursor {
		return page.records.length < this.pageSize ? null : Number(cursor ?? 0) + page.records.length;
	}
}

export function paginator(config: PaginationConfig, pageSize: number): Paginator {
	switch (config.style) {
		case 'none':
			return new SinglePage();
		case 'bodyCursor':
			return new BodyCursor(config, pageSize);
		case 'lastRecord':
			return new LastRecord(config, pageSize);
		case 'nextUrl':
			return new NextUrl(config, pageSize);
		case 'linkHeader':
			return new LinkHeader(config, pageSize);
		case 'pageNumber':
			return new PageNumber(config, pageSize);
		case 'offset':
			return new Offset(config, pageSize);
		case 'headerCursor':
			return new HeaderCursor(config, pageSize);
	}
}
