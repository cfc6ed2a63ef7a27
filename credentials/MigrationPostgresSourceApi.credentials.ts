import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The same connection as PostgreSQL (Data Migration), under its own type: a node that copies
 * between two databases of one engine needs two credential slots, and n8n keys a node's
 * credentials by type. Used by Batch Load's Copy Chunk and Validate's Compare With Source.
 */
export class MigrationPostgresSourceApi implements ICredentialType {
	name = 'migrationPostgresSourceApi';

	extends = ['migrationPostgresApi'];

	displayName = 'PostgreSQL Source (Data Migration)';

	icon = 'file:postgres.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#credentials';

	properties: INodeProperties[] = [];
}
