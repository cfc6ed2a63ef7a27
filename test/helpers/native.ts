import { Pool } from 'pg';
import { mysqlSettings, postgresSettings } from './services';

/** Native SQL for fixtures and assertions, outside the code under test. */
export async function withPostgres<T>(
	work: (query: (sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<T>,
	database?: string,
): Promise<T> {
	const pool = new Pool({ ...postgresSettings, ...(database ? { database } : {}), max: 1 });
	try {
		return await work(async (sql, values) => (await pool.query(sql, values)).rows);
	} finally {
		await pool.end();
	}
}

/** Native SQL against MariaDB, for fixtures and assertions. */
export async function withMysql<T>(
	work: (query: (sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<T>,
): Promise<T> {
	const { createConnection } = await import('mysql2/promise');
	const { host, port, user, password, database } = mysqlSettings;
	const connection = await createConnection({ host, port, user, password, database });
	try {
		return await work(
			async (sql, values) => (await connection.query(sql, values))[0] as Array<Record<string, unknown>>,
		);
	} finally {
		await connection.end();
	}
}
