/**
 * Typed errors of the engine. Connectors translate driver errors into these once;
 * only the node layer turns them into n8n errors.
 */
export type ErrorCode =
	| 'CONNECTION_FAILED'
	| 'AUTH_FAILED'
	| 'TIMEOUT'
	| 'UNKNOWN_TABLE'
	| 'UNKNOWN_COLUMN'
	| 'INVALID_IDENTIFIER'
	| 'NO_PRIMARY_KEY'
	| 'SCHEMA_ERROR'
	| 'CONSTRAINT_VIOLATION'
	| 'VALUE_NOT_REPRESENTABLE'
	| 'CHECKSUM_MISMATCH'
	| 'STATE_ERROR'
	| 'UNSUPPORTED'
	| 'REQUEST_REFUSED'
	| 'QUERY_FAILED';

export interface ErrorContext {
	system?: string;
	table?: string;
	column?: string;
	key?: unknown;
	[extra: string]: unknown;
}

export class MigrationError extends Error {
	readonly code: ErrorCode;
	readonly retryable: boolean;
	readonly context: ErrorContext;

	constructor(code: ErrorCode, message: string, context: ErrorContext = {}, retryable = false) {
		super(message);
		this.name = new.target.name;
		this.code = code;
		this.retryable = retryable;
		this.context = context;
	}
}

export class ConnectionError extends MigrationError {
	constructor(code: 'CONNECTION_FAILED' | 'AUTH_FAILED' | 'TIMEOUT', message: string, context: ErrorContext = {}) {
		super(code, message, context, code !== 'AUTH_FAILED');
	}
}

export class SchemaError extends MigrationError {
	constructor(
		code: 'UNKNOWN_TABLE' | 'UNKNOWN_COLUMN' | 'INVALID_IDENTIFIER' | 'NO_PRIMARY_KEY' | 'SCHEMA_ERROR' | 'UNSUPPORTED',
		message: string,
		context: ErrorContext = {},
	) {
		super(code, message, context, false);
	}
}

export class ConstraintError extends MigrationError {
	constructor(message: string, context: ErrorContext = {}) {
		super('CONSTRAINT_VIOLATION', message, context, false);
	}
}

export class ValueError extends MigrationError {
	constructor(message: string, context: ErrorContext = {}) {
		super('VALUE_NOT_REPRESENTABLE', message, context, false);
	}
}

export class ChecksumError extends MigrationError {
	constructor(message: string, context: ErrorContext = {}) {
		super('CHECKSUM_MISMATCH', message, context, false);
	}
}

export class StateError extends MigrationError {
	constructor(message: string, context: ErrorContext = {}) {
		super('STATE_ERROR', message, context, false);
	}
}

/** A caller's request refused before anything was written (a webhook answers it with 400). */
export class RequestError extends MigrationError {
	constructor(message: string, context: ErrorContext = {}) {
		super('REQUEST_REFUSED', message, context, false);
	}
}

/** Why a server could not be reached, in words, from the socket error code or the driver's message. */
export function connectionCause(code: string | undefined, message: string): string | undefined {
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused: nothing listens there (server down, or a wrong port)';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host name not found (DNS)';
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return 'host unreachable (network)';
		case 'ETIMEDOUT':
			return 'no answer in time (timeout: a firewall, or a wrong host)';
		case 'ECONNRESET':
			return 'connection reset by the server or the network';
	}
	if (/timeout|timed out/i.test(message)) return 'no answer in time (timeout: a firewall, or a wrong host)';
	if (/terminated unexpectedly|connection lost|closed the connection/i.test(message))
		return 'the server closed the connection (restart, failover, or not this kind of server)';
	return undefined;
}

/**
 * A driver error's message: "<System>: <message>", or, for a server that cannot be reached,
 * "<System> at host:port: <cause> (<message>)" (templates tell lost connections by this form);
 * secrets removed.
 */
export function driverMessage(
	system: string,
	original: string,
	code: string | undefined,
	endpoint: unknown,
	secrets: Array<string | undefined>,
): string {
	const cause = endpoint ? connectionCause(code, original) : undefined;
	return redact(cause ? `${system} at ${String(endpoint)}: ${cause} (${original})` : `${system}: ${original}`, secrets);
}

export function isMigrationError(error: unknown): error is MigrationError {
	return error instanceof MigrationError;
}

/** Removes every occurrence of the given secrets from a message before it leaves the engine. */
export function redact(message: string, secrets: Array<string | undefined>): string {
	let out = message;
	for (const secret of secrets) {
		if (secret && secret.length >= 3) out = out.split(secret).join('***');
	}
	return out;
}
