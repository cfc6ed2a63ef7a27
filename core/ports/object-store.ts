import type { Readable } from 'node:stream';
import type { System } from './capabilities';
import type { ObjectRange } from './positions';

export interface ObjectInfo {
	key: string;
	size: number;
	/** The store's content hash where it has one (S3 ETag: an MD5, or MD5 of part MD5s "-N"). */
	etag?: string;
	/** SHA-256 the store computed itself (S3 x-amz-checksum-sha256, base64; "-N" for a composite of N parts). */
	checksumSha256?: string;
	lastModified?: string;
	contentType?: string;
	/** User metadata (S3 x-amz-meta-*), read by head only. */
	metadata?: Record<string, string>;
}

/** What a write read back: the store's own hashes of the bytes it now holds (local: read again from disk). */
export interface WrittenObject extends ObjectInfo {
	/** Hex SHA-256 of what the store holds, where the store can tell it whole (a local file). */
	sha256?: string;
}

export interface PutOptions {
	/** Bytes the body holds, when known (the source's size): a short body fails the write. */
	size?: number;
	contentType?: string;
	metadata?: Record<string, string>;
	/** Multipart: bytes per part and parts in flight (S3); a body up to one part goes in one request. */
	partSize: number;
	queueSize: number;
	/**
	 * Called with what the store holds before the write counts: throwing refuses it (a local file is
	 * not renamed into place; an S3 object is deleted). Where the checksum is compared.
	 */
	accept(written: WrittenObject): void;
}

/** Objects by key, their bodies as streams (S3-compatible stores, local folders). */
export interface ObjectStore extends System {
	/** Where the objects are, for messages and reports ("s3://bucket at host", "folder /data"). */
	readonly location: string;
	/** Keys in a range of the listing, in key order (UTF-8 bytes, as S3 lists), a page at a time. */
	list(range: ObjectRange, options: { pageSize: number }): AsyncGenerator<ObjectInfo[]>;
	/** The object with its metadata and stored checksum; undefined when absent. */
	head(key: string): Promise<ObjectInfo | undefined>;
	get(key: string): Promise<Readable>;
	put(key: string, body: Readable, options: PutOptions): Promise<WrittenObject>;
	/** The store can copy from `other` without the bytes passing through here (same endpoint and keys). */
	copiesFrom(other: ObjectStore): boolean;
	/** A copy made by the server (copiesFrom); the result's checksums are the server's. */
	serverCopy(
		from: ObjectStore,
		fromKey: string,
		toKey: string,
		options: { metadata?: Record<string, string>; partSize?: number },
	): Promise<WrittenObject>;
	/** Reading is cheap here (a local disk): core hashes objects itself rather than trusting or recopying. */
	readonly readsLocally: boolean;
	delete(key: string): Promise<void>;
}
