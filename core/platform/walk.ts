/**
 * The source as a migration reads it: types in dependency order, records listed or listed per
 * migrated record of another type, a self-referencing type parents first, each record's detail
 * children after it. Migrate and Validate walk it alike; what happens to each record is theirs.
 */
import { MigrationError } from '../model/errors';
import type { PlatformParts } from './parts';
import type { SourcePreset, SourceType } from './preset';
import { childTypes, parentsFirst, recordOf, typeOrder, type PlatformRecord } from './records';
import { fill, fillPath, valueAt } from './template';

export interface Visitor {
	/** A type the destination looks up rather than creates (users): all its records at once. */
	lookup(type: string, records: AsyncIterable<PlatformRecord>): Promise<void>;
	/** One record; true: its detail children follow. */
	record(record: PlatformRecord): Promise<boolean>;
	/** A child that points at records of its parent's type (a relation): handled once all exist. */
	later(record: PlatformRecord): Promise<void>;
}

export type WalkParts = Pick<
	PlatformParts,
	'source' | 'sourcePreset' | 'destinationPreset' | 'map' | 'only' | 'signal'
>;

export class SourceWalk {
	constructor(
		private readonly parts: WalkParts,
		private readonly visitor: Visitor,
	) {}

	private get source(): SourcePreset {
		return this.parts.sourcePreset;
	}

	/** Source types the destination has no place for. */
	notMigrated(): string[] {
		return Object.keys(this.source.types).filter((t) => !this.parts.destinationPreset.types[t]);
	}

	async run(): Promise<void> {
		for (const type of typeOrder(this.source)) {
			const destination = this.parts.destinationPreset.types[type];
			if (!destination) continue;
			const spec = this.source.types[type];
			if (destination.lookup) await this.visitor.lookup(type, this.records(type, spec, spec.list));
			else if (spec.within) await this.withinType(type);
			else await this.listedType(type, spec.list);
		}
	}

	/** Types listed per record of another (versions per project): only for records that were migrated. */
	private async withinType(type: string): Promise<void> {
		const spec = this.source.types[type];
		const parentSpec = this.source.types[spec.within!];
		for await (const parentRaw of this.listed(spec.within!, parentSpec, parentSpec.list)) {
			const parent = recordOf(spec.within!, parentSpec, parentRaw);
			if (!(await this.parts.map.done(parent.type, parent.id))) continue;
			const within = { within: parent.id };
			const query: Record<string, string | number> = {};
			for (const [k, v] of Object.entries(spec.list!.query ?? {})) query[k] = fill(String(v), within, type);
			await this.listedType(type, { ...spec.list!, path: fillPath(spec.list!.path, within, type), query });
		}
	}

	/** A listing's records one by one; a type pointing at itself (parents) in parents-first order. */
	private async listedType(type: string, list: SourceType['list']): Promise<void> {
		const spec = this.source.types[type];
		const selfRefs = Object.entries(spec.refs ?? {})
			.filter(([, r]) => r.type === type)
			.map(([name]) => name);
		if (!selfRefs.length) {
			for await (const record of this.records(type, spec, list)) await this.one(record);
			return;
		}
		// Parents first: the (id, parent) pairs are gathered, ordered, then each record read in full.
		const nodes: Array<{ id: string; points: string[] }> = [];
		const kept = new Map<string, Record<string, unknown>>();
		for await (const record of this.records(type, spec, list)) {
			nodes.push({ id: record.id, points: selfRefs.map((n) => record.refs[n]?.id).filter((p): p is string => !!p) });
			if (!spec.detail) kept.set(record.id, record.raw);
		}
		for (const id of parentsFirst(nodes).order)
			await this.one(spec.detail ? await this.detail(type, spec, id) : recordOf(type, spec, kept.get(id)!));
	}

	private async *records(type: string, spec: SourceType, list: SourceType['list']): AsyncIterable<PlatformRecord> {
		for await (const raw of this.listed(type, spec, list)) yield recordOf(type, spec, raw);
	}

	/** A type's records as listed, only the selected ones where the run selects (`only`). */
	private async *listed(
		type: string,
		spec: SourceType,
		list: SourceType['list'],
	): AsyncIterable<Record<string, unknown>> {
		if (!list) throw new MigrationError('QUERY_FAILED', `${this.source.name} preset: ${type} has no listing`);
		const only = this.parts.only?.[type];
		for await (const page of this.parts.source.pages(list))
			for (const raw of page)
				if (!only || !spec.selectBy || only.includes(String(valueAt(raw, spec.selectBy)))) yield raw;
	}

	private async detail(type: string, spec: SourceType, id: string): Promise<PlatformRecord> {
		const detail = spec.detail!;
		const answer = await this.parts.source.json({
			method: 'GET',
			path: fillPath(detail.path, { id }, type),
			query: detail.query,
		});
		return recordOf(type, spec, valueAt(answer.body, detail.recordPath) as Record<string, unknown>);
	}

	private async one(record: PlatformRecord): Promise<void> {
		if (this.parts.signal?.aborted) throw new MigrationError('QUERY_FAILED', 'The migration was stopped');
		const skip = this.source.types[record.type].skipWhenEmpty;
		if (skip && !String(valueAt(record.raw, skip) ?? '').trim()) return;
		if (!(await this.visitor.record(record))) return;
		const { now, later } = childTypes(this.source, record.type);
		for (const type of now.filter((t) => this.parts.destinationPreset.types[t]))
			for (const raw of this.held(record, type)) await this.one(this.child(record, type, raw));
		for (const type of later.filter((t) => this.parts.destinationPreset.types[t]))
			for (const raw of this.held(record, type)) {
				const child = recordOf(type, this.source.types[type], raw);
				// A relation shows in both issues' details: taken once, from the issue its first ref names.
				const first = Object.keys(this.source.types[type].refs ?? {}).find(
					(name) => this.source.types[type].refs![name].type === record.type,
				);
				if (first && child.refs[first]?.id === record.id) await this.visitor.later(child);
			}
	}

	private held(parent: PlatformRecord, type: string): Array<Record<string, unknown>> {
		const found = valueAt(parent.raw, this.source.types[type].inDetailOf!.path);
		return Array.isArray(found) ? (found as Array<Record<string, unknown>>) : [];
	}

	private child(parent: PlatformRecord, type: string, raw: Record<string, unknown>): PlatformRecord {
		const record = recordOf(type, this.source.types[type], raw);
		record.refs[parent.type] ??= { type: parent.type, id: parent.id };
		return record;
	}
}
