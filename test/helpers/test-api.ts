/**
 * The project's own test REST API: a deterministic set of records served in every pagination style
 * the connector knows, behind a chosen authentication, with a rate limit that answers 429 and
 * Retry-After above N requests a second and injectable faults (5xx, timeouts, connection resets,
 * a malformed JSON page, an HTML error page). Runs in the test process; n8n reaches it over loopback.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../core/validate/validate';

export type TestApiAuth =
	| { type: 'none' }
	| { type: 'apiKey'; in: 'header' | 'query'; name: string; value: string }
	| { type: 'bearer'; token: string }
	| { type: 'basic'; user: string; password: string }
	| { type: 'oauth2'; clientId: string; clientSecret: string; ttlSeconds: number };

export type FaultKind = '500' | '502' | '503' | '504' | 'reset' | 'timeout' | 'html502';

export interface TestApiOptions {
	records: number;
	auth?: TestApiAuth;
	/** Requests per second above which the API answers 429 with Retry-After (a one-second window). */
	rateLimit?: number;
	/** Whether responses tell the client its budget (RateLimit-Remaining/Reset); default true. */
	rateLimitHeaders?: boolean;
	/** This share of record requests fails with one of `kinds` (seeded: the same run fails alike). */
	faults?: { share: number; kinds: FaultKind[]; seed?: number; timeoutMs?: number };
	/** Serve HTTPS with this key and (self-signed) certificate, PEM. */
	tls?: { key: string; cert: string };
}

export interface TestApi {
	url: string;
	/** Requests served per route kind, 429s and faults injected. */
	stats: {
		requests: number;
		throttled: number;
		faults: number;
		firstThrottleAt?: number;
		throttledAfterFirst: number;
		/** OAuth2 tokens issued. */
		tokens: number;
		/** When each rate-limited request came (ms): the achieved rate. */
		times: number[];
	};
	options: TestApiOptions;
	/** The record at index i (0-based) as the API serves it: JSON text, its big number unrounded. */
	recordText(i: number): string;
	/** Changes record i (0-based) as the API serves it from now on, e.g. a new name and updated_at. */
	update(i: number, patch: Record<string, unknown>): void;
	/** Every OAuth2 token issued so far stops working (the next request gets 401). */
	revokeTokens(): void;
	stop(): Promise<void>;
}

/** One record: unicode, quotes, a number a double would round, nested objects and arrays, nulls. */
export function recordJson(i: number, patch?: Record<string, unknown>): string {
	const id = i + 1;
	const names = ['Zoë', 'Ωmega "quoted"', 'back\\slash', '日本語', 'emoji 🚀✨', "O'Brien", 'tab\there', 'plain'];
	const record = {
		id,
		name: `${names[i % names.length]} ${id}`,
		email: i % 11 === 0 ? null : `user${id}@example.com`,
		amount: Number(((id * 37) % 100000) / 100),
		score: i % 7 === 0 ? -0.1 : id / 3,
		active: i % 3 === 0,
		created_at: new Date(Date.UTC(2020, 0, 1) + id * 61_000).toISOString(),
		updated_at: new Date(Date.UTC(2020, 0, 1) + id * 61_000).toISOString(),
		address: { city: ['Berlin', 'Zürich', 'São Paulo', 'Kraków'][i % 4], zip: String(10000 + (i % 900)) },
		tags: i % 5 === 0 ? [] : ['a', `t${i % 4}`],
		...(i % 13 === 0 ? { note: 'line1\nline2' } : {}),
		...patch,
	};
	// A 19-digit integer beyond 2^53: JSON.parse would round it.
	const big = `${9007199254740993n + BigInt(i) * 2n}`;
	return `${JSON.stringify(record).slice(0, -1)},"big":${big}}`;
}

/**
 * Records at the edges of every JSON type, as raw JSON text (numbers a double cannot hold, -0,
 * the largest double, escapes, control characters, a NUL, mixed kinds in one field, empty objects
 * and arrays, missing fields). Record 4 holds a NUL (PostgreSQL's text refuses it); record 5 a
 * number no MySQL DECIMAL holds.
 */
export const EDGE_RECORDS = `[
{"id":1,"int":0,"neg":-9223372036854775808,"big":18446744073709551615,"dec":0.100000000000000005551115123126,"max":1.7976931348623157e308,"min":2.2250738585072014e-308,"negzero":-0.0,"f":1.5,"t":true,"s":"plain","u":"Zoë 日本語 🚀 \\"q\\" \\\\ \\/","ctl":"tab\\there\\nline\\r\\n","e":"","mixed":1,"o":{"z":1,"a":[1,2,{"k":null}],"big":12345678901234567890},"arr":[],"when":"2024-02-29T23:59:59.123456Z"},
{"id":2,"int":2147483648,"neg":-1,"big":1,"dec":-0.5,"max":-1.7976931348623157e308,"min":0,"negzero":0,"f":-2.25e-10,"t":false,"s":null,"u":"\\ud83d\\ude00","ctl":"\\u0001\\u001f","e":" ","mixed":"one","o":{},"arr":[null,"x",1.5],"when":"1970-01-01T00:00:00Z"},
{"id":3,"int":null,"neg":9223372036854775807,"dec":123456789012345678901234567890.123456789,"f":0.1,"t":null,"s":"${'x'.repeat(20000)}","u":"","mixed":{"a":1},"o":null,"arr":[[1,[2]],{"b":[]}],"when":"0001-01-01T00:00:00.000001Z"},
{"id":4,"int":1,"s":"a\\u0000b","mixed":true,"when":"2000-01-01T00:00:00Z"},
{"id":5,"int":2,"dec":1e400,"mixed":null,"when":"2000-01-01T00:00:00Z"}
]`;

export async function startTestApi(options: TestApiOptions): Promise<TestApi> {
	const cache: string[] = [];
	const patches = new Map<number, Record<string, unknown>>();
	const recordText = (i: number) => (cache[i] ??= recordJson(i, patches.get(i)));
	const updatedAt = (i: number) =>
		String(patches.get(i)?.updated_at ?? new Date(Date.UTC(2020, 0, 1) + (i + 1) * 61_000).toISOString());
	/** The records a request sees: all, or those updated since `updated_since` (inclusive), in id order. */
	let since: string | null = null;
	const page = (from: number, limit: number) => {
		const out: string[] = [];
		if (since === null) for (let i = from; i < Math.min(options.records, from + limit); i++) out.push(recordText(i));
		else {
			const matching = Array.from({ length: options.records }, (_, i) => i).filter((i) => updatedAt(i) >= since!);
			for (const i of matching.slice(from, from + limit)) out.push(recordText(i));
		}
		return `[${out.join(',')}]`;
	};
	const stats: TestApi['stats'] = {
		requests: 0,
		throttled: 0,
		faults: 0,
		throttledAfterFirst: 0,
		tokens: 0,
		times: [],
	};
	// Seeded: the same run fails alike.
	const random = seededRandom(options.faults?.seed ?? 7);
	const tokens = new Map<string, number>();
	let bucket = options.rateLimit ?? 0;
	let refilled = Date.now();

	const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
		res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
		res.end(body);
	};

	const authorized = (req: IncomingMessage, url: URL): boolean => {
		const auth = options.auth ?? { type: 'none' };
		const header = req.headers.authorization ?? '';
		switch (auth.type) {
			case 'none':
				return true;
			case 'apiKey':
				return auth.in === 'header'
					? req.headers[auth.name.toLowerCase()] === auth.value
					: url.searchParams.get(auth.name) === auth.value;
			case 'bearer':
				return header === `Bearer ${auth.token}`;
			case 'basic':
				return header === `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
			case 'oauth2': {
				const expires = tokens.get(header.replace(/^Bearer /, ''));
				return expires !== undefined && Date.now() < expires;
			}
		}
	};

	const readBody = (req: IncomingMessage) =>
		new Promise<string>((resolve) => {
			let body = '';
			req.on('data', (c: Buffer) => (body += c.toString()));
			req.on('end', () => resolve(body));
		});

	/**
	 * A token bucket as many APIs keep one (capacity = the limit, refilled at the limit a second):
	 * within it, the budget's headers; above it, 429 with Retry-After.
	 */
	const throttle = (res: ServerResponse): boolean => {
		const limit = options.rateLimit;
		if (!limit) return false;
		const now = Date.now();
		bucket = Math.min(limit, bucket + ((now - refilled) / 1000) * limit);
		refilled = now;
		const allowed = bucket >= 1;
		if (allowed) bucket -= 1;
		stats.times.push(now);
		const headers = {
			'RateLimit-Limit': String(limit),
			'RateLimit-Remaining': String(Math.floor(bucket)),
			'RateLimit-Reset': String(Math.max(1, Math.ceil((limit - bucket) / limit))),
		};
		if (options.rateLimitHeaders !== false) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
		if (allowed) return false;
		stats.throttled++;
		if (stats.firstThrottleAt === undefined) stats.firstThrottleAt = stats.requests;
		else stats.throttledAfterFirst++;
		send(res, 429, '{"error":"rate limited"}', { 'Retry-After': String(Math.ceil((1 - bucket) / limit)) });
		return true;
	};

	const fault = (req: IncomingMessage, res: ServerResponse): boolean => {
		const faults = options.faults;
		if (!faults || random() >= faults.share) return false;
		stats.faults++;
		const kind = faults.kinds[Math.floor(random() * faults.kinds.length)];
		if (kind === 'reset') req.socket.destroy();
		else if (kind === 'timeout')
			setTimeout(() => send(res, 200, '[]'), faults.timeoutMs ?? 3000); // after the client gave up
		else if (kind === 'html502') {
			res.writeHead(502, { 'Content-Type': 'text/html' });
			res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
		} else send(res, Number(kind), `{"error":"injected ${kind}"}`);
		return true;
	};

	const base = (req: IncomingMessage) => `http://${req.headers.host}`;

	const routes: Record<string, (url: URL, req: IncomingMessage, res: ServerResponse) => void> = {
		'/health': (_u, _q, res) => send(res, 200, '{"ok":true}'),
		'/forbidden': (_u, _q, res) => send(res, 403, '{"error":"missing scope read:records"}'),
		// Answers after `?ms=` milliseconds: past the client's timeout.
		'/slow': (url, _q, res) =>
			void setTimeout(() => send(res, 200, '{"ok":true}'), Number(url.searchParams.get('ms') ?? 15000)),
		// Cursor in the body: { data, meta: { next_cursor } }.
		'/cursor': (url, _q, res) => {
			const from = url.searchParams.has('cursor')
				? Number(Buffer.from(url.searchParams.get('cursor')!, 'base64url').toString())
				: 0;
			const limit = Number(url.searchParams.get('limit') ?? 100);
			const next = from + limit < options.records ? Buffer.from(String(from + limit)).toString('base64url') : null;
			send(res, 200, `{"data":${page(from, limit)},"meta":{"next_cursor":${JSON.stringify(next)}}}`);
		},
		// Stripe's: starting_after the last id, has_more.
		'/stripe': (url, _q, res) => {
			const from = Number(url.searchParams.get('starting_after') ?? 0);
			const limit = Number(url.searchParams.get('limit') ?? 10);
			send(res, 200, `{"object":"list","data":${page(from, limit)},"has_more":${from + limit < options.records}}`);
		},
		// Salesforce's: nextRecordsUrl, done.
		'/soql': (url, _q, res) => {
			const from = Number(url.searchParams.get('after') ?? 0);
			const limit = Number(url.searchParams.get('batch') ?? 200);
			const more = from + limit < options.records;
			const next = more ? `/soql?after=${from + limit}&batch=${limit}` : null;
			send(
				res,
				200,
				`{"totalSize":${options.records},"done":${!more},"records":${page(from, limit)},"nextRecordsUrl":${JSON.stringify(next)}}`,
			);
		},
		// GitHub's: a root array and a Link header.
		'/link': (url, req, res) => {
			const number = Number(url.searchParams.get('page') ?? 1);
			const size = Number(url.searchParams.get('per_page') ?? 30);
			const links = [];
			// As some APIs do, the next link echoes a key sent in the query.
			const auth = options.auth;
			const key = auth?.type === 'apiKey' && auth.in === 'query' ? `&${auth.name}=${auth.value}` : '';
			if (number * size < options.records)
				links.push(`<${base(req)}/link?page=${number + 1}&per_page=${size}${key}>; rel="next"`);
			links.push(
				`<${base(req)}/link?page=${Math.max(1, Math.ceil(options.records / size))}&per_page=${size}>; rel="last"`,
			);
			send(res, 200, page((number - 1) * size, size), { Link: links.join(', ') });
		},
		// Page numbers with a total.
		'/pages': (url, _q, res) => {
			const number = Number(url.searchParams.get('page') ?? 1);
			const size = Number(url.searchParams.get('per_page') ?? 50);
			send(
				res,
				200,
				`{"items":${page((number - 1) * size, size)},"page":${number},"total_pages":${Math.ceil(options.records / size)}}`,
			);
		},
		// Offset and limit.
		'/offset': (url, _q, res) => {
			const offset = Number(url.searchParams.get('offset') ?? 0);
			const limit = Number(url.searchParams.get('limit') ?? 100);
			send(res, 200, `{"results":${page(offset, limit)}}`);
		},
		// A cursor in a response header.
		'/header': (url, _q, res) => {
			const from = Number(url.searchParams.get('cursor') ?? 0);
			const limit = Number(url.searchParams.get('limit') ?? 100);
			const headers: Record<string, string> =
				from + limit < options.records ? { 'X-Next-Cursor': String(from + limit) } : {};
			send(res, 200, page(from, limit), headers);
		},
		// A pagination that comes back to its second page.
		'/loop': (url, _q, res) => {
			const cursor = url.searchParams.get('cursor');
			const next = cursor === null ? 'a' : cursor === 'a' ? 'b' : 'a';
			const from = cursor === null ? 0 : cursor === 'a' ? 10 : 20;
			send(res, 200, `{"data":${page(from, 10)},"meta":{"next_cursor":"${next}"}}`);
		},
		// Offset pages whose second one is cut off mid-document.
		'/malformed': (url, _q, res) => {
			const offset = Number(url.searchParams.get('offset') ?? 0);
			const limit = Number(url.searchParams.get('limit') ?? 10);
			const body = `{"results":${page(offset, limit)}}`;
			send(res, 200, offset === limit ? body.slice(0, body.length / 2) : body);
		},
		// Offset pages whose second one is an HTML error page with status 200.
		'/html': (url, _q, res) => {
			const offset = Number(url.searchParams.get('offset') ?? 0);
			const limit = Number(url.searchParams.get('limit') ?? 10);
			if (offset === limit) {
				res.writeHead(200, { 'Content-Type': 'text/html' });
				res.end('<!DOCTYPE html><html><body>Maintenance</body></html>');
			} else send(res, 200, `{"results":${page(offset, limit)}}`);
		},
		'/edge': (_u, _q, res) => send(res, 200, `{"data":${EDGE_RECORDS},"meta":{"next_cursor":null}}`),
		'/empty': (_u, _q, res) => send(res, 200, '{"data":[],"meta":{"next_cursor":null}}'),
		// Offset pages where record 5 lacks its id.
		'/missing-id': (url, _q, res) => {
			const offset = Number(url.searchParams.get('offset') ?? 0);
			const limit = Number(url.searchParams.get('limit') ?? 100);
			const records = JSON.parse(page(offset, limit).replace(/"big":(\d+)/g, '"big":"$1"')) as Array<
				Record<string, unknown>
			>;
			for (const r of records) if (r.id === 5) delete r.id;
			send(res, 200, `{"results":${JSON.stringify(records)}}`);
		},
	};

	const listener: RequestListener = (req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://local');
			stats.requests++;
			if (url.pathname === '/oauth/token' && req.method === 'POST') {
				const form = new URLSearchParams(await readBody(req));
				const auth = options.auth;
				if (
					auth?.type !== 'oauth2' ||
					form.get('grant_type') !== 'client_credentials' ||
					form.get('client_id') !== auth.clientId ||
					form.get('client_secret') !== auth.clientSecret
				)
					return send(res, 401, '{"error":"invalid_client"}');
				const token = `tok-${++stats.tokens}-${Math.random().toString(36).slice(2)}`;
				tokens.set(token, Date.now() + auth.ttlSeconds * 1000);
				return send(
					res,
					200,
					JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: auth.ttlSeconds }),
				);
			}
			since = url.searchParams.get('updated_since');
			const route = routes[url.pathname];
			if (!route) return send(res, 404, '{"error":"no such resource"}');
			if (!authorized(req, url)) return send(res, 401, '{"error":"invalid credentials"}');
			if (throttle(res)) return;
			if (url.pathname !== '/health' && fault(req, res)) return;
			route(url, req, res);
		})();
	};
	const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
		stats,
		options,
		recordText,
		revokeTokens: () => tokens.clear(),
		update: (i, patch) => {
			patches.set(i, { ...patches.get(i), ...patch });
			delete cache[i];
		},
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
