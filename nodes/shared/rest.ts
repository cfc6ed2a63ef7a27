/**
 * A REST API in the nodes: its credential type and connection test, the parameters that describe
 * one resource (path, records path, pagination, page size, limits), and the one place a credential
 * and those parameters become a connector.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialDescription,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';
import { RequestError } from '../../core/model/errors';
import { createRestConnector } from '../../connectors/rest/rest-client';
import type { RestConnector } from '../../connectors/rest/rest-connector';
import { PAGINATION_STYLES, type PaginationConfig } from '../../connectors/rest/paginators';
import type { ApiResource, RestApiConfig, RestAuth, RestLimits } from '../../connectors/rest/rest-config';
import { jsonParameter } from './items';
import { describeError } from './node-errors';

export const REST_CREDENTIAL_TYPE = 'migrationRestApi';
export const REST_CONNECTION_TEST = 'migrationRestConnectionTest';

/** The REST credential slot of the operations that read an API. */
export function restCredential(operations: string[]): INodeCredentialDescription {
	return {
		name: REST_CREDENTIAL_TYPE,
		required: true,
		testedBy: REST_CONNECTION_TEST,
		displayOptions: { show: { operation: operations } },
	};
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function authOf(data: ICredentialDataDecryptedObject): RestAuth {
	switch (data.authentication) {
		case 'apiKey':
			return {
				type: 'apiKey',
				in: data.keyLocation === 'query' ? 'query' : 'header',
				name: text(data.keyParameterName) || 'X-API-Key',
				value: text(data.apiKey),
			};
		case 'bearer':
			return { type: 'bearer', token: text(data.token) };
		case 'basic':
			return { type: 'basic', user: text(data.user), password: text(data.password) };
		case 'oauth2':
			return {
				type: 'oauth2',
				tokenUrl: text(data.tokenUrl),
				clientId: text(data.clientId),
				clientSecret: text(data.clientSecret),
				scope: text(data.scope) || undefined,
			};
		default:
			return { type: 'none' };
	}
}

export function restConfig(data: ICredentialDataDecryptedObject, limits?: Partial<RestLimits>): RestApiConfig {
	const baseUrl = text(data.baseUrl).trim();
	if (!/^https?:\/\/[^/]/i.test(baseUrl))
		throw new RequestError(
			`The REST API credential's Base URL must start with http:// or https://, got ${JSON.stringify(baseUrl)}`,
		);
	const headers = jsonParameter(data.headers || '{}');
	if (!headers || typeof headers !== 'object' || Array.isArray(headers))
		throw new RequestError(
			'The REST API credential\'s Extra Headers must be a JSON object, e.g. {"Accept-Version": "2"}',
		);
	return {
		baseUrl,
		auth: authOf(data),
		headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
		ignoreTls: Boolean(data.ignoreTls),
		testPath: text(data.testPath) || '/',
		limits,
	};
}

/** The credential test: a GET on the test path, its failure said plainly (401, 403, 404, timeout, unreachable), no secret in it. */
export async function testRestConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const connector = createRestConnector(restConfig(credential.data ?? {}, { maxRetries: 0, timeoutMs: 10_000 }));
		await connector.ping();
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		return { status: 'Error', message: describeError(error).message };
	}
}

const STYLE_FIELDS: Record<PaginationConfig['style'], string[]> = {
	none: [],
	bodyCursor: ['cursorPath', 'cursorParam'],
	lastRecord: ['cursorParam', 'idField', 'hasMorePath'],
	nextUrl: ['nextUrlPath'],
	linkHeader: [],
	pageNumber: ['pageParam'],
	offset: ['offsetParam', 'sizeParam'],
	headerCursor: ['header', 'cursorParam'],
};

/** The Pagination parameter read back, each style's required fields checked, defaults filled. */
export function parsePagination(value: unknown): PaginationConfig {
	const config = jsonParameter(value) as Record<string, unknown> | null;
	const style = config?.style as PaginationConfig['style'];
	if (!config || !PAGINATION_STYLES.includes(style))
		throw new RequestError(`Pagination needs a "style": one of ${PAGINATION_STYLES.join(', ')}`);
	const missing = STYLE_FIELDS[style].filter((f) => typeof config[f] !== 'string' || !config[f]);
	if (missing.length)
		throw new RequestError(`Pagination style ${style} needs ${missing.map((f) => `"${f}"`).join(', ')} (text)`);
	if (style === 'pageNumber') return { firstPage: 1, ...config, style } as PaginationConfig;
	return config as PaginationConfig;
}

/** Where an API resource is and how its pages follow each other: the parameters every API operation shares. */
export const API_RESOURCE_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Resource Path',
		name: 'resourcePath',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/v1/customers',
		description: "The endpoint, relative to the credential's Base URL",
	},
	{
		displayName: 'Records Path',
		name: 'recordsPath',
		type: 'string',
		default: 'data',
		description:
			'Dotted path to the array of records in each page, e.g. data or results.items; empty when the page is the array',
	},
	{
		displayName: 'Pagination',
		name: 'pagination',
		type: 'json',
		default: '{"style": "bodyCursor", "cursorPath": "meta.next_cursor", "cursorParam": "cursor", "sizeParam": "limit"}',
		description:
			'One of: {"style":"bodyCursor","cursorPath","cursorParam"}, {"style":"lastRecord","cursorParam":"starting_after","idField":"id","hasMorePath":"has_more"} (Stripe), {"style":"nextUrl","nextUrlPath":"nextRecordsUrl"} (Salesforce, links.next), {"style":"linkHeader"} (GitHub), {"style":"pageNumber","pageParam":"page","firstPage":1,"totalPagesPath"}, {"style":"offset","offsetParam":"offset","sizeParam":"limit"}, {"style":"headerCursor","header":"X-Next-Cursor","cursorParam":"cursor"}, {"style":"none"}; "sizeParam" names the page-size parameter',
	},
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description: "Records asked for per page (sent as the pagination's sizeParam)",
	},
	{
		displayName: 'Query Parameters',
		name: 'query',
		type: 'json',
		default: '{}',
		description: 'Sent with the first request (and every request a style builds itself), e.g. {"status": "active"}',
	},
	{
		displayName: 'Since Parameter',
		name: 'sinceParam',
		type: 'string',
		default: '',
		placeholder: 'updated_since',
		description:
			"Incremental runs: the query parameter that takes the last complete run's watermark (Copy API Pages' Watermark Field); empty for a full copy",
	},
	{
		displayName: 'Limits',
		name: 'limits',
		type: 'collection',
		placeholder: 'Add Limit',
		default: {},
		options: [
			{
				displayName: 'Requests per Second',
				name: 'requestsPerSecond',
				type: 'number',
				default: 0,
				description:
					"For every request of this step together; 0 for none of ours (the API's rate-limit headers still slow it down)",
			},
			{
				displayName: 'Burst',
				name: 'burst',
				type: 'number',
				default: 1,
				description: 'Requests sent at once before the rate applies',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				default: 8,
				description: 'Retries of a request on 429, 502, 503, 504, a timeout or a dropped connection',
			},
			{
				displayName: 'Max Retry Time (Seconds)',
				name: 'maxElapsedSeconds',
				type: 'number',
				default: 300,
				description: 'A request given up after this long, retries included',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				default: 30,
				description: 'Per request',
			},
		],
	},
];

/** The resource of item i as the connector takes it. */
function resourceOf(context: IExecuteFunctions, i: number): ApiResource {
	const query = jsonParameter(context.getNodeParameter('query', i, '{}')) ?? {};
	if (typeof query !== 'object' || Array.isArray(query))
		throw new RequestError('Query Parameters must be a JSON object, e.g. {"status": "active"}');
	return {
		path: context.getNodeParameter('resourcePath', i) as string,
		recordsPath: (context.getNodeParameter('recordsPath', i, '') as string) ?? '',
		pagination: parsePagination(context.getNodeParameter('pagination', i)),
		pageSize: Number(context.getNodeParameter('pageSize', i, 100)) || 100,
		query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
		sinceParam: (context.getNodeParameter('sinceParam', i, '') as string) || undefined,
	};
}

function limitsOf(context: IExecuteFunctions, i: number): Partial<RestLimits> {
	const l = context.getNodeParameter('limits', i, {}) as Record<string, number | undefined>;
	const defined = (value: number | undefined, scale = 1) => (value === undefined ? undefined : value * scale);
	const limits: Partial<RestLimits> = {
		requestsPerSecond: l.requestsPerSecond,
		burst: l.burst,
		maxRetries: l.maxRetries,
		maxElapsedMs: defined(l.maxElapsedSeconds, 1000),
		timeoutMs: defined(l.timeoutSeconds, 1000),
	};
	return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}

/** The name the item's resource goes by inside its connector. */
export const RESOURCE = 'resource';

/** The API of item i, with its resource, for `work`; one connector (one rate limiter) per call. */
export async function withApiSource<T>(
	context: IExecuteFunctions,
	i: number,
	work: (source: RestConnector) => Promise<T>,
): Promise<T> {
	const credential = await context.getCredentials(REST_CREDENTIAL_TYPE);
	const source = createRestConnector(restConfig(credential, limitsOf(context, i)), {
		[RESOURCE]: resourceOf(context, i),
	});
	try {
		return await work(source);
	} finally {
		await source.close();
	}
}
