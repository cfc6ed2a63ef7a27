/**
 * S3 failures as typed errors, once, secrets removed: a bad signature or key, a missing bucket or
 * key, access denied said plainly; an unreachable endpoint in the "<System> at host:port: <cause>"
 * form templates keep finished chunks for.
 */
import { ConnectionError, MigrationError, SchemaError, connectionCause, redact } from '../../core/model/errors';

export const SYSTEM = 'S3';

interface SdkError {
	name?: string;
	code?: string;
	message?: string;
	$metadata?: { httpStatusCode?: number };
	$fault?: string;
}

const WORDS: Record<string, (where: string) => string> = {
	SignatureDoesNotMatch: () => 'the request signature does not match: check the Secret Access Key',
	InvalidAccessKeyId: () => 'the Access Key ID is not known to this store',
	InvalidToken: () => 'the Session Token is not valid',
	ExpiredToken: () => 'the Session Token has expired',
	NoSuchBucket: (where) => `no such bucket: ${where}`,
	AccessDenied: (where) => `access denied to ${where} (the key lacks the permission)`,
	Forbidden: (where) => `access denied to ${where} (a wrong key or secret, or the key lacks the permission)`,
	NotFound: (where) => `not found: ${where}`,
	NoSuchKey: (where) => `no such object: ${where}`,
};

export function s3Error(
	error: unknown,
	context: { endpoint: string; bucket: string; key?: string; secrets: Array<string | undefined> },
): MigrationError {
	if (error instanceof MigrationError) return error;
	const e = (error ?? {}) as SdkError;
	const where = `s3://${context.bucket}${context.key !== undefined ? `/${context.key}` : ''}`;
	const status = e.$metadata?.httpStatusCode;
	const name =
		e.name === 'Unknown' && status === 403
			? 'Forbidden'
			: e.name === 'Unknown' && status === 404
				? 'NotFound'
				: (e.name ?? '');
	const message = e.message || name || String(error);
	const say = (text: string) => redact(`${SYSTEM}: ${text}`, context.secrets);
	if (
		name === 'SignatureDoesNotMatch' ||
		name === 'InvalidAccessKeyId' ||
		name === 'InvalidToken' ||
		name === 'ExpiredToken'
	)
		return new ConnectionError('AUTH_FAILED', say(WORDS[name](where)), { system: SYSTEM, bucket: context.bucket });
	if (name === 'AccessDenied' || name === 'Forbidden' || status === 403)
		return new ConnectionError('AUTH_FAILED', say(WORDS[name in WORDS ? name : 'Forbidden'](where)), {
			system: SYSTEM,
			bucket: context.bucket,
		});
	if (name === 'NoSuchBucket' || name === 'NoSuchKey' || name === 'NotFound' || status === 404)
		return new SchemaError('UNKNOWN_TABLE', say(WORDS[name in WORDS ? name : 'NotFound'](where)), {
			system: SYSTEM,
			bucket: context.bucket,
			key: context.key,
		});
	// After retries the SDK wraps a socket error ("AWS SDK error wrapper for Error: connect ECONNREFUSED …"): its code is in the text.
	const socketCode =
		e.code ?? /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET)\b/.exec(message)?.[1];
	const cause = connectionCause(socketCode, message);
	if (cause || (status !== undefined && status >= 500))
		return new ConnectionError(
			'CONNECTION_FAILED',
			redact(`${SYSTEM} at ${context.endpoint}: ${cause ?? `server error ${status}`} (${message})`, context.secrets),
			{ system: SYSTEM, bucket: context.bucket },
		);
	return new MigrationError('QUERY_FAILED', say(`${message} (${where})`), {
		system: SYSTEM,
		bucket: context.bucket,
		key: context.key,
	});
}
