/**
 * The one place a platform's HTTP client is made: JSON requests of every method, downloads as
 * streams, uploads as streamed multipart. Reads, updates and deletes are retried on what is worth
 * retrying; a create (POST) only on 429, the one answer that says it was not done — a create whose
 * answer was lost is found again by the engine (marker or natural key), never sent twice blindly.
 * Errors are typed and made safe here, once, named by the platform.
 */
import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { MigrationError } from '../../core/model/errors';
import type {
	HttpMethod,
	PlatformList,
	PlatformRequest,
	PlatformResponse,
	PlatformTransport,
} from '../../core/ports/platform';
import { paginator, valueAt, type Cursor } from '../rest/paginators';
import { realClock, retryAfterMs } from '../rest/rate-limit';
import { httpError, networkError, safeUrl, type HttpContext } from '../rest/rest-errors';
import { withRetries, type AttemptFailure } from '../rest/retry';
import { multipartBody } from './multipart';

export interface PlatformHttpConfig {
	/** The platform's name in messages (Redmine, Gitea). */
	system: string;
	baseUrl: string;
	/** The credential's header: `X-Redmine-API-Key: <key>`, `Authorization: token <token>`. */
	authHeader: { name: string; value: string };
	/** Headers that are no secret (Parse's application id). */
	headers?: Record<string, string>;
	ignoreTls?: boolean;
	timeoutMs?: number;
	maxRetries?: number;
}

class Attempt extends Error {
	constructor(
		readonly failure: AttemptFailure,
		readonly response?: { status: number; body: string },
		readonly cause?: unknown,
	) {
		super(`attempt failed (${failure.status ?? failure.code})`);
	}
}

export class PlatformHttp implements PlatformTransport {
	private readonly client: AxiosInstance;
	private readonly endpoint: string;
	private readonly origin: string;
	readonly stats = { requests: 0, retries: 0 };

	constructor(private readonly config: PlatformHttpConfig) {
		const base = new URL(config.baseUrl);
		this.endpoint = base.host;
		this.origin = base.origin;
		this.client = axios.create({
			baseURL: config.baseUrl.replace(/\/+$/, ''),
			timeout: config.timeoutMs ?? 60_000,
			validateStatus: () => true,
			maxRedirects: 5,
			maxBodyLength: Infinity,
			maxContentLength: Infinity,
			headers: { Accept: 'application/json', ...config.headers, [config.authHeader.name]: config.authHeader.value },
			httpAgent: new HttpAgent({ keepAlive: true }),
			httpsAgent: new HttpsAgent({ keepAlive: true, rejectUnauthorized: !config.ignoreTls }),
		});
	}

	get system(): string {
		return this.config.system;
	}

	async json(request: PlatformRequest): Promise<PlatformResponse> {
		const retried = request.method !== 'POST';
		const answer = await this.attempts(request.method, request.path, retried, async () => {
			const upload = request.file
				? request.file.raw
					? {
							body: request.file.stream,
							contentType: request.file.contentType || 'application/octet-stream',
							length: request.file.size,
						}
					: multipartBody(request.file)
				: undefined;
			return this.client.request<string>({
				method: request.method,
				url: this.relative(request.path),
				params: request.query,
				responseType: 'text',
				transformResponse: [(data: unknown) => data],
				data: upload ? upload.body : request.json === undefined ? undefined : JSON.stringify(request.json),
				headers: upload
					? { 'Content-Type': upload.contentType, 'Content-Length': String(upload.length) }
					: request.json === undefined
						? {}
						: { 'Content-Type': 'application/json' },
			});
		});
		const body = parsedJson(String(answer.data ?? ''));
		if (body === NOT_JSON)
			throw new MigrationError(
				'QUERY_FAILED',
				`${this.system}: ${request.method} ${safeUrl(request.path)} answered something that is not JSON`,
				{ system: this.system },
			);
		return { status: answer.status, headers: plainHeaders(answer.headers), body };
	}

	async *pages(list: PlatformList): AsyncIterable<Array<Record<string, unknown>>> {
		const pages = paginator(list.pagination, list.pageSize);
		let cursor: Cursor = null;
		for (;;) {
			const request = pages.request(cursor);
			const query = request.url ? request.params : { ...list.query, ...request.params };
			const answer = await this.json({ method: 'GET', path: request.url ?? list.path, query });
			const records = valueAt(answer.body, list.recordsPath);
			if (!Array.isArray(records))
				throw new MigrationError(
					'QUERY_FAILED',
					`${this.system}: GET ${safeUrl(list.path)} has no array of records at ${list.recordsPath ? `"${list.recordsPath}"` : 'the root'}`,
					{ system: this.system },
				);
			yield records as Array<Record<string, unknown>>;
			const next = pages.next(cursor, { body: answer.body, headers: answer.headers, records });
			if (next === null || records.length === 0) return;
			cursor = next;
		}
	}

	/** A file's bytes as a stream (an attachment's content URL, absolute on this host or relative). */
	async download(url: string): Promise<{ stream: Readable; size?: number }> {
		const answer = await this.attempts('GET', url, true, () =>
			this.client.request<Readable>({ method: 'GET', url: this.relative(url), responseType: 'stream' }),
		);
		const length = Number(answer.headers['content-length']);
		return { stream: answer.data, size: Number.isFinite(length) ? length : undefined };
	}

	async close(): Promise<void> {
		(this.client.defaults.httpAgent as HttpAgent).destroy();
		(this.client.defaults.httpsAgent as HttpsAgent).destroy();
	}

	/** A path under the base URL, or an absolute URL on the same origin; another host would receive the credential: refused. */
	private relative(url: string): string {
		if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
		const origin = new URL(url).origin;
		if (origin !== this.origin)
			throw new MigrationError(
				'QUERY_FAILED',
				`${this.system}: ${origin} is not ${this.origin}; the credential is not sent to another host`,
				{ system: this.system },
			);
		return url;
	}

	private async attempts<T extends { status: number; data: unknown; headers: unknown }>(
		method: HttpMethod,
		path: string,
		retried: boolean,
		send: () => Promise<T>,
	): Promise<T> {
		const attempt = async (): Promise<T> => {
			const answer = await send().catch((error: unknown) =>
				Promise.reject(new Attempt({ code: (error as { code?: string }).code ?? 'ECONNRESET' }, undefined, error)),
			);
			this.stats.requests++;
			if (answer.status >= 200 && answer.status < 300) return answer;
			const body = typeof answer.data === 'string' ? answer.data : await drained(answer.data);
			const retryAfter = retryAfterMs(plainHeaders(answer.headers)['retry-after'], Date.now());
			throw new Attempt({ status: answer.status, retryAfterMs: retryAfter }, { status: answer.status, body });
		};
		return withRetries(
			attempt,
			{ maxRetries: this.config.maxRetries ?? 6, maxElapsedMs: 120_000, baseDelayMs: 250, maxDelayMs: 5_000 },
			(error) => {
				const failure = error instanceof Attempt ? error.failure : {};
				return retried || failure.status === 429 ? failure : {};
			},
			realClock,
			() => this.stats.retries++,
		).catch((error: unknown) => Promise.reject(this.typed(error, method, path)));
	}

	private typed(error: unknown, method: string, path: string): unknown {
		if (!(error instanceof Attempt)) return error;
		const context: HttpContext = {
			method,
			path: safeUrl(path),
			endpoint: this.endpoint,
			secrets: [this.config.authHeader.value, this.config.authHeader.value.split(' ').pop()],
			system: this.system,
		};
		if (error.response) return httpError(error.response.status, error.response.body, context);
		const cause = error.cause as { message?: string } | undefined;
		return networkError(error.failure.code, String(cause?.message ?? ''), context);
	}
}

const NOT_JSON = Symbol('not JSON');

/** A body's JSON (null when empty), or NOT_JSON. */
function parsedJson(text: string): unknown {
	if (!text.trim()) return null;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return NOT_JSON;
	}
}

function plainHeaders(headers: unknown): Record<string, string | undefined> {
	const plain: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>))
		plain[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value == null ? undefined : String(value);
	return plain;
}

/** A refused download's body, read for the message (bounded). */
async function drained(data: unknown): Promise<string> {
	const stream = data as Readable | undefined;
	if (!stream || typeof stream.on !== 'function') return '';
	let text = '';
	for await (const chunk of stream) {
		if (text.length < 2000) text += String(chunk);
	}
	return text;
}
