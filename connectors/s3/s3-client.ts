/** The one place an S3 client is made: keep-alive sockets, checksums only where we ask for them, typed errors. */
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { RequestError } from '../../core/model/errors';
import type { S3Config } from './s3-config';
import { S3Store } from './s3-store';

export function createS3Store(config: S3Config): S3Store {
	if (!config.bucket) throw new RequestError('The S3 credential names no bucket');
	if (config.endpoint && !/^https?:\/\/[^/]/i.test(config.endpoint))
		throw new RequestError(
			`The S3 endpoint must start with http:// or https://, got ${JSON.stringify(config.endpoint)}`,
		);
	const client = new S3Client({
		endpoint: config.endpoint || undefined,
		region: config.region || 'us-east-1',
		forcePathStyle: config.forcePathStyle,
		credentials: {
			accessKeyId: config.accessKeyId,
			secretAccessKey: config.secretAccessKey,
			sessionToken: config.sessionToken || undefined,
		},
		// Newer SDKs add CRC32 to every request, which several S3-compatible stores refuse; we ask for SHA-256 where we verify.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED',
		maxAttempts: 5,
		requestHandler: {
			connectionTimeout: 10_000,
			httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
			httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
		},
	});
	checksumNatively(client);
	return new S3Store(client, config);
}

type Args = { request: { headers?: Record<string, string>; body?: unknown }; input: { ChecksumAlgorithm?: string } };
type Handler = (args: Args) => Promise<unknown>;
const WRITES = new Set(['PutObjectCommand', 'UploadPartCommand']);

/**
 * The SHA-256 of each write (asked for with ChecksumAlgorithm, checked by the store on arrival)
 * computed by Node's native hash, not the SDK's JavaScript one (several times slower); the body then
 * signed as UNSIGNED-PAYLOAD: the checksum the store verifies covers it, a second SHA-256 for the
 * signature would cost both sides CPU for nothing.
 */
function checksumNatively(client: S3Client): void {
	const stack = client.middlewareStack as unknown as {
		add(
			middleware: (next: Handler, context: { commandName?: string }) => Handler,
			options: { step: 'build'; priority: 'high'; name: string },
		): void;
	};
	stack.add(
		(next, context) => async (args) => {
			const { headers, body } = args.request;
			if (
				headers &&
				WRITES.has(context.commandName ?? '') &&
				args.input.ChecksumAlgorithm === 'SHA256' &&
				body instanceof Uint8Array
			) {
				headers['x-amz-checksum-sha256'] = createHash('sha256').update(body).digest('base64');
				headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
			}
			return next(args);
		},
		// Before the SDK's checksum middleware (same step), which leaves a request with a checksum header as it is.
		{ step: 'build', priority: 'high', name: 'dmNativeChecksum' },
	);
}
