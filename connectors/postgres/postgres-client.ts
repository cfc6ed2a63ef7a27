import { Pool, types } from 'pg';
import { PostgresConnector } from './postgres-connector';
import { postgresTypeParser } from './postgres-types';

export interface PostgresSettings {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	schema?: string;
	ssl?: boolean;
	maxConnections?: number;
}

/** The one place a pg client is created; everything else receives it. */
export function createPostgresPool(settings: PostgresSettings): Pool {
	const pool = new Pool({
		host: settings.host,
		port: settings.port,
		database: settings.database,
		user: settings.user,
		password: settings.password,
		ssl: settings.ssl ? { rejectUnauthorized: false } : undefined,
		max: settings.maxConnections ?? 4,
		connectionTimeoutMillis: 10000,
		// Timestamps cross as UTC instants: the session zone is fixed so text output is UTC.
		options: '-c TimeZone=UTC -c extra_float_digits=1 -c IntervalStyle=postgres',
		types: {
			getTypeParser: ((oid: number, format?: string) => {
				return postgresTypeParser(oid) ?? types.getTypeParser(oid, format as never);
			}) as never,
		},
	});
	// An idle connection the server ended (restart, pg_terminate_backend, failover) leaves the pool;
	// unheard, pg's 'error' event would end the whole n8n process. The next query connects afresh.
	pool.on('error', () => undefined);
	// The same for a connection that dies while checked out: its query fails (and is retried), the
	// event is not left unheard, and the pool drops the connection when it is given back.
	pool.on('connect', (client) => client.on('error', () => undefined));
	return pool;
}

export function createPostgresConnector(settings: PostgresSettings): PostgresConnector {
	return new PostgresConnector(createPostgresPool(settings), {
		schema: settings.schema,
		secrets: settings.password ? [settings.password] : [],
		endpoint: `${settings.host}:${settings.port}`,
		reopen: (schema) => createPostgresConnector({ ...settings, schema, maxConnections: 2 }),
	});
}
