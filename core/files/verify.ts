/**
 * Validation of a file copy: both listings walked side by side in key order — objects missing,
 * extra, of another size — counts and bytes per top-level folder, and (mode 'checksum') every
 * object read on both sides and its SHA-256 compared. The manifest digest (SHA-256 over "key, size,
 * SHA-256" lines in key order) of each side goes in the report: equal digests, equal trees.
 */
import { createHash } from 'node:crypto';
import type { ObjectInfo, ObjectStore } from '../ports';
import { compareKeys } from './keys';
import { digestObject } from './compare';
import { listAll } from './run-state';
import { streamPool } from './stream-pool';

export interface VerifyObjectsOptions {
	sourcePrefix: string;
	destinationPrefix: string;
	statePrefix: string;
	/** 'checksum' reads every object on both sides; 'size' compares listings only. */
	mode: 'checksum' | 'size';
	concurrency: number;
	partSize: number;
	/** At most this many objects listed per kind of difference. */
	listLimit?: number;
}

export interface PrefixTotals {
	prefix: string;
	source: { files: number; bytes: number };
	destination: { files: number; bytes: number };
}

export interface ObjectDifference {
	key: string;
	kind: 'missing' | 'extra' | 'size' | 'checksum' | 'unreadable';
	source?: string;
	destination?: string;
}

export interface ObjectVerification {
	valid: boolean;
	mode: 'checksum' | 'size';
	files: { source: number; destination: number };
	bytes: { source: number; destination: number };
	checksummed: number;
	differences: number;
	/** The first differences (listLimit). */
	listed: ObjectDifference[];
	byPrefix: PrefixTotals[];
	manifest: { source: string; destination: string };
}

type Side = 'source' | 'destination';

/** Relative keys of one side, in key order, without the run's own keys. */
async function* relative(store: ObjectStore, prefix: string, statePrefix: string): AsyncGenerator<ObjectInfo> {
	for await (const info of listAll(store, prefix))
		if (!info.key.startsWith(statePrefix)) yield { ...info, key: info.key.slice(prefix.length) };
}

/** The two listings merged by key: pairs where both have it, singles where one does. */
async function* merged(a: AsyncGenerator<ObjectInfo>, b: AsyncGenerator<ObjectInfo>) {
	let x = await a.next();
	let y = await b.next();
	while (!x.done || !y.done) {
		const order = x.done ? 1 : y.done ? -1 : compareKeys(x.value.key, y.value.key);
		yield {
			key: order <= 0 ? x.value!.key : y.value!.key,
			source: order <= 0 ? x.value : undefined,
			destination: order >= 0 ? y.value : undefined,
		};
		if (order <= 0) x = await a.next();
		if (order >= 0) y = await b.next();
	}
}

const folderOf = (key: string) => (key.includes('/') ? `${key.slice(0, key.indexOf('/'))}/` : '(top level)');

export async function verifyObjects(
	source: ObjectStore,
	destination: ObjectStore,
	options: VerifyObjectsOptions,
): Promise<ObjectVerification> {
	const limit = options.listLimit ?? 100;
	const result: ObjectVerification = {
		valid: true,
		mode: options.mode,
		files: { source: 0, destination: 0 },
		bytes: { source: 0, destination: 0 },
		checksummed: 0,
		differences: 0,
		listed: [],
		byPrefix: [],
		manifest: { source: '', destination: '' },
	};
	const folders = new Map<string, PrefixTotals>();
	const manifests = { source: createHash('sha256'), destination: createHash('sha256') };
	const differ = (difference: ObjectDifference) => {
		result.differences++;
		if (result.listed.length < limit) result.listed.push(difference);
	};
	const count = (side: Side, info: ObjectInfo) => {
		const folder = folderOf(info.key);
		const totals = folders.get(folder) ?? {
			prefix: folder,
			source: { files: 0, bytes: 0 },
			destination: { files: 0, bytes: 0 },
		};
		folders.set(folder, totals);
		totals[side].files++;
		totals[side].bytes += info.size;
		result.files[side]++;
		result.bytes[side] += info.size;
	};
	// Pairs are checksummed in windows, then folded into the manifests in key order (bounded memory).
	type Pair = { key: string; source?: ObjectInfo; destination?: ObjectInfo; sha?: Partial<Record<Side, string>> };
	const fold = async (window: Pair[]) => {
		if (options.mode === 'checksum')
			await streamPool(
				asAsync(window.filter((p) => p.source && p.destination && p.source.size === p.destination.size)),
				options.concurrency,
				async (pair) => {
					try {
						const [a, b] = await Promise.all([
							digestObject(source, options.sourcePrefix + pair.key, options.partSize),
							digestObject(destination, options.destinationPrefix + pair.key, options.partSize),
						]);
						pair.sha = { source: a.sha256, destination: b.sha256 };
					} catch (error) {
						pair.sha = {};
						differ({
							key: pair.key,
							kind: 'unreadable',
							source: error instanceof Error ? error.message : String(error),
						});
					}
				},
			);
		for (const pair of window) {
			for (const side of ['source', 'destination'] as const) {
				const info = pair[side];
				if (info) manifests[side].update(`${info.key}\t${info.size}\t${pair.sha?.[side] ?? ''}\n`);
			}
			if (!pair.destination) differ({ key: pair.key, kind: 'missing', source: `${pair.source!.size} bytes` });
			else if (!pair.source) differ({ key: pair.key, kind: 'extra', destination: `${pair.destination.size} bytes` });
			else if (pair.source.size !== pair.destination.size)
				differ({
					key: pair.key,
					kind: 'size',
					source: `${pair.source.size} bytes`,
					destination: `${pair.destination.size} bytes`,
				});
			else if (pair.sha?.source && pair.sha.destination) {
				result.checksummed++;
				if (pair.sha.source !== pair.sha.destination)
					differ({ key: pair.key, kind: 'checksum', source: pair.sha.source, destination: pair.sha.destination });
			}
		}
	};
	let window: Pair[] = [];
	for await (const pair of merged(
		relative(source, options.sourcePrefix, options.statePrefix),
		relative(destination, options.destinationPrefix, options.statePrefix),
	)) {
		if (pair.source) count('source', pair.source);
		if (pair.destination) count('destination', pair.destination);
		window.push(pair);
		if (window.length >= 500) {
			await fold(window);
			window = [];
		}
	}
	await fold(window);
	result.byPrefix = [...folders.values()].sort((a, b) => compareKeys(a.prefix, b.prefix));
	result.manifest = { source: manifests.source.digest('hex'), destination: manifests.destination.digest('hex') };
	result.valid = result.differences === 0;
	return result;
}

async function* asAsync<T>(items: T[]): AsyncGenerator<T> {
	yield* items;
}
