import { ConnectionError, ConstraintError, MigrationError, SchemaError, driverMessage } from '../../core/model/errors';

/** MongoDB driver errors → core's typed errors. Secrets are removed from every message. */
export function translateMongoError(
	error: unknown,
	secrets: Array<string | undefined>,
	context: Record<string, unknown> = {},
): MigrationError {
	if (error instanceof MigrationError) return error;
	const e = error as { code?: number | string; codeName?: string; name?: string; message?: string };
	const message = driverMessage('MongoDB', e.message ?? String(error), undefined, undefined, secrets);
	const ctx = { system: 'mongodb', ...context };
	if (e.code === 18 || e.code === 13 || /auth/i.test(e.codeName ?? ''))
		return new ConnectionError('AUTH_FAILED', message, ctx);
	if (
		e.name === 'MongoServerSelectionError' ||
		e.name === 'MongoNetworkError' ||
		e.name === 'MongoTopologyClosedError'
	) {
		return /auth/i.test(e.message ?? '')
			? new ConnectionError('AUTH_FAILED', message, ctx)
			: new ConnectionError('CONNECTION_FAILED', message, ctx);
	}
	if (e.name === 'MongoNetworkTimeoutError' || e.code === 50) return new ConnectionError('TIMEOUT', message, ctx);
	if (e.code === 11000 || e.code === 11001) return new ConstraintError(message, ctx);
	if (e.code === 26) return new SchemaError('UNKNOWN_TABLE', message, ctx);
	return new MigrationError('QUERY_FAILED', message, ctx, false);
}
