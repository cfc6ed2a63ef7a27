import type { KeyRange } from '../model/schema';

/**
 * Where a chunk starts and ends, as its source understands it. Core passes it through unread (into
 * the chunk's checkpoint key and back to the source that planned it): a key range of a table, a
 * page cursor of an API, a key range of an object store's listing.
 */
export type ChunkPosition = KeyRange | PageCursor | PageIndex | ObjectRange;

/** A record source's page, by its place in the run (1, 2, …): its checkpoint holds the cursor it was read at and the next one. */
export interface PageIndex {
	page: number;
}

/** A record source's position: the cursor (offset, page token, last id) the next page starts from; null is the start. */
export interface PageCursor {
	cursor: string | number | null;
}

/** An object store's listing: keys under `prefix`, after `after` (exclusive) up to `upTo` (inclusive). */
export interface ObjectRange {
	prefix: string;
	after?: string;
	upTo?: string;
}
