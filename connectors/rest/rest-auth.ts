/**
 * Authentication of every request: an API key (header or query), a bearer token, Basic, or an
 * OAuth2 client-credentials token fetched once, cached, and fetched again on expiry or a 401.
 */
import type { RestAuth } from './rest-config';

export interface AuthParts {
	headers: Record<string, string>;
	params: Record<string, string>;
}

/** Posts the token request and returns the body (the transport's, so TLS and timeouts are shared). */
export type TokenFetch = (
	url: string,
	form: Record<string, string>,
) => Promise<{ access_token?: unknown; expires_in?: unknown }>;

export class Authenticator {
	private token?: { value: string; expires: number };

	constructor(
		private readonly auth: RestAuth,
		private readonly fetchToken: TokenFetch,
		private readonly now: () => number = Date.now,
	) {}

	/** Every value that must never appear in a message. */
	secrets(): string[] {
		const a = this.auth;
		const own =
			a.type === 'apiKey'
				? [a.value]
				: a.type === 'bearer'
					? [a.token]
					: a.type === 'basic'
						? [a.password, Buffer.from(`${a.user}:${a.password}`).toString('base64')]
						: a.type === 'oauth2'
							? [a.clientSecret]
							: [];
		return [...own, ...(this.token ? [this.token.value] : [])];
	}

	/** The query parameter that carries a secret, if any (redacted from URLs). */
	secretParam(): string | undefined {
		return this.auth.type === 'apiKey' && this.auth.in === 'query' ? this.auth.name : undefined;
	}

	async parts(): Promise<AuthParts> {
		const a = this.auth;
		switch (a.type) {
			case 'none':
				return { headers: {}, params: {} };
			case 'apiKey':
				return a.in === 'header'
					? { headers: { [a.name]: a.value }, params: {} }
					: { headers: {}, params: { [a.name]: a.value } };
			case 'bearer':
				return { headers: { Authorization: `Bearer ${a.token}` }, params: {} };
			case 'basic':
				return {
					headers: { Authorization: `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}` },
					params: {},
				};
			case 'oauth2':
				return { headers: { Authorization: `Bearer ${await this.accessToken()}` }, params: {} };
		}
	}

	/** After a 401: an OAuth2 token is dropped (the next request fetches a new one); true when that may help. */
	refused(): boolean {
		if (this.auth.type !== 'oauth2' || !this.token) return false;
		this.token = undefined;
		return true;
	}

	private async accessToken(): Promise<string> {
		if (this.token && this.now() < this.token.expires) return this.token.value;
		const a = this.auth as Extract<RestAuth, { type: 'oauth2' }>;
		const body = await this.fetchToken(a.tokenUrl, {
			grant_type: 'client_credentials',
			client_id: a.clientId,
			client_secret: a.clientSecret,
			...(a.scope ? { scope: a.scope } : {}),
		});
		if (typeof body.access_token !== 'string' || !body.access_token)
			throw new Error('the OAuth2 token endpoint answered without an access_token');
		const lifetime = Number(body.expires_in);
		// Renewed a little before it runs out, so a request never leaves with a token about to expire.
		const expires =
			this.now() + (Number.isFinite(lifetime) && lifetime > 0 ? Math.max(1, lifetime - 30) * 1000 : 3600_000);
		this.token = { value: body.access_token, expires };
		return body.access_token;
	}
}
