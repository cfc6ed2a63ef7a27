/**
 * Source records in the engine's terms: a type, a source id, canonical fields and the source ids
 * of the records it points at; and the order types and records are created in (what a record
 * points at first, from the relationship graph).
 */
import type { SourcePreset, SourceType } from './preset';
import { valueAt } from './template';

export interface PlatformRecord {
	type: string;
	id: string;
	fields: Record<string, unknown>;
	/** Ref name → the source id it points at (absent refs left out). */
	refs: Record<string, { type: string; id: string }>;
	/** The raw source record (its detail children are read from it). */
	raw: Record<string, unknown>;
}

export function recordOf(type: string, spec: SourceType, raw: Record<string, unknown>): PlatformRecord {
	const fields: Record<string, unknown> = {};
	for (const [name, path] of Object.entries(spec.fields)) fields[name] = valueAt(raw, path);
	const refs: PlatformRecord['refs'] = {};
	for (const [name, ref] of Object.entries(spec.refs ?? {})) {
		const id = valueAt(raw, ref.path);
		if (id !== undefined && id !== null && id !== '') refs[name] = { type: ref.type, id: String(id) };
	}
	return { type, id: String(valueAt(raw, spec.id)), fields, refs, raw };
}

/** Types listed on their own or per record of another, in dependency order (what they point at first). */
export function typeOrder(preset: SourcePreset): string[] {
	const types = Object.keys(preset.types).filter((t) => !preset.types[t].inDetailOf);
	const needs = (t: string) => {
		const spec = preset.types[t];
		const refs = Object.values(spec.refs ?? {}).map((r) => r.type);
		return [...refs, ...(spec.within ? [spec.within] : [])].filter((n) => n !== t && types.includes(n));
	};
	const ordered: string[] = [];
	const visiting = new Set<string>();
	const visit = (t: string) => {
		if (ordered.includes(t) || visiting.has(t)) return;
		visiting.add(t);
		for (const n of needs(t)) visit(n);
		visiting.delete(t);
		ordered.push(t);
	};
	for (const t of types) visit(t);
	return ordered;
}

/**
 * Types held in the detail of `parent`'s records: `now` are created right after their parent
 * (comments, attachments), `later` point at other records of the parent's type and wait until
 * every one exists (relations).
 */
export function childTypes(preset: SourcePreset, parent: string): { now: string[]; later: string[] } {
	const now: string[] = [];
	const later: string[] = [];
	for (const [type, spec] of Object.entries(preset.types)) {
		if (spec.inDetailOf?.type !== parent) continue;
		const pointsAtSiblings = Object.values(spec.refs ?? {}).some((r) => r.type === parent);
		(pointsAtSiblings ? later : now).push(type);
	}
	return { now, later };
}

/**
 * Records of one type in an order where a record comes after the records of the same type it points
 * at (parents before children). Links that close a cycle are returned apart: they are written by a
 * second pass, once every record exists.
 */
export function parentsFirst(nodes: Array<{ id: string; points: string[] }>): {
	order: string[];
	deferred: Array<{ id: string; to: string }>;
} {
	const known = new Set(nodes.map((n) => n.id));
	const points = new Map(nodes.map((n) => [n.id, n.points.filter((p) => known.has(p) && p !== n.id)]));
	const order: string[] = [];
	const deferred: Array<{ id: string; to: string }> = [];
	const state = new Map<string, 'open' | 'done'>();
	for (const start of nodes.map((n) => n.id)) {
		if (state.has(start)) continue;
		// Iterative depth-first walk: deep parent chains must not overflow the stack.
		const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
		state.set(start, 'open');
		while (stack.length) {
			const top = stack[stack.length - 1];
			const targets = points.get(top.id) ?? [];
			if (top.next < targets.length) {
				const to = targets[top.next++];
				const seen = state.get(to);
				if (seen === 'open') deferred.push({ id: top.id, to });
				else if (!seen) {
					state.set(to, 'open');
					stack.push({ id: to, next: 0 });
				}
				continue;
			}
			state.set(top.id, 'done');
			order.push(top.id);
			stack.pop();
		}
	}
	return { order, deferred };
}
