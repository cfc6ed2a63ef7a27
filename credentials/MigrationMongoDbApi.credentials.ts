import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class MigrationMongoDbApi implements ICredentialType {
	name = 'migrationMongoDbApi';

	displayName = 'MongoDB (Data Migration)';

	icon = 'file:mongodb.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Connection String',
			name: 'connectionString',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'mongodb://user:password@localhost:27017/',
			description: 'MongoDB connection string (also works with MongoDB-compatible servers such as FerretDB)',
		},
		{ displayName: 'Database', name: 'database', type: 'string', default: '' },
	];
}
