/**
 * An HTTP failure as a typed error, once, secrets removed: a refused credential, a missing
 * resource, a page that is not JSON, any other refusal with its status, method, path and a short
 * excerpt of the body; an unreachable or failing server in the "<System> at host:port: <cause>"
 * form templates keep finished pages for.
 */
import { ConnectionError, MigrationError, SchemaError, connectionCause, redact } from '../../core/model/errors';
import { RETRY_STATUSES } from './retry';

export const SYSTEM = 'REST API';
const REST_SYSTEM = SYSTEM;

/** Query parameters whose values never leave in a message. */
const SECRET_PARAM = /(key|token|secret|password|passwd|signature|sig|auth|session|code|credential)/i;

/** A URL as a message shows it: the path and query, secret-looking parameters (and `extra`) as ***. */
export function safeUrl(url: string, extraSecretParams: string[] = []): string {
	let parsed: URL;
	try {
		parsed = new URL(url, 'http://placeholder');
	} catch {
		return '(unparseable URL)';
	}
	for (const name of [...parsed.searchParams.keys()])
		if (SECRET_PARAM.test(name) || extraSecretParams.includes(name)) parsed.searchParams.set(name, '***');
	const query = parsed.searchParams.toString();
	return `${parsed.pathname}${query ? `?${decodeURIComponent(query)}` : ''}`;
}

function excerpt(body: string): string {
	const flat = body.replace(/\s+/g, ' ').trim();
	return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

const REASONS: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	409: 'Conflict',
	410: 'Gone',
	422: 'Unprocessable Entity',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

export interface HttpContext {
	method: string;
	/** Already made safe (safeUrl). */
	path: string;
	endpoint: string;
	secrets: Array<string | undefined>;
	/** The system named in messages (a platform preset's name); "REST API" when absent. */
	system?: string;
}

/** A non-2xx answer that is not retried (or no longer). */
export function httpError(status: number, body: string, context: HttpContext): MigrationError {
	const SYSTEM = context.system ?? REST_SYSTEM;
	const head = `${SYSTEM}: ${status} ${REASONS[status] ?? 'HTTP error'} on ${context.method} ${context.path}`;
	const said = body ? ` (${excerpt(body)})` : '';
	const clean = (message: string) => redact(message, context.secrets);
	const where = { system: SYSTEM, status, method: context.method, path: context.path };
	if (status === 401)
		return new ConnectionError(
			'AUTH_FAILED',
			clean(`${head}: the credential was refused (check the API key, token or client secret)${said}`),
			where,
		);
	if (status === 403)
		return new ConnectionError(
			'AUTH_FAILED',
			clean(`${head}: the credential is valid but not allowed this resource (check its scopes)${said}`),
			where,
		);
	if (status === 404)
		return new SchemaError(
			'UNKNOWN_TABLE',
			clean(`${head}: no such resource (check the base URL and the path)${said}`),
			where,
		);
	// The server is not serving (a 5xx, or still 429 after every retry): named as a server that cannot be
	// reached, so templates keep the pages already committed for a rerun.
	if (status === 429 || status >= 500)
		return new ConnectionError(
			'CONNECTION_FAILED',
			clean(
				`${SYSTEM} at ${context.endpoint}: ${status} ${REASONS[status] ?? 'server error'} on ${context.method} ${context.path}${RETRY_STATUSES.has(status) ? ', still after every retry' : ''}${said}`,
			),
			where,
		);
	return new MigrationError('QUERY_FAILED', clean(`${head}${said}`), where);
}

/** No answer: refused, reset, timed out, name not found. */
export function networkError(code: string | undefined, message: string, context: HttpContext): MigrationError {
	const SYSTEM = context.system ?? REST_SYSTEM;
	const cause = connectionCause(code, message) ?? message;
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
	return new ConnectionError(
		timedOut ? 'TIMEOUT' : 'CONNECTION_FAILED',
		redact(`${SYSTEM} at ${context.endpoint}: ${cause} on ${context.method} ${context.path}`, context.secrets),
		{ system: SYSTEM, code, method: context.method, path: context.path },
	);
}

/** A 2xx answer whose body is not the JSON the page should be, named by its page. */
export function malformedPage(contentType: string | undefined, body: string, context: HttpContext & { page: string }) {
	const kind = /html/i.test(contentType ?? '') || /^\s*</.test(body) ? 'an HTML page' : 'malformed JSON';
	return new MigrationError(
		'QUERY_FAILED',
		redact(
			`${SYSTEM}: ${context.method} ${context.path} (page at cursor ${context.page}) answered ${kind}, not JSON: ${excerpt(body) || '(empty body)'}`,
			context.secrets,
		),
		{ system: SYSTEM, method: context.method, path: context.path, page: context.page },
	);
}
