/** What a REST API connection and one of its resources are, as plain values (credential + node parameters). */
import type { PaginationConfig } from './paginators';

export type RestAuth =
	| { type: 'none' }
	| { type: 'apiKey'; in: 'header' | 'query'; name: string; value: string }
	| { type: 'bearer'; token: string }
	| { type: 'basic'; user: string; password: string }
	| { type: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

export interface RestLimits {
	/** Requests per second for the whole run (0: no limit of ours; the API's headers still slow us). */
	requestsPerSecond: number;
	burst: number;
	maxRetries: number;
	/** A request given up after this long, retries included. */
	maxElapsedMs: number;
	timeoutMs: number;
}

export interface RestApiConfig {
	baseUrl: string;
	auth: RestAuth;
	headers?: Record<string, string>;
	ignoreTls?: boolean;
	/** The path the connection test GETs. */
	testPath?: string;
	limits?: Partial<RestLimits>;
}

/** One endpoint read page by page: where its records are and how its pages follow each other. */
export interface ApiResource {
	path: string;
	/** Dotted path to the records array in the body; empty when the body is the array. */
	recordsPath: string;
	pagination: PaginationConfig;
	pageSize: number;
	/** Query parameters sent with the first request (and every request of styles that build their own). */
	query?: Record<string, string>;
	/** Incremental runs: the query parameter that takes the watermark (`updated_since`). */
	sinceParam?: string;
}

export const DEFAULT_LIMITS: RestLimits = {
	requestsPerSecond: 0,
	burst: 1,
	maxRetries: 8,
	maxElapsedMs: 300_000,
	timeoutMs: 30_000,
};
