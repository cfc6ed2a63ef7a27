import type { ICredentialDataDecryptedObject, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import type { DatabaseConnector } from '../../core/ports';
import { createMongoConnector } from '../../connectors/mongodb/mongodb-client';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';

export type DatabaseSystem = 'postgres' | 'mysql' | 'mongodb';

/** The credential type of each system, as registered in package.json. */
export const CREDENTIAL_TYPE: Record<DatabaseSystem, string> = {
	postgres: 'migrationPostgresApi',
	mysql: 'migrationMySqlApi',
	mongodb: 'migrationMongoDbApi',
};

/** The second slot of a node that reads one database and writes another (same engine included). */
export const SOURCE_CREDENTIAL_TYPE: Record<DatabaseSystem, string> = {
	postgres: 'migrationPostgresSourceApi',
	mysql: 'migrationMySqlSourceApi',
	mongodb: 'migrationMongoDbSourceApi',
};

export const CONNECTION_TEST = 'migrationConnectionTest';

/**
 * The credentials block of every database node: the one the `system` parameter chooses, tested on
 * save; not asked for by the operations in `hiddenFor` (those on object stores need no database).
 */
export function databaseCredentials(
	hiddenFor: string[] = [],
	hiddenWhen: Record<string, string[]> = {},
): INodeCredentialDescription[] {
	const hide = { ...(hiddenFor.length ? { operation: hiddenFor } : {}), ...hiddenWhen };
	return Object.entries(CREDENTIAL_TYPE).map(([system, name]) => ({
		name,
		required: true,
		testedBy: CONNECTION_TEST,
		displayOptions: { show: { system: [system] }, ...(Object.keys(hide).length ? { hide } : {}) },
	}));
}

export const DATABASE_CREDENTIALS = databaseCredentials();

export function systemOfCredentialType(type: string): DatabaseSystem {
	const entry = [...Object.entries(CREDENTIAL_TYPE), ...Object.entries(SOURCE_CREDENTIAL_TYPE)].find(
		([, name]) => name === type,
	);
	if (!entry) throw new RangeError(`Unknown credential type ${type}`);
	return entry[0] as DatabaseSystem;
}

/** A `system` parameter (named by the caller) choosing which credential the node asks for; hidden for `hiddenFor` operations. */
export function systemParameter(name: string, displayName: string, hiddenFor: string[] = []): INodeProperties {
	return {
		displayName,
		name,
		...(hiddenFor.length ? { displayOptions: { hide: { operation: hiddenFor } } } : {}),
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'PostgreSQL', value: 'postgres' },
			{ name: 'MySQL / MariaDB', value: 'mysql' },
			{ name: 'MongoDB', value: 'mongodb' },
		],
		default: 'postgres',
	};
}

const text = (value: unknown, fallback = '') => (value === undefined || value === null ? fallback : String(value));

/** The one place credentials become a connector; the connector owns the driver client. */
export function connectorFromCredentials(
	system: DatabaseSystem,
	data: ICredentialDataDecryptedObject,
): DatabaseConnector {
	switch (system) {
		case 'postgres':
			return createPostgresConnector({
				host: text(data.host, 'localhost'),
				port: Number(data.port ?? 5432),
				database: text(data.database),
				user: text(data.user),
				password: text(data.password) || undefined,
				schema: text(data.schema, 'public') || 'public',
				ssl: Boolean(data.ssl),
				maxConnections: Number(data.maxConnections ?? 4) || 4,
			});
		case 'mysql':
			return createMysqlConnector({
				host: text(data.host, 'localhost'),
				port: Number(data.port ?? 3306),
				database: text(data.database),
				user: text(data.user),
				password: text(data.password) || undefined,
				ssl: Boolean(data.ssl),
				maxConnections: Number(data.maxConnections ?? 4) || 4,
			});
		case 'mongodb':
			return createMongoConnector({ url: text(data.connectionString), database: text(data.database) });
	}
}
