/**
 * The one place the HTTP client is made (n8n Postgres v2's transport/): one axios instance per run,
 * bodies as text (parsed exactly by the connector), every status handed back rather than thrown.
 */
import axios, { type AxiosInstance } from 'axios';
import { Agent } from 'node:https';
import { DEFAULT_LIMITS, type ApiResource, type RestApiConfig } from './rest-config';
import { RestConnector } from './rest-connector';

export interface HttpAnswer {
	status: number;
	headers: Record<string, string | undefined>;
	body: string;
	/** The URL answered, after redirects. */
	url: string;
}

export type Transport = (request: {
	method: 'GET' | 'POST';
	url: string;
	params?: Record<string, string | number>;
	headers?: Record<string, string>;
	form?: Record<string, string>;
}) => Promise<HttpAnswer>;

export function axiosTransport(config: RestApiConfig): Transport {
	const limits = { ...DEFAULT_LIMITS, ...config.limits };
	const client: AxiosInstance = axios.create({
		baseURL: config.baseUrl,
		timeout: limits.timeoutMs,
		responseType: 'text',
		transformResponse: [(data: unknown) => data],
		validateStatus: () => true,
		maxRedirects: 5,
		headers: { Accept: 'application/json', ...config.headers },
		...(config.ignoreTls ? { httpsAgent: new Agent({ rejectUnauthorized: false }) } : {}),
	});
	return async ({ method, url, params, headers, form }) => {
		const response = await client.request<string>({
			method,
			url,
			params,
			headers: form ? { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } : headers,
			data: form ? new URLSearchParams(form).toString() : undefined,
		});
		const plain: Record<string, string | undefined> = {};
		for (const [name, value] of Object.entries(response.headers ?? {}))
			plain[name.toLowerCase()] = Array.isArray(value)
				? value.join(', ')
				: value === undefined
					? undefined
					: String(value);
		const answered = (response.request as { res?: { responseUrl?: string } } | undefined)?.res?.responseUrl;
		return { status: response.status, headers: plain, body: String(response.data ?? ''), url: answered ?? url };
	};
}

/** A REST API connector over one axios instance; `resources` names the endpoints it reads. */
export function createRestConnector(config: RestApiConfig, resources: Record<string, ApiResource> = {}): RestConnector {
	return new RestConnector(config, resources, axiosTransport(config));
}
