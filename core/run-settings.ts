/**
 * The settings of a migration run, as a template's caller gives them (a webhook body, a calling
 * workflow's item) or as the template's defaults say (Manual, Schedule). Checked before anything
 * is written: known names only, each of its type and range, tables named (or all of them said
 * explicitly), names within the destination's identifier limit. A refusal lists what is accepted.
 */
import type { IdentifierLimit } from './connector';
import { RequestError } from './errors';

type Kind = 'string' | 'integer' | 'boolean' | 'string list' | 'choice';

export interface SettingSpec {
	kind: Kind;
	description: string;
	min?: number;
	max?: number;
	choices?: string[];
}

export const DB_MIGRATION_SETTINGS: Record<string, SettingSpec> = {
	migration: {
		kind: 'string',
		description: 'the run name: letters, digits, . _ - (at most 100); a rerun with the same name resumes',
	},
	tables: { kind: 'string list', description: 'the tables (collections) to migrate, at least one' },
	allTables: { kind: 'boolean', description: 'true to migrate every table of the source instead of naming them' },
	rowsPerChunk: { kind: 'integer', min: 1, max: 10_000_000, description: 'rows per chunk' },
	batchSize: { kind: 'integer', min: 1, max: 100_000, description: 'rows per read and write batch' },
	keepSnapshotDays: { kind: 'integer', min: 0, max: 3650, description: 'days a run stays restorable' },
	onValidationFailure: { kind: 'choice', choices: ['rollback', 'keep'], description: 'what a failed validation does' },
	answerAtOnce: {
		kind: 'boolean',
		description:
			'true to have the Webhook answer 202 with the run name and its status URL at once, while the run goes on',
	},
};

export interface DbMigrationSettings {
	migration: string;
	/** Empty when allTables: Map Schema then takes every table. */
	tables: string[];
	allTables: boolean;
	rowsPerChunk: number;
	batchSize: number;
	keepSnapshotDays: number;
	onValidationFailure: 'rollback' | 'keep';
	answerAtOnce: boolean;
}

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The accepted settings, one line each, for a refusal's message and the README. */
export function describeSettings(schema: Record<string, SettingSpec> = DB_MIGRATION_SETTINGS): string[] {
	return Object.entries(schema).map(([name, spec]) => {
		const range =
			spec.kind === 'choice'
				? ` (${spec.choices!.map((c) => `"${c}"`).join(' | ')})`
				: spec.min !== undefined
					? ` (${spec.min}–${spec.max})`
					: '';
		return `${name}: ${spec.kind}${range}, ${spec.description}`;
	});
}

function refuse(message: string): never {
	throw new RequestError(`${message}. Accepted settings: ${describeSettings().join('; ')}`);
}

function checkValue(name: string, spec: SettingSpec, value: unknown): unknown {
	const shown = JSON.stringify(value)?.slice(0, 60);
	switch (spec.kind) {
		case 'string':
			if (typeof value !== 'string') refuse(`"${name}" must be a string, not ${shown}`);
			return value;
		case 'boolean':
			if (typeof value !== 'boolean') refuse(`"${name}" must be true or false, not ${shown}`);
			return value;
		case 'choice':
			if (typeof value !== 'string' || !spec.choices!.includes(value))
				refuse(`"${name}" must be one of ${spec.choices!.map((c) => `"${c}"`).join(', ')}, not ${shown}`);
			return value;
		case 'integer': {
			// A number, or its decimal text as a form would send it; nothing else is read as one.
			const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
			if (typeof n !== 'number' || !Number.isInteger(n)) refuse(`"${name}" must be a whole number, not ${shown}`);
			if (n < spec.min! || n > spec.max!) refuse(`"${name}" must be between ${spec.min} and ${spec.max}, not ${n}`);
			return n;
		}
		case 'string list':
			if (!Array.isArray(value) || !value.every((t) => typeof t === 'string' && t.trim() !== ''))
				refuse(`"${name}" must be a list of names, e.g. ["customers"], not ${shown}`);
			return value;
	}
}

function identifierLength(name: string, unit: IdentifierLimit['unit']): number {
	return unit === 'bytes' ? Buffer.byteLength(name, 'utf8') : [...name].length;
}

/**
 * The run's settings: the request's (null: none, use the defaults as they are) over the defaults.
 * A request must name its tables, or say "allTables": true.
 */
export function checkRunSettings(
	request: unknown,
	defaults: Record<string, unknown>,
	destination: IdentifierLimit,
): DbMigrationSettings {
	if (request !== null && request !== undefined && (typeof request !== 'object' || Array.isArray(request)))
		refuse(`The settings must be a JSON object, not ${JSON.stringify(request)?.slice(0, 60)}`);
	const given = (request ?? null) as Record<string, unknown> | null;
	for (const source of given ? [defaults, given] : [defaults]) {
		const unknown = Object.keys(source).filter((k) => !(k in DB_MIGRATION_SETTINGS));
		if (unknown.length)
			refuse(`Unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k.slice(0, 60)}"`).join(', ')}`);
	}
	const merged: Record<string, unknown> = { ...defaults, ...(given ?? {}) };
	// A caller names the tables; the template's default list serves only runs nobody configured (Manual, Schedule).
	if (given && given.tables === undefined) delete merged.tables;
	const out: Record<string, unknown> = {};
	for (const [name, spec] of Object.entries(DB_MIGRATION_SETTINGS))
		if (merged[name] !== undefined) out[name] = checkValue(name, spec, merged[name]);
	const allTables = out.allTables === true;
	const tables = (out.tables as string[] | undefined) ?? [];
	if (allTables && tables.length) refuse('Give either "tables" or "allTables": true, not both');
	if (!allTables && !tables.length)
		refuse('Name the tables to migrate ("tables": ["customers"]), or say "allTables": true to migrate every table');
	if (new Set(tables).size !== tables.length)
		refuse(`"tables" names a table twice: ${JSON.stringify(tables).slice(0, 120)}`);
	for (const table of tables) {
		const length = identifierLength(table, destination.unit);
		if (length > destination.length)
			refuse(
				`Table name "${table.slice(0, 80)}" is ${length} ${destination.unit} long; the destination keeps names of at most ${destination.length} ${destination.unit}`,
			);
	}
	const migration = out.migration as string | undefined;
	if (migration === undefined) refuse('Name the run ("migration": "…")');
	if (!RUN_NAME.test(migration)) refuse(`"migration" ${JSON.stringify(migration.slice(0, 60))} is not a run name`);
	return {
		migration,
		tables,
		allTables,
		rowsPerChunk: (out.rowsPerChunk as number) ?? 10_000,
		batchSize: (out.batchSize as number) ?? 5000,
		keepSnapshotDays: (out.keepSnapshotDays as number) ?? 7,
		onValidationFailure: (out.onValidationFailure as 'rollback' | 'keep') ?? 'rollback',
		answerAtOnce: out.answerAtOnce === true,
	};
}
