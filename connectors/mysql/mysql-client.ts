import { createPool, type Pool } from 'mysql2/promise';
import { MysqlConnector } from './mysql-connector';

export interface MysqlSettings {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	ssl?: boolean;
	maxConnections?: number;
}

/** The one place a mysql2 pool is created; everything else receives it. */
export function createMysqlPool(settings: MysqlSettings): Pool {
	const pool = createPool({
		host: settings.host,
		port: settings.port,
		database: settings.database,
		user: settings.user,
		password: settings.password,
		ssl: settings.ssl ? { rejectUnauthorized: false } : undefined,
		connectionLimit: settings.maxConnections ?? 4,
		connectTimeout: 10000,
		charset: 'utf8mb4_bin',
		// Exact values: dates as text, big integers and decimals as strings.
		dateStrings: true,
		supportBigNumbers: true,
		bigNumberStrings: true,
		decimalNumbers: false,
		jsonStrings: true,
		timezone: 'Z',
		// mysql2 parses DOUBLE text digit by digit and can miss the last bits (99.66666666666667 came back
		// as 99.66666666666669); JavaScript's own parser is exact.
		typeCast: (field, next) => {
			if (field.type !== 'DOUBLE' && field.type !== 'FLOAT') return next();
			const text = field.string();
			return text === null ? null : Number(text);
		},
	});
	// TIMESTAMP columns read and write as UTC instants; strict mode turns truncation into errors.
	pool.pool.on('connection', (connection) => {
		connection.query(
			"SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
		);
	});
	return pool;
}

export function createMysqlConnector(settings: MysqlSettings): MysqlConnector {
	return new MysqlConnector(createMysqlPool(settings), {
		secrets: settings.password ? [settings.password] : [],
		endpoint: `${settings.host}:${settings.port}`,
		reopen: (database) => createMysqlConnector({ ...settings, database, maxConnections: 2 }),
	});
}
