/** An S3-compatible store as the credential describes it, and the bucket and key prefix a step works in. */
export interface S3Config {
	/** Empty for AWS (its regional endpoint); e.g. http://127.0.0.1:9000 (MinIO), https://<account>.r2.cloudflarestorage.com. */
	endpoint: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	sessionToken?: string;
	/** bucket in the path (MinIO, most self-hosted stores) rather than in the host name. */
	forcePathStyle: boolean;
	bucket: string;
	/** Objects above this size are copied server-side in parts (UploadPartCopy); CopyObject takes at most 5 GiB. */
	copyPartThreshold?: number;
}

export const MAX_SINGLE_COPY = 5 * 1024 ** 3;
