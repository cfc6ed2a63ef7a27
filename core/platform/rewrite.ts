/**
 * Items from any platform's node (Trello, Jira, Airtable, HubSpot…) rewritten through an ID map: a
 * field holding a source id (or a list of them) gets the mapped destination id, or a value kept for
 * it (Jira's issue key). What is not mapped yet is listed, so the caller can route or stop.
 */
import type { IdMap } from './id-map';
import { valueAt } from './template';

export interface RewriteRule {
	/** Dotted path of the field (`idCard`, `fields.parent`). */
	field: string;
	/** The source type the ids are of (`card`). */
	type: string;
	/** The destination id (`id`) or a kept value (`key`). */
	use: string;
}

export interface Rewritten {
	record: Record<string, unknown>;
	unmapped: Array<{ field: string; type: string; id: string }>;
}

export async function rewriteThroughMap(
	record: Record<string, unknown>,
	rules: RewriteRule[],
	map: IdMap,
): Promise<Rewritten> {
	const copy = structuredClone(record);
	const unmapped: Rewritten['unmapped'] = [];
	for (const rule of rules) {
		const value = valueAt(copy, rule.field);
		if (value === undefined || value === null || value === '') continue;
		const one = async (id: unknown) => {
			const entry = await map.done(rule.type, String(id));
			if (!entry) {
				unmapped.push({ field: rule.field, type: rule.type, id: String(id) });
				return id;
			}
			return rule.use === 'id' ? entry.dest : entry.kept[rule.use];
		};
		const next = Array.isArray(value) ? await Promise.all(value.map(one)) : await one(value);
		setAt(copy, rule.field, next);
	}
	return { record: copy, unmapped };
}

function setAt(record: Record<string, unknown>, path: string, value: unknown): void {
	const parts = path.split('.');
	let at = record;
	for (const part of parts.slice(0, -1)) at = at[part] as Record<string, unknown>;
	at[parts[parts.length - 1]] = value;
}
