import { parseExactJson } from '../../core/model/exact-json';
import { MigrationError, RequestError } from '../../core/model/errors';
import type { Row } from '../../core/model/schema';
import {
	capabilities,
	type PageCursor,
	type ReadPageOptions,
	type RecordPage,
	type RecordSource,
} from '../../core/ports';
import { paginator, valueAt, type Cursor, type FetchedPage } from './paginators';
import { Authenticator } from './rest-auth';
import type { HttpAnswer, Transport } from './rest-client';
import { DEFAULT_LIMITS, type ApiResource, type RestApiConfig, type RestLimits } from './rest-config';
import { httpError, malformedPage, networkError, safeUrl, SYSTEM, type HttpContext } from './rest-errors';
import { RateLimiter, realClock, retryAfterMs, type Clock } from './rate-limit';
import { withRetries, type AttemptFailure } from './retry';

/** Thrown by one attempt: an answer to retry (status) or no answer at all (code). */
class AttemptError extends Error {
	constructor(
		readonly failure: AttemptFailure,
		readonly answer?: HttpAnswer,
		readonly cause?: unknown,
	) {
		super(`attempt failed (${failure.status ?? failure.code})`);
	}
}

/**
 * A REST API as a record source: a resource's pages read from a cursor, records found at the
 * resource's path, every request paced by the run's one rate limiter and retried on what is worth
 * retrying. Errors are typed and made safe here, once.
 */
export class RestConnector implements RecordSource {
	readonly system = SYSTEM;
	readonly capabilities = capabilities({ hasSchema: false });
	readonly limits: RestLimits;
	private readonly limiter: RateLimiter;
	private readonly auth: Authenticator;
	private readonly endpoint: string;
	private readonly origin: string;
	/** Requests answered, retries and 429s seen: what the benchmark and the report count. */
	readonly stats = { requests: 0, retries: 0, throttled: 0 };

	constructor(
		private readonly config: RestApiConfig,
		private readonly resources: Record<string, ApiResource>,
		private readonly transport: Transport,
		private readonly clock: Clock = realClock,
	) {
		this.limits = { ...DEFAULT_LIMITS, ...config.limits };
		this.limiter = new RateLimiter(this.limits.requestsPerSecond, this.limits.burst, clock);
		const base = new URL(config.baseUrl);
		this.origin = base.origin;
		this.endpoint = base.host;
		this.auth = new Authenticator(config.auth, async (url, form) => {
			const answer = await this.send('POST', url, {}, {}, form);
			if (answer.status < 200 || answer.status >= 300)
				throw httpError(answer.status, answer.body, this.context('POST', url));
			return parseExactJson(answer.body) as { access_token?: unknown; expires_in?: unknown };
		});
	}

	resource(name: string): ApiResource {
		const found = this.resources[name];
		if (!found) throw new RequestError(`No API resource named ${JSON.stringify(name)} is configured`);
		return found;
	}

	async ping(): Promise<void> {
		await this.get(this.config.testPath || '/', {}, 'connection test');
	}

	async close(): Promise<void> {}

	async readPage(name: string, from: PageCursor, options: ReadPageOptions = {}): Promise<RecordPage> {
		const resource = this.resource(name);
		const pages = paginator(resource.pagination, options.pageSize ?? resource.pageSize);
		const request = pages.request(from.cursor);
		const url = request.url ?? resource.path;
		// A next URL carries its own query; the resource's query (and the since-parameter) goes with requests built here.
		const since = options.since !== undefined && resource.sinceParam ? { [resource.sinceParam]: options.since } : {};
		const params = request.url ? request.params : { ...resource.query, ...since, ...request.params };
		const answer = await this.get(url, params, JSON.stringify(from.cursor));
		const page = this.page(answer, resource, this.context('GET', answer.url), JSON.stringify(from.cursor));
		const next = pages.next(from.cursor, page);
		return { records: page.records as Row[], next: next === null ? null : { cursor: this.withoutKey(next) } };
	}

	private page(answer: HttpAnswer, resource: ApiResource, context: HttpContext, cursor: string): FetchedPage {
		let body: unknown;
		try {
			body = parseExactJson(answer.body);
		} catch {
			throw malformedPage(answer.headers['content-type'], answer.body, { ...context, page: cursor });
		}
		const records = valueAt(body, resource.recordsPath);
		if (!Array.isArray(records) || records.some((r) => !r || typeof r !== 'object' || Array.isArray(r)))
			throw new MigrationError(
				'QUERY_FAILED',
				`${SYSTEM}: ${context.method} ${context.path} (page at cursor ${cursor}) has no array of records at ${resource.recordsPath ? `"${resource.recordsPath}"` : 'the root'}`,
				{ system: SYSTEM, path: context.path, page: cursor },
			);
		return { body, headers: answer.headers, records: records as Array<Record<string, unknown>> };
	}

	private context(method: string, url: string): HttpContext {
		return {
			method,
			path: safeUrl(
				url,
				[this.auth.secretParam()].filter((p): p is string => !!p),
			),
			endpoint: this.endpoint,
			secrets: this.auth.secrets(),
		};
	}

	/** A GET answered 2xx, paced, authenticated and retried; anything else as a typed error. */
	private async get(url: string, params: Record<string, string | number>, page: string): Promise<HttpAnswer> {
		this.refuseOtherOrigin(url, page);
		let reauthorized = false;
		const attempt = async (): Promise<HttpAnswer> => {
			await this.limiter.take();
			const { headers, params: authParams } = await this.auth.parts();
			// No answer at all (refused, reset, timed out): the retry loop decides by the socket's code.
			const answer = await this.send('GET', url, { ...params, ...authParams }, headers).catch((error: unknown) =>
				Promise.reject(new AttemptError({ code: (error as { code?: string }).code ?? 'ECONNRESET' }, undefined, error)),
			);
			this.stats.requests++;
			this.limiter.observe(answer.headers);
			if (answer.status === 401 && !reauthorized && this.auth.refused()) {
				reauthorized = true;
				return attempt();
			}
			if (answer.status >= 200 && answer.status < 300) return answer;
			const wait = retryAfterMs(answer.headers['retry-after'], this.clock.now());
			if (answer.status === 429) this.stats.throttled++;
			// The server asked everyone to wait: every request of the run pauses, not only this one.
			if (wait !== undefined) this.limiter.pause(wait);
			throw new AttemptError({ status: answer.status, retryAfterMs: wait }, answer);
		};
		return withRetries(
			attempt,
			{
				maxRetries: this.limits.maxRetries,
				maxElapsedMs: this.limits.maxElapsedMs,
				baseDelayMs: 250,
				maxDelayMs: 10_000,
			},
			(error) => (error instanceof AttemptError ? error.failure : {}),
			this.clock,
			() => this.stats.retries++,
		).catch((error: unknown) => Promise.reject(this.typed(error, url, params)));
	}

	/** The last attempt's failure as a typed error, made safe; anything else as it is. */
	private typed(error: unknown, url: string, params: Record<string, string | number>): unknown {
		if (!(error instanceof AttemptError)) return error;
		const context = this.context('GET', error.answer?.url ?? this.absolute(url, params));
		if (error.answer) return httpError(error.answer.status, error.answer.body, context);
		const cause = error.cause as { message?: string } | undefined;
		return networkError(error.failure.code, String(cause?.message ?? ''), context);
	}

	private send(
		method: 'GET' | 'POST',
		url: string,
		params: Record<string, string | number>,
		headers: Record<string, string>,
		form?: Record<string, string>,
	) {
		return this.transport({ method, url, params, headers, form });
	}

	private absolute(url: string, params: Record<string, string | number>): string {
		const full = new URL(url, this.config.baseUrl.endsWith('/') ? this.config.baseUrl : `${this.config.baseUrl}/`);
		for (const [k, v] of Object.entries(params)) full.searchParams.set(k, String(v));
		return full.toString();
	}

	/**
	 * A next-page URL that echoes a key sent as a query parameter loses it: cursors are kept in
	 * checkpoints and items, and every request adds the key again anyway.
	 */
	private withoutKey(cursor: Cursor): Cursor {
		const param = this.auth.secretParam();
		if (!param || typeof cursor !== 'string' || !cursor.includes(`${param}=`)) return cursor;
		const absolute = /^[a-z][a-z0-9+.-]*:/i.test(cursor);
		const url = new URL(cursor, this.config.baseUrl);
		url.searchParams.delete(param);
		return absolute ? url.toString() : `${url.pathname}${url.search}`;
	}

	/** A next URL on another host would receive the credential: refused, named. */
	private refuseOtherOrigin(url: string, page: string): void {
		if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return;
		const origin = new URL(url).origin;
		if (origin !== this.origin)
			throw new MigrationError(
				'QUERY_FAILED',
				`${SYSTEM}: the page at cursor ${page} points to ${origin}, not ${this.origin}; the credential is not sent to another host`,
				{ system: SYSTEM },
			);
	}
}

export type { Cursor };
