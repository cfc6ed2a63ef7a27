import {
	ConnectionError,
	ConstraintError,
	MigrationError,
	SchemaError,
	ValueError,
	driverMessage,
} from '../../core/model/errors';

const MARIADB_CHECK_FAILED = 4025;

/** mysql2 driver errors → core's typed errors. Secrets are removed from every message. */
export function translateMysqlError(
	error: unknown,
	secrets: Array<string | undefined>,
	context: Record<string, unknown> = {},
): MigrationError {
	if (error instanceof MigrationError) return error;
	const e = error as { code?: string; errno?: number; message?: string; sqlMessage?: string };
	const original = excerptValues(e.sqlMessage ?? e.message ?? String(error));
	const message = driverMessage('MySQL/MariaDB', original, e.code, context.endpoint, secrets);
	const ctx = { system: 'mysql', ...context };
	// MariaDB's CHECK failure (4025) goes by a MySQL 8 code name in mysql2's table: told by its number.
	if (e.errno === MARIADB_CHECK_FAILED || e.code === 'ER_CHECK_CONSTRAINT_VIOLATED')
		return new ConstraintError(message, ctx);
	switch (e.code) {
		case 'ER_ACCESS_DENIED_ERROR':
		case 'ER_DBACCESS_DENIED_ERROR':
		case 'ER_NOT_SUPPORTED_AUTH_MODE':
			return new ConnectionError('AUTH_FAILED', message, ctx);
		case 'ECONNREFUSED':
		case 'ENOTFOUND':
		case 'EHOSTUNREACH':
		case 'ECONNRESET':
		case 'PROTOCOL_CONNECTION_LOST':
		case 'ER_BAD_DB_ERROR':
		case 'ER_CON_COUNT_ERROR':
			return new ConnectionError('CONNECTION_FAILED', message, ctx);
		case 'ETIMEDOUT':
		case 'ER_LOCK_WAIT_TIMEOUT':
			return new ConnectionError('TIMEOUT', message, ctx);
		case 'ER_NO_SUCH_TABLE':
			return new SchemaError('UNKNOWN_TABLE', message, ctx);
		case 'ER_BAD_FIELD_ERROR':
			return new SchemaError('UNKNOWN_COLUMN', message, ctx);
		case 'ER_DUP_ENTRY':
		case 'ER_NO_REFERENCED_ROW_2':
		case 'ER_ROW_IS_REFERENCED_2':
		case 'ER_BAD_NULL_ERROR':
		case 'ER_CONSTRAINT_FAILED':
			return new ConstraintError(message, ctx);
		case 'ER_WARN_DATA_OUT_OF_RANGE':
		case 'ER_DATA_TOO_LONG':
		case 'ER_TRUNCATED_WRONG_VALUE':
		case 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD':
		case 'ER_WRONG_VALUE_FOR_TYPE':
		case 'ER_INVALID_JSON_TEXT':
		case 'WARN_DATA_TRUNCATED':
		case 'ER_DIVISION_BY_ZERO':
			return new ValueError(message, ctx);
		case 'ER_LOCK_DEADLOCK':
			return new MigrationError('QUERY_FAILED', message, ctx, true);
		default:
			return new MigrationError('QUERY_FAILED', message, ctx, false);
	}
}

/**
 * MySQL quotes the refused value in some messages (Duplicate entry '…' for key, Incorrect … value:
 * '…'); a message travels into answers and reports, so the value is cut to a short excerpt.
 */
export function excerptValues(message: string, keep = 40): string {
	return message.replace(/(Duplicate entry |value: )'((?:[^']|'')*)'/g, (_all, lead: string, value: string) =>
		value.length > keep ? `${lead}'${value.slice(0, keep)}…'` : `${lead}'${value}'`,
	);
}
