import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class MigrationMySqlApi implements ICredentialType {
	name = 'migrationMySqlApi';

	displayName = 'MySQL / MariaDB (Data Migration)';

	icon = 'file:mysql.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#credentials';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 3306 },
		{ displayName: 'Database', name: 'database', type: 'string', default: '' },
		{ displayName: 'User', name: 'user', type: 'string', default: 'root' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
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
