/**
 * An S3-compatible bucket as an ObjectStore: listing by prefix with continuation tokens (a page at a
 * time, in key order), streamed reads, streamed multipart writes (lib-storage: part size and parts
 * in flight set by the caller, an incomplete upload aborted on failure) with S3's own SHA-256 asked
 * for, server-side copies within one endpoint (CopyObject; UploadPartCopy in parts above the
 * threshold). Every SDK failure is typed once (s3-errors.ts).
 */
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import {
	AbortMultipartUploadCommand,
	CompleteMultipartUploadCommand,
	CopyObjectCommand,
	CreateMultipartUploadCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	HeadObjectCommand,
	ListObjectsV2Command,
	UploadPartCopyCommand,
	type S3Client,
	type ListObjectsV2CommandOutput,
	type GetObjectCommandOutput,
	type CopyObjectCommandOutput,
	type CreateMultipartUploadCommandOutput,
	type UploadPartCopyCommandOutput,
	type CompleteMultipartUploadCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
	capabilities,
	type ObjectInfo,
	type ObjectRange,
	type ObjectStore,
	type PutOptions,
	type WrittenObject,
} from '../../core/ports';
import { compareKeys } from '../../core/files/keys';
import { undoOnFailure } from '../../core/files/undo';
import { MAX_SINGLE_COPY, type S3Config } from './s3-config';
import { s3Error, SYSTEM } from './s3-errors';

const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

export class S3Store implements ObjectStore {
	readonly system = SYSTEM;
	readonly capabilities = capabilities({});
	readonly readsLocally = false;
	readonly location: string;
	/** Same endpoint and keys: this store's credential can read the other's bucket. */
	private readonly identity: string;

	constructor(
		private readonly client: S3Client,
		private readonly config: S3Config,
	) {
		this.location = `s3://${config.bucket}${config.endpoint ? ` at ${config.endpoint}` : ''}`;
		this.identity = createHash('sha256')
			.update(
				[config.endpoint, config.region, config.accessKeyId, config.secretAccessKey, config.sessionToken ?? ''].join(
					'\0',
				),
			)
			.digest('hex');
	}

	private get bucket() {
		return this.config.bucket;
	}

	private fail(error: unknown, key?: string): never {
		throw s3Error(error, this.errorContext(key));
	}

	/** One SDK call, its failure typed (the command's own output type given by the caller). */
	private async send<T = unknown>(command: { readonly input: object }, key?: string): Promise<T> {
		try {
			// The client's send is typed per command class; one path for all of them needs the widening.
			return (await this.client.send(command as never)) as T;
		} catch (error) {
			this.fail(error, key);
		}
	}

	async ping(): Promise<void> {
		// A listing (not HeadBucket): its error body names the cause (SignatureDoesNotMatch, NoSuchBucket, AccessDenied).
		await this.send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1 }));
	}

	async close(): Promise<void> {
		this.client.destroy();
	}

	async *list(range: ObjectRange, options: { pageSize: number }): AsyncGenerator<ObjectInfo[]> {
		let token: string | undefined;
		do {
			const page = await this.send<ListObjectsV2CommandOutput>(
				new ListObjectsV2Command({
					Bucket: this.bucket,
					Prefix: range.prefix || undefined,
					StartAfter: token ? undefined : range.after,
					ContinuationToken: token,
					MaxKeys: Math.min(1000, options.pageSize),
				}),
			);
			const objects: ObjectInfo[] = [];
			for (const o of page.Contents ?? []) {
				if (range.upTo !== undefined && compareKeys(o.Key!, range.upTo) > 0) {
					if (objects.length) yield objects;
					return;
				}
				objects.push({
					key: o.Key!,
					size: Number(o.Size ?? 0),
					etag: o.ETag,
					lastModified: o.LastModified?.toISOString(),
				});
			}
			if (objects.length) yield objects;
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
	}

	async head(key: string): Promise<ObjectInfo | undefined> {
		try {
			const o = await this.client.send(
				new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }),
			);
			return {
				key,
				size: Number(o.ContentLength ?? 0),
				etag: o.ETag,
				checksumSha256: o.ChecksumSHA256,
				lastModified: o.LastModified?.toISOString(),
				contentType: o.ContentType,
				metadata: o.Metadata,
			};
		} catch (error) {
			const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
			if (status === 404) return undefined;
			this.fail(error, key);
		}
	}

	async get(key: string): Promise<Readable> {
		const o = await this.send<GetObjectCommandOutput>(new GetObjectCommand({ Bucket: this.bucket, Key: key }), key);
		const body = o.Body as Readable;
		// A dropped connection mid-body becomes the same typed error as one before it.
		const out = new PassThrough({ highWaterMark: 1 << 20 });
		body.on('error', (error) => out.destroy(s3Error(error, this.errorContext(key))));
		return body.pipe(out);
	}

	private errorContext(key?: string) {
		return {
			endpoint: this.config.endpoint ? new URL(this.config.endpoint).host : `AWS ${this.config.region}`,
			bucket: this.bucket,
			key,
			secrets: [this.config.secretAccessKey, this.config.sessionToken],
		};
	}

	async put(key: string, body: Readable, options: PutOptions): Promise<WrittenObject> {
		let sent = 0;
		const counted = new Transform({
			highWaterMark: 1 << 20,
			transform(chunk: Buffer, _encoding, done) {
				sent += chunk.length;
				done(null, chunk);
			},
		});
		body.on('error', (error) => counted.destroy(error));
		body.pipe(counted);
		const upload = new Upload({
			client: this.client,
			params: {
				Bucket: this.bucket,
				Key: key,
				Body: counted,
				ContentType: options.contentType,
				Metadata: options.metadata,
				...(process.env.DM_NO_SHA ? {} : { ChecksumAlgorithm: 'SHA256' as const }),
			},
			partSize: Math.max(5 * 1024 * 1024, options.partSize),
			queueSize: Math.max(1, options.queueSize),
			leavePartsOnError: false,
		});
		let out: { ETag?: string; ChecksumSHA256?: string };
		try {
			out = await upload.done();
		} catch (error) {
			this.fail(error, key);
		}
		const written: WrittenObject = { key, size: sent, etag: out.ETag, checksumSha256: out.ChecksumSHA256 };
		// A write whose checksum is refused does not stay.
		return undoOnFailure(
			async () => {
				options.accept(written);
				return written;
			},
			() => this.delete(key),
		);
	}

	copiesFrom(other: ObjectStore): boolean {
		return other instanceof S3Store && other.identity === this.identity;
	}

	async serverCopy(
		from: ObjectStore,
		fromKey: string,
		toKey: string,
		options: { metadata?: Record<string, string>; partSize?: number },
	): Promise<WrittenObject> {
		if (!(from instanceof S3Store) || !this.copiesFrom(from))
			throw new RangeError(`${this.location} cannot copy from ${from.location} server-side`);
		const source = await from.head(fromKey);
		if (!source) this.fail({ name: 'NoSuchKey', message: 'no such key' }, fromKey);
		const copySource = `${from.bucket}/${encodeKey(fromKey)}`;
		const metadata = { ...source.metadata, ...options.metadata };
		if (source.size > (this.config.copyPartThreshold ?? MAX_SINGLE_COPY))
			return this.copyInParts(copySource, source, toKey, metadata, options.partSize ?? 64 * 1024 * 1024);
		const out = await this.send<CopyObjectCommandOutput>(
			new CopyObjectCommand({
				Bucket: this.bucket,
				Key: toKey,
				CopySource: copySource,
				MetadataDirective: 'REPLACE',
				Metadata: metadata,
				ContentType: source.contentType,
				ChecksumAlgorithm: 'SHA256',
			}),
			toKey,
		);
		return {
			key: toKey,
			size: source.size,
			etag: out.CopyObjectResult?.ETag,
			checksumSha256: out.CopyObjectResult?.ChecksumSHA256,
		};
	}

	/**
	 * UploadPartCopy in parts (CopyObject stops at 5 GiB); the upload aborted if any part fails. No
	 * checksum algorithm: stores (MinIO) refuse it on part copies; the parts' ETags are compared instead.
	 */
	private async copyInParts(
		copySource: string,
		source: ObjectInfo,
		toKey: string,
		metadata: Record<string, string>,
		partSize: number,
	) {
		const size = Math.max(partSize, Math.ceil(source.size / 10_000));
		const created = await this.send<CreateMultipartUploadCommandOutput>(
			new CreateMultipartUploadCommand({
				Bucket: this.bucket,
				Key: toKey,
				Metadata: metadata,
				ContentType: source.contentType,
			}),
			toKey,
		);
		const uploadId = created.UploadId!;
		const abort = () =>
			this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: toKey, UploadId: uploadId }));
		return undoOnFailure(async () => {
			const parts: Array<{ PartNumber: number; ETag?: string; ChecksumSHA256?: string }> = [];
			for (let start = 0, n = 1; start < source.size; start += size, n++) {
				const out = await this.send<UploadPartCopyCommandOutput>(
					new UploadPartCopyCommand({
						Bucket: this.bucket,
						Key: toKey,
						UploadId: uploadId,
						PartNumber: n,
						CopySource: copySource,
						CopySourceRange: `bytes=${start}-${Math.min(source.size, start + size) - 1}`,
					}),
					toKey,
				);
				parts.push({
					PartNumber: n,
					ETag: out.CopyPartResult?.ETag,
					ChecksumSHA256: out.CopyPartResult?.ChecksumSHA256,
				});
			}
			const done = await this.send<CompleteMultipartUploadCommandOutput>(
				new CompleteMultipartUploadCommand({
					Bucket: this.bucket,
					Key: toKey,
					UploadId: uploadId,
					MultipartUpload: { Parts: parts },
				}),
				toKey,
			);
			const written: WrittenObject = {
				key: toKey,
				size: source.size,
				etag: done.ETag,
				checksumSha256: done.ChecksumSHA256,
			};
			return written;
		}, abort);
	}

	async delete(key: string): Promise<void> {
		await this.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), key);
	}
}
