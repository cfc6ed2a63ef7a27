import {
	ConnectionError,
	ConstraintError,
	MigrationError,
	SchemaError,
	ValueError,
	driverMessage,
} from '../../core/model/errors';

/** pg driver errors → core's typed errors. Secrets are removed from every message. */
export function translatePostgresError(
	error: unknown,
	secrets: Array<string | undefined>,
	context: Record<string, unknown> = {},
): MigrationError {
	if (error instanceof MigrationError) return error;
	const e = error as { code?: string; message?: string; column?: string; table?: string; constraint?: string };
	const original = e.message ?? String(error);
	const message = driverMessage('PostgreSQL', original, e.code, context.endpoint, secrets);
	const ctx = {
		system: 'postgres',
		...context,
		...(e.column ? { column: e.column } : {}),
		...(e.constraint ? { constraint: e.constraint } : {}),
	};
	switch (e.code) {
		case '28P01':
		case '28000':
			return new ConnectionError('AUTH_FAILED', message, ctx);
		case 'ECONNREFUSED':
		case 'ENOTFOUND':
		case 'EHOSTUNREACH':
		case 'ECONNRESET':
		case '57P01':
		case '57P03':
		case '08006':
		case '08001':
		case '3D000':
			return new ConnectionError('CONNECTION_FAILED', message, ctx);
		case 'ETIMEDOUT':
		case '57014':
			return new ConnectionError('TIMEOUT', message, ctx);
		case '42P01':
			return new SchemaError('UNKNOWN_TABLE', message, ctx);
		case '42703':
			return new SchemaError('UNKNOWN_COLUMN', message, ctx);
		case '23505':
		case '23503':
		case '23502':
		case '23514':
			return new ConstraintError(message, ctx);
		case '22003':
		case '22P02':
		case '22001':
		case '22007':
		case '22008':
		case '22021':
		case '22P05':
			return new ValueError(message, ctx);
		case '40001':
		case '40P01':
			return new MigrationError('QUERY_FAILED', message, ctx, true);
		default:
			if (/timeout/i.test(e.message ?? '')) return new ConnectionError('TIMEOUT', message, ctx);
			if (/Connection terminated/i.test(e.message ?? '')) return new ConnectionError('CONNECTION_FAILED', message, ctx);
			return new MigrationError('QUERY_FAILED', message, ctx, false);
	}
}
