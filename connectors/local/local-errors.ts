/** File system failures as typed errors, once: a missing file, a permission, a full disk said plainly. */
import { ConnectionError, MigrationError, SchemaError } from '../../core/model/errors';

export const SYSTEM = 'Local folder';

export function localError(error: unknown, where: string): MigrationError {
	if (error instanceof MigrationError) return error;
	const code = (error as NodeJS.ErrnoException)?.code;
	const message = error instanceof Error ? error.message : String(error);
	switch (code) {
		case 'ENOENT':
			return new SchemaError('UNKNOWN_TABLE', `${SYSTEM}: no such file or folder: ${where}`, { system: SYSTEM });
		case 'EACCES':
		case 'EPERM':
			return new ConnectionError(
				'AUTH_FAILED',
				`${SYSTEM}: permission denied: ${where} (the n8n process may not read or write it)`,
				{ system: SYSTEM },
			);
		case 'ENOSPC':
			return new MigrationError('QUERY_FAILED', `${SYSTEM}: no space left on the device holding ${where}`, {
				system: SYSTEM,
			});
		case 'EISDIR':
		case 'ENOTDIR':
			return new MigrationError(
				'QUERY_FAILED',
				`${SYSTEM}: ${where} is a folder where a file is needed, or a file where a folder is (${message})`,
				{ system: SYSTEM },
			);
	}
	return new MigrationError('QUERY_FAILED', `${SYSTEM}: ${message} (${where})`, { system: SYSTEM });
}

export const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';
