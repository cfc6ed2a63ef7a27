/**
 * Copies a local folder into a bucket of the test MinIO in its own process, printing each object
 * done, so a test can kill -9 it mid-copy:
 * `node --import tsx objects-child.ts <folder> <bucket> <migration>`.
 */
import { copyObjectChunk } from '../../core/files/copy';
import { createS3Store } from '../../connectors/s3/s3-client';
import { LocalStore } from '../../connectors/local/local-store';
import { s3Config } from './object-stores';

async function main() {
	const [folder, bucket, migration] = process.argv.slice(2);
	const source = new LocalStore(folder);
	const destination = createS3Store(s3Config(bucket));
	await copyObjectChunk(
		source,
		destination,
		{ chunk: 1, range: { prefix: '' }, files: 0, bytes: 0 },
		{
			sourcePrefix: '',
			destinationPrefix: '',
			paths: { statePrefix: '.dm-migration/', migration },
			concurrency: 4,
			partSize: 5 * 1024 * 1024,
			queueSize: 2,
			keepOverwritten: true,
			onProgress: (done) => console.log(JSON.stringify(done)),
		},
	);
	await destination.close();
}

void main();
