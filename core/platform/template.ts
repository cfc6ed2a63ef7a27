/**
 * Fills preset templates (`/repos/{owner}/{project.name}/issues`) from a record's context: its
 * canonical fields, its source id, the values kept for its mapped refs, its own kept values
 * (`dest.*`) and the run's settings. A placeholder without a value is an error that names it.
 */
import { MigrationError } from '../model/errors';

export type TemplateContext = Record<string, unknown>;

const PLACEHOLDER = /\{([\w.]+)\}/g;

export function hasValue(context: TemplateContext, name: string): boolean {
	const value = context[name];
	return value !== undefined && value !== null && value !== '';
}

export function fill(template: string, context: TemplateContext, what: string): string {
	return template.replace(PLACEHOLDER, (_whole, name: string) => {
		if (!hasValue(context, name))
			throw new MigrationError('QUERY_FAILED', `${what}: "${template}" needs {${name}}, which has no value`, {
				template,
				placeholder: name,
			});
		return String(context[name]);
	});
}

/** A path's placeholders filled and each value URL-encoded (repository names, labels with spaces). */
export function fillPath(template: string, context: TemplateContext, what: string): string {
	const encoded: TemplateContext = {};
	for (const [name, value] of Object.entries(context))
		encoded[name] = value === undefined || value === null ? value : encodeURIComponent(String(value));
	return fill(template, encoded, what);
}

/** The placeholders a template uses. */
export function placeholders(template: string): string[] {
	return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** The value at a dotted path of a record (`project.id`); undefined on the way. */
export function valueAt(record: unknown, path: string): unknown {
	let at: unknown = record;
	for (const part of path.split('.')) {
		if (at === null || typeof at !== 'object') return undefined;
		at = (at as Record<string, unknown>)[part];
	}
	return at;
}
