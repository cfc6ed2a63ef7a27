import type { Row } from '../model/schema';
import type { System } from './capabilities';
import type { PageCursor } from './positions';

/** One page of records and where the next one starts (null: this was the last). */
export interface RecordPage {
	records: Row[];
	next: PageCursor | null;
	/** How many records the source says the resource holds, when it says. */
	total?: number;
}

/**
 * Records read page by page from a cursor (REST APIs, platforms): a resource is an endpoint or an
 * object type; a page's cursor is its position, so a chunk resumes where its checkpoint says.
 */
export interface RecordSource extends System {
	readPage(resource: string, from: PageCursor, options?: ReadPageOptions): Promise<RecordPage>;
}

export interface ReadPageOptions {
	pageSize?: number;
	/** Incremental: only records changed since this watermark (the source sends it as its since-parameter). */
	since?: string | number;
}

/** How an API's pages follow each other, as plain values (connectors/rest/paginators.ts reads them). */
export type PaginationConfig =
	| { style: 'none' }
	| { style: 'bodyCursor'; cursorPath: string; cursorParam: string; sizeParam?: string }
	| { style: 'lastRecord'; cursorParam: string; idField: string; hasMorePath: string; sizeParam?: string }
	| { style: 'nextUrl'; nextUrlPath: string; sizeParam?: string }
	| { style: 'linkHeader'; sizeParam?: string }
	| { style: 'pageNumber'; pageParam: string; firstPage: number; sizeParam?: string; totalPagesPath?: string }
	| { style: 'offset'; offsetParam: string; sizeParam: string }
	| { style: 'headerCursor'; header: string; cursorParam: string; sizeParam?: string };
