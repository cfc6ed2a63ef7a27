/**
 * A file migration's state, kept as small JSON objects in the destination store itself (a file
 * migration needs no database): the plan, and one record per finished chunk, written after its
 * last object was verified. Status and the report read them back.
 */
import { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStore, WrittenObject } from '../ports';
import { isMigrationError, StateError } from '../model/errors';
import { chunkRecordKey, chunksPrefix, planKey, type RunPaths } from './keys';

export interface FilePlanRecord {
	migration: string;
	source: string;
	destination: string;
	files: number;
	bytes: number;
	chunks: number;
	plannedAt: string;
}

export interface ChunkRecord {
	chunk: number;
	files: number;
	bytes: number;
	copied: number;
	copiedBytes: number;
	skipped: number;
	serverCopies: number;
	/** Objects whose store gave no checksum comparable with ours (counted, never silently passed). */
	unverified: number;
	seconds: number;
	finishedAt: string;
}

export async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks);
}

export async function writeJson(store: ObjectStore, key: string, value: unknown): Promise<WrittenObject> {
	const body = Buffer.from(JSON.stringify(value));
	return store.put(key, Readable.from([body]), {
		size: body.length,
		contentType: 'application/json',
		partSize: 5 * 1024 * 1024,
		queueSize: 1,
		accept: (written) => {
			if (written.size !== body.length)
				throw new StateError(`Run state ${key} in ${store.location} holds ${written.size} bytes, wrote ${body.length}`);
		},
	});
}

function parseOrUndefined(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** The object's JSON, or undefined when it is absent: one GET (a HEAD first would double the round trips). */
export async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
	const body = await store.get(key).catch((error: unknown) => {
		// Both stores type a missing object (S3 NoSuchKey, a missing file) as UNKNOWN_TABLE.
		if (isMigrationError(error) && error.code === 'UNKNOWN_TABLE') return undefined;
		throw error;
	});
	if (!body) return undefined;
	const text = (await readAll(body)).toString('utf8');
	const parsed = parseOrUndefined(text);
	if (parsed === undefined)
		throw new StateError(`Run state ${key} in ${store.location} is not JSON: ${text.slice(0, 80)}`);
	return parsed as T;
}

export const readPlan = (store: ObjectStore, paths: RunPaths) => readJson<FilePlanRecord>(store, planKey(paths));
export const writePlan = (store: ObjectStore, paths: RunPaths, plan: FilePlanRecord) =>
	writeJson(store, planKey(paths), plan);
export const readChunkRecord = (store: ObjectStore, paths: RunPaths, chunk: number) =>
	readJson<ChunkRecord>(store, chunkRecordKey(paths, chunk));
export const writeChunkRecord = (store: ObjectStore, paths: RunPaths, record: ChunkRecord) =>
	writeJson(store, chunkRecordKey(paths, record.chunk), record);

/** Every object under a prefix, listing page by page. */
export async function* listAll(store: ObjectStore, prefix: string): AsyncGenerator<ObjectInfo> {
	for await (const page of store.list({ prefix }, { pageSize: 1000 })) yield* page;
}

export async function chunkRecords(store: ObjectStore, paths: RunPaths): Promise<ChunkRecord[]> {
	const records: ChunkRecord[] = [];
	for await (const info of listAll(store, chunksPrefix(paths))) {
		const record = await readJson<ChunkRecord>(store, info.key);
		if (record) records.push(record);
	}
	return records;
}

export async function deleteUnder(store: ObjectStore, prefix: string): Promise<number> {
	let deleted = 0;
	for await (const info of listAll(store, prefix)) {
		await store.delete(info.key);
		deleted++;
	}
	return deleted;
}

export interface FileProgress {
	migration: string;
	planned: boolean;
	files: { done: number; total: number };
	bytes: { done: number; total: number };
	chunks: { done: number; total: number };
	copied: number;
	skipped: number;
	unverified: number;
	/** Bytes of the chunks done over the time they took. */
	bytesPerSecond: number;
	etaSeconds: number | null;
	percent: number;
}

/** Files and bytes done of the plan, the speed of the chunks done, and the time left at that speed. */
export async function fileProgress(store: ObjectStore, paths: RunPaths): Promise<FileProgress> {
	const plan = await readPlan(store, paths);
	const records = await chunkRecords(store, paths);
	const sum = (f: (r: ChunkRecord) => number) => records.reduce((n, r) => n + f(r), 0);
	const bytesDone = sum((r) => r.bytes);
	// The chunks' own time: a rerun after a stop does not count the time stopped.
	const seconds = sum((r) => r.seconds);
	const rate = seconds > 0 ? bytesDone / seconds : 0;
	const total = plan?.bytes ?? 0;
	return {
		migration: paths.migration,
		planned: Boolean(plan),
		files: { done: sum((r) => r.files), total: plan?.files ?? 0 },
		bytes: { done: bytesDone, total },
		chunks: { done: records.length, total: plan?.chunks ?? 0 },
		copied: sum((r) => r.copied),
		skipped: sum((r) => r.skipped),
		unverified: sum((r) => r.unverified),
		bytesPerSecond: Math.round(rate),
		etaSeconds: rate > 0 ? Math.round(Math.max(0, total - bytesDone) / rate) : null,
		percent: total ? Math.round((1000 * bytesDone) / total) / 10 : plan && records.length === plan.chunks ? 100 : 0,
	};
}
