import type { ICredentialType, INodeProperties } from 'n8n-workflow';

const auth = (...types: string[]) => ({ show: { authentication: types } });

/**
 * A JSON REST API read as a migration source: its base URL, how requests authenticate, extra
 * headers. Pagination, records path and limits belong to the resource, set on the node.
 */
export class MigrationRestApi implements ICredentialType {
	name = 'migrationRestApi';

	displayName = 'REST API (Data Migration)';

	icon = 'file:rest.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-data-migration/n8n-nodes-data-migration#rest-api--database';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.example.com/v1',
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'API Key', value: 'apiKey' },
				{ name: 'Bearer Token', value: 'bearer' },
				{ name: 'Basic Auth', value: 'basic' },
				{ name: 'OAuth2 Client Credentials', value: 'oauth2' },
			],
			default: 'none',
		},
		{
			displayName: 'Send API Key In',
			name: 'keyLocation',
			type: 'options',
			options: [
				{ name: 'Header', value: 'header' },
				{ name: 'Query Parameter', value: 'query' },
			],
			default: 'header',
			displayOptions: auth('apiKey'),
		},
		{
			displayName: 'Header or Parameter Name',
			name: 'keyParameterName',
			type: 'string',
			default: 'X-API-Key',
			description: 'The header or query parameter that carries the key',
			displayOptions: auth('apiKey'),
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: auth('apiKey'),
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: auth('bearer'),
		},
		{ displayName: 'User', name: 'user', type: 'string', default: '', displayOptions: auth('basic') },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: auth('basic'),
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'https://auth.example.com/oauth/token',
			displayOptions: auth('oauth2'),
		},
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', displayOptions: auth('oauth2') },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: auth('oauth2'),
		},
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '', displayOptions: auth('oauth2') },
		{
			displayName: 'Extra Headers',
			name: 'headers',
			type: 'json',
			default: '{}',
			description: 'Sent with every request, e.g. {"Accept-Version": "2024-01-01"}',
		},
		{
			displayName: 'Ignore TLS Errors',
			name: 'ignoreTls',
			type: 'boolean',
			default: false,
			description: 'Whether to accept a self-signed or otherwise invalid certificate',
		},
		{
			displayName: 'Test Path',
			name: 'testPath',
			type: 'string',
			default: '/',
			description: 'The connection test GETs this path (relative to the base URL) and expects a 2xx answer',
		},
	];
}
