import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A platform the migration writes into (or, as Platform Source, reads from): which platform, where
 * it is, and its API key or token. What its objects are and how they map is the platform's preset.
 */
export class MigrationPlatformApi implements ICredentialType {
	name = 'migrationPlatformApi';

	displayName = 'Platform (Data Migration)';

	icon = 'file:platform.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#platform--platform';

	properties: INodeProperties[] = [
		{
			displayName: 'Platform',
			name: 'platform',
			type: 'options',
			options: [
				{ name: 'Gitea (Destination)', value: 'gitea' },
				{ name: 'Parse Server (Destination)', value: 'parse' },
				{ name: 'Redmine (Source)', value: 'redmine' },
			],
			default: 'gitea',
		},
		{
			displayName: 'URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://gitea.example.com (Parse: https://example.com/parse)',
			description: 'The address the platform is served at, as in a browser (the API path is added)',
			required: true,
		},
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			description: "Parse Server's application ID (sent as X-Parse-Application-Id)",
			displayOptions: { show: { platform: ['parse'] } },
		},
		{
			displayName: 'API Key or Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Redmine: My account → API access key (the REST API must be enabled; an administrator's key reads users). Gitea: Settings → Applications → an access token with every scope (an administrator's: authors post through sudo). Parse Server: the master key.",
			required: true,
		},
		{
			displayName: 'Ignore TLS Errors',
			name: 'ignoreTls',
			type: 'boolean',
			default: false,
			description: 'Whether a self-signed certificate is accepted',
		},
	];
}
