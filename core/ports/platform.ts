/**
 * A platform (Redmine, Gitea, Parse…) as the engine sees it: JSON requests by method and path,
 * file downloads and uploads as streams. Which paths, fields and ids mean what is the preset's
 * business (core/platform/preset.ts), not the transport's.
 */
import type { Readable } from 'node:stream';
import type { PaginationConfig } from './record-source';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface UploadFile {
	/** The multipart field the platform reads the file from. */
	field: string;
	name: string;
	contentType?: string;
	size: number;
	stream: Readable;
	/** Sent as the whole body (Content-Type: the file's), not as multipart. */
	raw?: boolean;
}

export interface PlatformRequest {
	method: HttpMethod;
	path: string;
	query?: Record<string, string | number>;
	json?: unknown;
	file?: UploadFile;
}

export interface PlatformResponse {
	status: number;
	headers: Record<string, string | undefined>;
	body: unknown;
}

/** A listing read page by page: where its records are in each body and how pages follow. */
export interface PlatformList {
	path: string;
	/** Dotted path to the records array; empty when the body is the array. */
	recordsPath: string;
	pagination: PaginationConfig;
	pageSize: number;
	query?: Record<string, string | number>;
}

export interface PlatformTransport {
	readonly system: string;
	/** A 2xx answer with its JSON body; anything else as a typed error. */
	json(request: PlatformRequest): Promise<PlatformResponse>;
	/** Every page of a listing, one array of records at a time (bounded memory). */
	pages(list: PlatformList): AsyncIterable<Array<Record<string, unknown>>>;
	download(url: string): Promise<{ stream: Readable; size?: number }>;
	close(): Promise<void>;
}
