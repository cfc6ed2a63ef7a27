import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The same platform settings as Platform (Data Migration), under its own type: a migration reads one
 * platform and writes another, and n8n keys a node's credentials by type.
 */
export class MigrationPlatformSourceApi implements ICredentialType {
	name = 'migrationPlatformSourceApi';

	extends = ['migrationPlatformApi'];

	displayName = 'Platform Source (Data Migration)';

	icon = 'file:platform.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#platform--platform';

	properties: INodeProperties[] = [];
}
