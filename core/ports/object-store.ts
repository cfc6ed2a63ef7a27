import type { Readable } from 'node:stream';
import type { System } from './capabilities';
import type { ObjectRange } from './positions';

export interface ObjectInfo {
	key: string;
	size: number;
	/** The store's content hash where it has one (S3 ETag); a copy compares its own digest too. */
	etag?: string;
	lastModified?: string;
	contentType?: string;
	metadata?: Record<string, string>;
}

/** Objects by key, their bodies as streams (S3-compatible stores, local folders). */
export interface ObjectStore extends System {
	/** Keys in a range of the listing, in key order, a page at a time. */
	list(range: ObjectRange, options: { pageSize: number }): AsyncGenerator<ObjectInfo[]>;
	head(key: string): Promise<ObjectInfo | undefined>;
	get(key: string): Promise<Readable>;
	put(key: string, body: Readable, info: Omit<ObjectInfo, 'key' | 'etag' | 'lastModified'>): Promise<ObjectInfo>;
	delete(key: string): Promise<void>;
}
