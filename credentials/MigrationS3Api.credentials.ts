import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * An S3-compatible bucket: AWS S3, MinIO, Cloudflare R2, Backblaze B2, Wasabi, Google Cloud
 * Storage's interoperable endpoint (HMAC keys). The README says what to fill in for each.
 */
export class MigrationS3Api implements ICredentialType {
	name = 'migrationS3Api';

	displayName = 'S3 (Data Migration)';

	icon = 'file:s3.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#file-storage';

	properties: INodeProperties[] = [
		{
			displayName: 'Endpoint',
			name: 'endpoint',
			type: 'string',
			default: '',
			placeholder: 'https://s3.eu-central-003.backblazeb2.com',
			description: "Empty for AWS S3; the store's S3 endpoint otherwise (MinIO, R2, B2, Wasabi, GCS)",
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: 'us-east-1',
			description: 'AWS: the bucket\'s region; R2: "auto"; MinIO: us-east-1 unless set otherwise',
		},
		{
			displayName: 'Bucket',
			name: 'bucket',
			type: 'string',
			default: '',
			required: true,
			description: 'The bucket this credential reads or writes (the connection test lists it)',
		},
		{
			displayName: 'Access Key ID',
			name: 'accessKeyId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Secret Access Key',
			name: 'secretAccessKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for temporary credentials (AWS STS)',
		},
		{
			displayName: 'Force Path Style',
			name: 'forcePathStyle',
			type: 'boolean',
			default: false,
			description: 'Whether the bucket goes in the path rather than the host name (MinIO and most self-hosted stores)',
		},
	];
}
