/**
 * One file as a streamed multipart/form-data body with its exact length, so a large attachment
 * goes to the platform without being held in memory (the server needs Content-Length).
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { UploadFile } from '../../core/ports/platform';

export function multipartBody(file: UploadFile): { body: Readable; contentType: string; length: number } {
	const boundary = `----dm${randomBytes(12).toString('hex')}`;
	const name = file.name.replace(/["\r\n]/g, '_');
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${name}"; filename*=UTF-8''${encodeURIComponent(file.name)}\r\n` +
			`Content-Type: ${file.contentType || 'application/octet-stream'}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const body = new PassThrough();
	body.write(head);
	file.stream.on('error', (error) => body.destroy(error));
	file.stream.on('end', () => body.end(tail));
	file.stream.pipe(body, { end: false });
	return {
		body,
		contentType: `multipart/form-data; boundary=${boundary}`,
		length: head.length + file.size + tail.length,
	};
}
