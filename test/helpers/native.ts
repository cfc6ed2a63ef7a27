import { Pool } from 'pg';
import { postgresSettings } from './services';

/** Native SQL for fixtures and assertions, outside the code under test. */
export async function withPostgres<T>(
	work: (query: (sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<T>,
): Promise<T> {
	const pool = new Pool({ ...postgresSettings, max: 1 });
	try {
		return await work(async (sql, values) => (await pool.query(sql, values)).rows);
	} finally {
		await pool.end();
	}
}
