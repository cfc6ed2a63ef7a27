import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The same bucket settings as S3 (Data Migration), under its own type: a copy between two buckets
 * needs two credential slots, and n8n keys a node's credentials by type.
 */
export class MigrationS3SourceApi implements ICredentialType {
	name = 'migrationS3SourceApi';

	extends = ['migrationS3Api'];

	displayName = 'S3 Source (Data Migration)';

	icon = 'file:s3.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#file-storage';

	properties: INodeProperties[] = [];
}
