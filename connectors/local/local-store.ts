/**
 * A folder as an ObjectStore: keys are paths under its root (local-paths.ts refuses the ones that
 * leave it). Listing walks the tree in S3's key order; a write goes to a temporary file under
 * `.dm-tmp/`, is read back and hashed, and is renamed into place only once that checksum was
 * accepted: a kill leaves no partial file under its key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, realpath, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RequestError } from '../../core/model/errors';
import { compareKeys } from '../../core/files/keys';
import {
	capabilities,
	type ObjectInfo,
	type ObjectRange,
	type ObjectStore,
	type PutOptions,
	type WrittenObject,
} from '../../core/ports';
import { insideRoot, keyPath } from './local-paths';
import { isMissing as missing, localError } from './local-errors';

/** Where writes wait until they are accepted; never listed. */
export const TEMP_FOLDER = '.dm-tmp';

async function sha256Of(path: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(createReadStream(path), hash);
	return hash.digest('hex');
}

export class LocalStore implements ObjectStore {
	readonly system = 'Local folder';
	readonly capabilities = capabilities({});
	readonly readsLocally = true;
	readonly location: string;
	private realRoot: string | undefined;

	constructor(
		readonly root: string,
		private readonly createRoot = false,
	) {
		if (!root.startsWith('/'))
			throw new RequestError(`The root folder must be an absolute path, got ${JSON.stringify(root)}`);
		this.location = `folder ${root}`;
	}

	private async real(): Promise<string> {
		if (this.realRoot) return this.realRoot;
		if (this.createRoot) await mkdir(this.root, { recursive: true });
		const info = await stat(this.root).catch((error: unknown) => {
			throw missing(error)
				? new RequestError(`The root folder ${this.root} does not exist`)
				: localError(error, this.root);
		});
		if (!info.isDirectory()) throw new RequestError(`The root folder ${this.root} is not a folder`);
		this.realRoot = await realpath(this.root);
		return this.realRoot;
	}

	/** The checked path of a key: inside the root, symlinks included. */
	private async path(key: string): Promise<string> {
		const root = await this.real();
		const path = keyPath(root, key);
		await insideRoot(root, path, key);
		return path;
	}

	async ping(): Promise<void> {
		await this.real();
	}

	async close(): Promise<void> {}

	async *list(range: ObjectRange, options: { pageSize: number }): AsyncGenerator<ObjectInfo[]> {
		const root = await this.real();
		let page: ObjectInfo[] = [];
		// Start at the deepest folder the prefix names; every key below starts with its path.
		const start = range.prefix.includes('/') ? range.prefix.slice(0, range.prefix.lastIndexOf('/') + 1) : '';
		for await (const info of this.walk(root, start, range)) {
			page.push(info);
			if (page.length >= options.pageSize) {
				yield page;
				page = [];
			}
		}
		if (page.length) yield page;
	}

	/** Files under `folder` (a key prefix ending in "/", or "") in key order: a folder sorts as its name + "/". */
	private async *walk(root: string, folder: string, range: ObjectRange): AsyncGenerator<ObjectInfo> {
		const entries = await readdir(folder ? join(root, folder) : root, { withFileTypes: true }).catch(
			(error: unknown) => {
				if (missing(error)) return [];
				throw localError(error, folder || this.root);
			},
		);
		const named = entries
			.filter((e) => !(folder === '' && e.name === TEMP_FOLDER))
			.map((e) => ({ entry: e, key: folder + e.name + (e.isDirectory() ? '/' : '') }))
			.sort((a, b) => compareKeys(a.key, b.key));
		for (const { entry, key } of named) {
			// Keys here and after are past the range's end; keys below are all before its start.
			if (range.upTo !== undefined && compareKeys(key, range.upTo) > 0 && !range.upTo.startsWith(key)) return;
			if (range.after !== undefined && compareKeys(key, range.after) < 0 && !range.after.startsWith(key)) continue;
			if (!key.startsWith(range.prefix) && !range.prefix.startsWith(key)) continue;
			if (entry.isDirectory()) {
				yield* this.walk(root, key, range);
				continue;
			}
			const info = await this.fileInfo(join(root, key), key, entry.isSymbolicLink());
			if (!info) continue;
			if (range.after !== undefined && compareKeys(key, range.after) <= 0) continue;
			if (!key.startsWith(range.prefix)) continue;
			yield info;
		}
	}

	private async fileInfo(path: string, key: string, link: boolean): Promise<ObjectInfo | undefined> {
		const info = await (link ? stat(path) : lstat(path)).catch((error: unknown) => {
			if (missing(error)) return undefined;
			throw localError(error, key);
		});
		// A broken link is listed (its read fails, on Rejected); a link to a folder is not followed (no loops).
		if (!info) return link ? { key, size: 0 } : undefined;
		if (!info.isFile()) return undefined;
		return { key, size: info.size, lastModified: info.mtime.toISOString() };
	}

	async head(key: string): Promise<ObjectInfo | undefined> {
		const path = await this.path(key);
		const info = await stat(path).catch((error: unknown) => {
			if (missing(error)) return undefined;
			throw localError(error, key);
		});
		return info?.isFile() ? { key, size: info.size, lastModified: info.mtime.toISOString() } : undefined;
	}

	async get(key: string): Promise<Readable> {
		const path = await this.path(key);
		await stat(path).catch((error: unknown) => {
			throw localError(error, key);
		});
		const body = createReadStream(path, { highWaterMark: 1 << 20 });
		return body;
	}

	private async tempPath(): Promise<string> {
		const folder = join(await this.real(), TEMP_FOLDER);
		await mkdir(folder, { recursive: true });
		return join(folder, randomUUID());
	}

	/** Moves an accepted temporary file to its key (its folders made, checked inside the root). */
	private async place(temp: string, key: string, written: WrittenObject, accept: (w: WrittenObject) => void) {
		try {
			accept(written);
			const path = await this.path(key);
			await mkdir(dirname(path), { recursive: true });
			await insideRoot(await this.real(), path, key);
			await rename(temp, path);
			return written;
		} finally {
			await unlink(temp).catch(() => undefined);
		}
	}

	async put(key: string, body: Readable, options: PutOptions): Promise<WrittenObject> {
		await this.path(key);
		const temp = await this.tempPath();
		await pipeline(body, createWriteStream(temp)).catch(async (error: unknown) => {
			await unlink(temp).catch(() => undefined);
			throw localError(error, key);
		});
		const written: WrittenObject = { key, size: (await stat(temp)).size, sha256: await sha256Of(temp) };
		return this.place(temp, key, written, options.accept);
	}

	copiesFrom(other: ObjectStore): boolean {
		return other instanceof LocalStore && other.root === this.root;
	}

	async serverCopy(from: ObjectStore, fromKey: string, toKey: string): Promise<WrittenObject> {
		if (!this.copiesFrom(from)) throw new RangeError(`${this.location} cannot copy from ${from.location} itself`);
		const temp = await this.tempPath();
		await copyFile(await this.path(fromKey), temp);
		const written: WrittenObject = { key: toKey, size: (await stat(temp)).size, sha256: await sha256Of(temp) };
		return this.place(temp, toKey, written, () => undefined);
	}

	async delete(key: string): Promise<void> {
		const path = await this.path(key);
		await unlink(path).catch((error: unknown) => {
			if (!missing(error)) throw localError(error, key);
		});
		// Folders left empty go too (S3 has none): up to the root.
		const root = await this.real();
		for (let folder = dirname(path); folder.startsWith(root + '/'); folder = dirname(folder)) {
			if (
				!(await rmdir(folder).then(
					() => true,
					() => false,
				))
			)
				break;
		}
	}
}
