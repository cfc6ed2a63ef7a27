import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class MigrationPostgresApi implements ICredentialType {
	name = 'migrationPostgresApi';

	displayName = 'PostgreSQL (Data Migration)';

	icon = 'file:postgres.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#credentials';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432 },
		{ displayName: 'Database', name: 'database', type: 'string', default: 'postgres' },
		{ displayName: 'User', name: 'user', type: 'string', default: 'postgres' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'public',
			description: 'Schema whose tables are read or written',
		},
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false, description: 'Whether to connect with TLS' },
		{
			displayName: 'Max Connections',
			name: 'maxConnections',
			type: 'number',
			default: 4,
			description: 'Connections per node execution; keep it small, each chunk worker opens its own',
		},
	];
}
