/**
 * The objects under a prefix cut into chunks by count and bytes. A chunk is a range of the listing
 * (after one key, up to another): the first is open below, the last open above, so objects added
 * after the plan still fall in a chunk. The plan is written to the destination as the run's record.
 */
import type { ObjectRange, ObjectStore } from '../ports';
import type { RunPaths } from './keys';
import { writePlan, type FilePlanRecord } from './run-state';

export interface ObjectChunk {
	chunk: number;
	range: ObjectRange;
	files: number;
	bytes: number;
}

export interface ObjectPlan {
	chunks: ObjectChunk[];
	files: number;
	bytes: number;
}

export interface PlanObjectsOptions {
	filesPerChunk: number;
	bytesPerChunk: number;
	/** Keys under this are the run's own (the destination's state prefix, when source and destination share a store). */
	statePrefix?: string;
}

export async function planObjects(
	source: ObjectStore,
	prefix: string,
	options: PlanObjectsOptions,
): Promise<ObjectPlan> {
	const chunks: ObjectChunk[] = [];
	let current: ObjectChunk | undefined;
	let files = 0;
	let bytes = 0;
	let lastKey: string | undefined;
	for await (const page of source.list({ prefix }, { pageSize: 1000 })) {
		for (const info of page) {
			if (options.statePrefix && info.key.startsWith(options.statePrefix)) continue;
			if (current && (current.files >= options.filesPerChunk || current.bytes + info.size > options.bytesPerChunk)) {
				current.range.upTo = lastKey;
				current = undefined;
			}
			if (!current) {
				current = { chunk: chunks.length + 1, range: { prefix, after: lastKey }, files: 0, bytes: 0 };
				chunks.push(current);
			}
			current.files++;
			current.bytes += info.size;
			files++;
			bytes += info.size;
			lastKey = info.key;
		}
	}
	if (!chunks.length) chunks.push({ chunk: 1, range: { prefix }, files: 0, bytes: 0 });
	return { chunks, files, bytes };
}

/** Plans, and records the plan (totals, start time) in the destination for Status and the report. */
export async function planAndRecord(
	source: ObjectStore,
	destination: ObjectStore,
	prefix: string,
	paths: RunPaths,
	options: PlanObjectsOptions,
	now = new Date(),
): Promise<ObjectPlan & { record: FilePlanRecord }> {
	const plan = await planObjects(source, prefix, options);
	const record: FilePlanRecord = {
		migration: paths.migration,
		source: source.location,
		destination: destination.location,
		files: plan.files,
		bytes: plan.bytes,
		chunks: plan.chunks.length,
		plannedAt: now.toISOString(),
	};
	await writePlan(destination, paths, record);
	return { ...plan, record };
}
