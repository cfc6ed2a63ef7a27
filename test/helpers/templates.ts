import { mongoSettings, mysqlSettings, postgresSettings } from './services';
import { webhookKeyCredential } from './webhook-key';

/** Template copies set up as a user sets them up after importing. */
interface WorkflowNodes {
	nodes: Array<{ name: string; parameters: Record<string, unknown> }>;
}

/** The dual write's Check Write node told which tables and columns the application may write. */
export function allowDualWrites<T extends WorkflowNodes>(workflow: T, allowed: Record<string, string[]>): T {
	const check = workflow.nodes.find((n) => n.name === 'Check Write');
	if (!check) throw new Error('the dual-write template has no Check Write node');
	check.parameters.allowedWrites = JSON.stringify(allowed);
	return workflow;
}

interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** The destination a PostgreSQL → PostgreSQL copy is pointed at: another schema of the same database. */
export const TARGET_SCHEMA_CREDENTIAL: CredentialJson = {
	id: 'dmTargetpostgres',
	name: 'Destination PostgreSQL (dm_target)',
	type: 'migrationPostgresApi',
	data: { ...postgresSettings, schema: 'dm_target' },
};

/**
 * The credentials the templates name (by id), as `n8n import:credentials` takes them: the webhook
 * key, source and destination of each system on the local services; `extra` adds a test's own.
 */
export function templateCredentials(extra: CredentialJson[] = []): object[] {
	const pg = { ...postgresSettings, schema: 'public' };
	const mongo = { connectionString: mongoSettings.url, database: mongoSettings.database };
	return [
		webhookKeyCredential,
		{ id: 'dmSourcemysql', name: 'Source MySQL / MariaDB', type: 'migrationMySqlApi', data: { ...mysqlSettings } },
		{
			id: 'dmDestinationmysql',
			name: 'Destination MySQL / MariaDB',
			type: 'migrationMySqlApi',
			data: { ...mysqlSettings },
		},
		{ id: 'dmSourcepostgres', name: 'Source PostgreSQL', type: 'migrationPostgresApi', data: pg },
		{ id: 'dmDestinationpostgres', name: 'Destination PostgreSQL', type: 'migrationPostgresApi', data: pg },
		{ id: 'dmStatePostgres1', name: 'State database (PostgreSQL)', type: 'migrationPostgresApi', data: pg },
		{
			id: 'dmSourcemongodb',
			name: 'Source MongoDB',
			type: 'migrationMongoDbApi',
			data: mongo,
		},
		// The same sources in Copy Chunk's second slot (n8n keys a node's credentials by type).
		{
			id: 'dmSourceSlotmysql',
			name: 'Source MySQL / MariaDB (copy)',
			type: 'migrationMySqlSourceApi',
			data: mysqlSettings,
		},
		{ id: 'dmSourceSlotpostgres', name: 'Source PostgreSQL (copy)', type: 'migrationPostgresSourceApi', data: pg },
		{ id: 'dmSourceSlotmongodb', name: 'Source MongoDB (copy)', type: 'migrationMongoDbSourceApi', data: mongo },
		...extra,
	];
}
