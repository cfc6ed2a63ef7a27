/** A platform's transport from its preset and connection (base URL, TLS), one per run. */
import type { DestinationPreset, SourcePreset } from '../../core/platform/preset';
import { PlatformHttp } from './platform-http';

export interface PlatformConnection {
	baseUrl: string;
	ignoreTls?: boolean;
}

export function platformTransport(
	preset: SourcePreset | DestinationPreset,
	connection: PlatformConnection,
): PlatformHttp {
	return new PlatformHttp({
		system: preset.name,
		baseUrl: `${connection.baseUrl.replace(/\/+$/, '')}${preset.apiPath}`,
		authHeader: preset.authHeader,
		headers: preset.headers,
		ignoreTls: connection.ignoreTls,
	});
}
