import { Pool as PgPool } from 'pg';
import { createPool as createMysqlPool } from 'mysql2/promise';
import type { DatabaseConnector } from '../../core/ports';
import type { Row, TableSchema } from '../../core/model/schema';
import { createMongoConnector } from '../../connectors/mongodb/mongodb-client';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { mongoSettings, mysqlSettings, postgresSettings, requireService, type ServiceName } from '../helpers/services';

/** A real server the contract suite runs against, with the few native statements a fixture needs. */
export interface ContractTarget {
	name: string;
	service: ServiceName;
	connect(): DatabaseConnector;
	connectWithWrongPassword(): DatabaseConnector;
	/** Runs native SQL (fixtures only); undefined for document stores. */
	native?(statement: string): Promise<void>;
	/** A fixture as this system can hold it (documented per target). */
	adapt(table: TableSchema, rows: Row[]): { table: TableSchema; rows: Row[] };
}

const WRONG_PASSWORD = 'not-the-password-Zx81';

export const targets: ContractTarget[] = [
	{
		name: 'PostgreSQL',
		service: 'postgres',
		connect: () => createPostgresConnector(postgresSettings),
		connectWithWrongPassword: () =>
			createPostgresConnector({ ...postgresSettings, user: 'dm_no_such_user', password: WRONG_PASSWORD }),
		native: async (statement) => {
			const pool = new PgPool(postgresSettings);
			try {
				await pool.query(statement);
			} finally {
				await pool.end();
			}
		},
		adapt: (table, rows) => ({ table, rows }),
	},
	{
		name: 'MariaDB',
		service: 'mariadb',
		connect: () => createMysqlConnector(mysqlSettings),
		connectWithWrongPassword: () => createMysqlConnector({ ...mysqlSettings, password: WRONG_PASSWORD }),
		native: async (statement) => {
			const { host, port, user, password, database } = mysqlSettings;
			const pool = createMysqlPool({ host, port, user, password, database });
			try {
				await pool.query(statement);
			} finally {
				await pool.end();
			}
		},
		// DOUBLE cannot hold ±Infinity/NaN and the fixture has none; everything else is kept as is.
		adapt: (table, rows) => ({ table, rows }),
	},
	{
		name: 'FerretDB (MongoDB wire)',
		service: 'ferretdb',
		connect: () => createMongoConnector(mongoSettings),
		connectWithWrongPassword: () =>
			createMongoConnector({ ...mongoSettings, url: 'mongodb://dm_user:' + WRONG_PASSWORD + '@127.0.0.1:1/' }),
		// BSON dates hold milliseconds; FerretDB 1.x refuses Decimal128 (its conversion is unit-tested on BSON values).
		adapt: (table, rows) => ({
			table: { ...table, columns: table.columns.filter((c) => c.logical !== 'decimal') },
			rows: rows.map((row) => {
				const out: Row = {};
				for (const [k, v] of Object.entries(row)) {
					if (k === 'amount') continue;
					out[k] = typeof v === 'string' && /T\d{2}:\d{2}:\d{2}/.test(v) ? v.replace(/\.(\d{3})\d*/, '.$1') : v;
				}
				return out;
			}),
		}),
	},
];

export async function connectTarget(target: ContractTarget): Promise<DatabaseConnector> {
	await requireService(target.service);
	return target.connect();
}

export async function dropIfExists(connector: DatabaseConnector, name: string): Promise<void> {
	const tables = await connector.introspect();
	if (tables.some((t) => t.name === name)) await connector.dropTable(name);
}
