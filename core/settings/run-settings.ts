/**
 * The settings of a run, as a template's caller gives them (a webhook body, a calling workflow's
 * item) or as the template's defaults say (Manual, Schedule). Checked before anything is written:
 * known names only, each of its type and range, tables named (or all of them said explicitly),
 * names within the destination's identifier limit. A refusal lists what is accepted.
 * One schema per template family: a DB→DB migration, a zero-downtime migration.
 */
import type { IdentifierLimit } from '../ports';
import { RequestError } from '../model/errors';
import { LOGICAL_TYPES } from '../mapping/mapping';

type Kind = 'run name' | 'string' | 'integer' | 'boolean' | 'string list' | 'choice' | 'choice map' | 'object';

export interface SettingSpec {
	kind: Kind;
	description: string;
	min?: number;
	max?: number;
	/** The values a choice (or each value of a choice map) may take. */
	choices?: string[];
	/** What a run takes when neither the caller nor the template's defaults say. */
	fallback?: unknown;
}

export interface SettingsSchema {
	/** The setting that names the run (its checkpoints, its state): required, a run name. */
	runName: string;
	fields: Record<string, SettingSpec>;
}

const answerAtOnce: SettingSpec = {
	kind: 'boolean',
	description:
		'true to have the Webhook answer 202 with the run name and its status URL at once, while the run goes on',
	fallback: false,
};

export const DB_MIGRATION_SETTINGS: SettingsSchema = {
	runName: 'migration',
	fields: {
		migration: {
			kind: 'run name',
			max: 100,
			description: 'the run name: letters, digits, . _ - (at most 100); a rerun with the same name resumes',
		},
		tables: { kind: 'string list', description: 'the tables (collections) to migrate, at least one' },
		allTables: {
			kind: 'boolean',
			description: 'true to migrate every table of the source instead of naming them',
			fallback: false,
		},
		rowsPerChunk: { kind: 'integer', min: 1, max: 10_000_000, description: 'rows per chunk', fallback: 10_000 },
		batchSize: { kind: 'integer', min: 1, max: 100_000, description: 'rows per read and write batch', fallback: 5000 },
		keepSnapshotDays: { kind: 'integer', min: 0, max: 3650, description: 'days a run stays restorable', fallback: 7 },
		onValidationFailure: {
			kind: 'choice',
			choices: ['rollback', 'keep'],
			description: 'what a failed validation does',
			fallback: 'rollback',
		},
		typeOverrides: {
			kind: 'choice map',
			choices: LOGICAL_TYPES,
			description: 'logical types per column over what introspection found, e.g. {"orders.note": "text"}',
			fallback: {},
		},
		invalidValues: {
			kind: 'choice map',
			choices: ['reject', 'null'],
			description:
				'per column ("table.column", "column" or "*"), what a value the destination cannot hold exactly does: "reject" the row (default) or "null" (written as NULL and listed)',
			fallback: {},
		},
		flatten: {
			kind: 'boolean',
			description: 'true to flatten nested documents into one column per leaf (MongoDB sources)',
			fallback: false,
		},
		arrays: {
			kind: 'choice',
			choices: ['json', 'childTables'],
			description: 'array fields as one JSON column, or as child tables (MongoDB sources)',
			fallback: 'json',
		},
		separator: {
			kind: 'string',
			description: 'joins the names of flattened leaves and child tables',
			fallback: '_',
		},
		dryRun: {
			kind: 'boolean',
			description:
				'true to send sampleRows rows of each table through read → transform → load into a scratch schema (database) of the destination, validate and report them, and drop it: nothing else is written',
			fallback: false,
		},
		plan: {
			kind: 'boolean',
			description:
				'true to answer with the migration plan (phases, load order, chunks, durations measured by a dry run, risks) and its documents instead of migrating',
			fallback: false,
		},
		sampleRows: {
			kind: 'integer',
			min: 1,
			max: 100_000,
			description: 'rows per table a dry run or a plan samples',
			fallback: 1000,
		},
		withSync: {
			kind: 'boolean',
			description: 'plan: the migration keeps the destination in step until cutover (zero downtime)',
			fallback: false,
		},
		changesPerHour: {
			kind: 'integer',
			min: 0,
			max: 1_000_000_000,
			description: 'plan: source writes per hour the sync must follow (0: not estimated)',
			fallback: 0,
		},
		rowsAsItems: {
			kind: 'boolean',
			description:
				"true to send every row through n8n as an item (the chunk worker's Read Chunk → Load Chunk, where n8n's own nodes can be added); false streams each chunk inside one Copy Chunk step",
			fallback: false,
		},
		fanOut: {
			kind: 'boolean',
			description:
				"true to send each chunk to an execution of its own through the chunk webhook (in queue mode any n8n worker takes it) and wait for the checkpoints; false runs the chunks inside this run's execution",
			fallback: false,
		},
		chunksAtOnce: {
			kind: 'integer',
			min: 1,
			max: 256,
			description:
				'fanOut: chunks out at the same time over all workers (each opens a source and a destination connection)',
			fallback: 4,
		},
		leaseSeconds: {
			kind: 'integer',
			min: 2,
			max: 86_400,
			description: "fanOut: a worker's renewed hold on its chunk; a dead worker's chunk is sent again once it expires",
			fallback: 60,
		},
		chunkWebhookUrl: {
			kind: 'string',
			description: "fanOut: the chunk webhook's URL as this n8n reaches it (empty: derived from n8n's WEBHOOK_URL)",
			fallback: '',
		},
		answerAtOnce,
	},
};

/** One schema for the backfill and the sync Webhooks, so a caller sends both the same body. */
export const ZERO_DOWNTIME_SETTINGS: SettingsSchema = {
	runName: 'sync',
	fields: {
		sync: {
			kind: 'run name',
			// The backfill's migration is named "<sync>-backfill", within the 100 of a run name.
			max: 91,
			description: 'the sync name: letters, digits, . _ - (at most 91); its watermarks and leases',
		},
		tables: { kind: 'string list', description: 'the tables to backfill and keep in step, at least one' },
		cursorColumn: {
			kind: 'string',
			description: 'the timestamp or number column every write sets (the change feed)',
			fallback: 'updated_at',
		},
		lagSeconds: {
			kind: 'integer',
			min: 0,
			max: 86_400,
			description: 'seconds behind the source clock a change is read (late commits)',
			fallback: 5,
		},
		batchSize: { kind: 'integer', min: 1, max: 100_000, description: 'rows per read and write batch', fallback: 5000 },
		rowsPerChunk: {
			kind: 'integer',
			min: 1,
			max: 10_000_000,
			description: 'backfill: rows per chunk of the migration',
			fallback: 10_000,
		},
		maxBatches: { kind: 'integer', min: 1, max: 100_000, description: 'sync: batches per table and run', fallback: 20 },
		deletes: {
			kind: 'choice',
			choices: ['keyset', 'none'],
			description: 'sync: find hard deletes by key sets, or not',
			fallback: 'keyset',
		},
		softDeleteColumn: {
			kind: 'string',
			description: 'sync: a column set when a row is deleted (empty: none)',
			fallback: '',
		},
		segmentRows: {
			kind: 'integer',
			min: 1,
			max: 10_000_000,
			description: 'sync: keys per segment of the key-set deletes',
			fallback: 10_000,
		},
		leaseSeconds: {
			kind: 'integer',
			min: 1,
			max: 86_400,
			description: "sync: seconds a run holds a table's lease (a dead run's frees after it)",
			fallback: 600,
		},
		answerAtOnce,
	},
};

/** A REST API → database run: the resource, how its pages follow each other, the table it lands in. */
export const API_MIGRATION_SETTINGS: SettingsSchema = {
	runName: 'migration',
	fields: {
		migration: DB_MIGRATION_SETTINGS.fields.migration,
		apiName: {
			kind: 'string',
			description: 'the API\'s name in the report, e.g. "Stripe" (the report says "Stripe → PostgreSQL")',
			fallback: 'REST API',
		},
		table: { kind: 'string', description: 'the destination table the records land in' },
		resource: {
			kind: 'string',
			description: 'the endpoint, relative to the credential\'s base URL, e.g. "/v1/customers"',
		},
		recordsPath: {
			kind: 'string',
			description: 'dotted path to the records in a page ("data", "results.items"); "" when the page is the array',
			fallback: 'data',
		},
		pagination: {
			kind: 'object',
			description:
				'how pages follow each other, e.g. {"style": "bodyCursor", "cursorPath": "meta.next_cursor", "cursorParam": "cursor", "sizeParam": "limit"} (styles: see the README)',
		},
		query: {
			kind: 'object',
			description: 'query parameters of the first request, e.g. {"status": "all"}',
			fallback: {},
		},
		idField: { kind: 'string', description: 'the field that identifies a record (the primary key)', fallback: 'id' },
		incremental: {
			kind: 'object',
			description:
				'records changed since the last complete run only: {"param": "updated_since", "field": "updated_at"} (the query parameter, the records\' last-changed field); {} copies every record',
			fallback: {},
		},
		pageSize: { kind: 'integer', min: 1, max: 100_000, description: 'records asked for per page', fallback: 100 },
		pagesPerExecution: {
			kind: 'integer',
			min: 1,
			max: 100_000,
			description: 'pages one page-worker execution copies (its cursor committed with each page)',
			fallback: 50,
		},
		samplePages: {
			kind: 'integer',
			min: 1,
			max: 1000,
			description: 'pages Map reads to infer the columns',
			fallback: 5,
		},
		verifyPages: {
			kind: 'integer',
			min: 0,
			max: 1000,
			description: 'pages fetched again after the copy and compared with the rows value by value',
			fallback: 2,
		},
		requestsPerSecond: {
			kind: 'integer',
			min: 0,
			max: 100_000,
			description: "requests a second at most (0: only the API's own rate-limit headers slow the run)",
			fallback: 0,
		},
		burst: {
			kind: 'integer',
			min: 1,
			max: 10_000,
			description: 'requests sent at once before the rate applies',
			fallback: 1,
		},
		maxRetries: {
			kind: 'integer',
			min: 0,
			max: 100,
			description: 'retries of a request on 429, 502, 503, 504, a timeout or a dropped connection',
			fallback: 8,
		},
		batchSize: DB_MIGRATION_SETTINGS.fields.batchSize,
		keepSnapshotDays: DB_MIGRATION_SETTINGS.fields.keepSnapshotDays,
		onValidationFailure: DB_MIGRATION_SETTINGS.fields.onValidationFailure,
		typeOverrides: DB_MIGRATION_SETTINGS.fields.typeOverrides,
		invalidValues: DB_MIGRATION_SETTINGS.fields.invalidValues,
		flatten: {
			...DB_MIGRATION_SETTINGS.fields.flatten,
			description: 'true to flatten nested objects into one column per leaf',
		},
		arrays: {
			...DB_MIGRATION_SETTINGS.fields.arrays,
			description: 'array fields as one JSON column, or as child tables',
		},
		separator: DB_MIGRATION_SETTINGS.fields.separator,
		answerAtOnce,
	},
};

const text = (description: string, fallback = ''): SettingSpec => ({ kind: 'string', description, fallback });
const count = (description: string, min: number, max: number, fallback: number): SettingSpec => ({
	kind: 'integer',
	description,
	min,
	max,
	fallback,
});

/** A file storage run: prefixes, chunking, concurrency and parts, verification, rollback. Stores and folders are the workflow's, never the caller's. */
export const FILE_MIGRATION_SETTINGS: SettingsSchema = {
	runName: 'migration',
	fields: {
		migration: DB_MIGRATION_SETTINGS.fields.migration,
		title: text('what moved where, in the report, e.g. "S3 → Google Cloud Storage"', 'Files'),
		sourcePrefix: text('keys under this prefix of the source bucket or folder ("" for all), e.g. "invoices/2024/"'),
		destinationPrefix: text('put before each key\'s part after the source prefix, e.g. "archive/"'),
		filesPerChunk: count('objects per chunk', 1, 1_000_000, 1000),
		mbPerChunk: count('megabytes per chunk (one larger object is a chunk of its own)', 1, 10_000_000, 1024),
		concurrency: count('objects copied at once', 1, 64, 8),
		partSizeMb: count('multipart part size in MB (an object up to one part goes in one request)', 5, 5120, 16),
		queueSize: count('parts of one object in flight', 1, 32, 4),
		keepOverwritten: {
			kind: 'boolean',
			description: 'true to keep what the run overwrites and record what it creates, so a failed run is rolled back',
			fallback: true,
		},
		checkSourceEtag: {
			kind: 'boolean',
			description: "true to check the bytes read against the source's MD5 ETags (false for SSE-KMS or SSE-C buckets)",
			fallback: true,
		},
		verify: {
			kind: 'choice',
			choices: ['checksum', 'size'],
			description: '"checksum" reads every object on both sides after the copy; "size" compares the listings only',
			fallback: 'checksum',
		},
		onValidationFailure: DB_MIGRATION_SETTINGS.fields.onValidationFailure,
		keepBackups: {
			kind: 'boolean',
			description:
				'true to keep what the run overwrote after a successful run (Rollback → Restore Objects can undo it later)',
			fallback: false,
		},
	},
};

/** A platform → platform run: the destination's owner, the source projects, who posts for unmatched users, rollback. Platforms are the workflow's credentials, never the caller's. */
export const PLATFORM_MIGRATION_SETTINGS: SettingsSchema = {
	runName: 'migration',
	fields: {
		migration: DB_MIGRATION_SETTINGS.fields.migration,
		title: text('what moved where, in the report, e.g. "Redmine → Gitea"', 'Platform'),
		owner: text('the destination organization the projects go into (made when missing)', 'migrated'),
		projects: {
			kind: 'string list',
			description: 'the source projects to migrate, by identifier; [] for every project the key sees',
			fallback: [],
		},
		fallbackUser: text('who posts for an author without a match on the destination ("" for the token\'s owner)'),
		onValidationFailure: DB_MIGRATION_SETTINGS.fields.onValidationFailure,
		answerAtOnce,
	},
};

export const SETTINGS_SCHEMAS = {
	dbMigration: DB_MIGRATION_SETTINGS,
	zeroDowntime: ZERO_DOWNTIME_SETTINGS,
	apiMigration: API_MIGRATION_SETTINGS,
	fileMigration: FILE_MIGRATION_SETTINGS,
	platformMigration: PLATFORM_MIGRATION_SETTINGS,
};
export type SettingsSchemaName = keyof typeof SETTINGS_SCHEMAS;

export interface DbMigrationSettings {
	migration: string;
	/** Empty when allTables: Map Schema then takes every table. */
	tables: string[];
	allTables: boolean;
	rowsPerChunk: number;
	batchSize: number;
	keepSnapshotDays: number;
	onValidationFailure: 'rollback' | 'keep';
	typeOverrides: Record<string, string>;
	invalidValues: Record<string, 'reject' | 'null'>;
	flatten: boolean;
	arrays: 'json' | 'childTables';
	separator: string;
	dryRun: boolean;
	plan: boolean;
	sampleRows: number;
	withSync: boolean;
	changesPerHour: number;
	fanOut: boolean;
	chunksAtOnce: number;
	leaseSeconds: number;
	chunkWebhookUrl: string;
	answerAtOnce: boolean;
}

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The accepted settings, one line each, for a refusal's message and the README. */
export function describeSettings(schema: SettingsSchema = DB_MIGRATION_SETTINGS): string[] {
	return Object.entries(schema.fields).map(([name, spec]) => {
		const range =
			spec.kind === 'choice'
				? ` (${spec.choices!.map((c) => `"${c}"`).join(' | ')})`
				: spec.kind === 'choice map'
					? ` (values ${spec.choices!.map((c) => `"${c}"`).join(' | ')})`
					: spec.kind === 'integer'
						? ` (${spec.min}–${spec.max})`
						: '';
		return `${name}: ${spec.kind === 'run name' ? 'string' : spec.kind}${range}, ${spec.description}`;
	});
}

function checkValue(name: string, spec: SettingSpec, value: unknown, refuse: (m: string) => never): unknown {
	const shown = JSON.stringify(value)?.slice(0, 60);
	switch (spec.kind) {
		case 'run name':
			if (typeof value !== 'string') refuse(`"${name}" must be a string, not ${shown}`);
			if (!RUN_NAME.test(value) || value.length > spec.max!)
				refuse(`"${name}" ${shown} is not a run name (letters, digits, . _ -, at most ${spec.max})`);
			return value;
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
		case 'choice map': {
			if (!value || typeof value !== 'object' || Array.isArray(value))
				refuse(`"${name}" must be an object, e.g. {"orders.note": "${spec.choices![0]}"}, not ${shown}`);
			for (const [key, v] of Object.entries(value as Record<string, unknown>))
				if (typeof v !== 'string' || !spec.choices!.includes(v))
					refuse(
						`"${name}" gives "${key.slice(0, 60)}" ${JSON.stringify(v)?.slice(0, 40)}; each value must be one of ${spec.choices!.map((c) => `"${c}"`).join(', ')}`,
					);
			return value;
		}
		case 'object':
			if (!value || typeof value !== 'object' || Array.isArray(value))
				refuse(`"${name}" must be a JSON object, not ${shown}`);
			return value;
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
 * A run's settings by a schema: the request's (null: none, use the defaults as they are) over the
 * defaults over the schema's fallbacks. A request must name its tables, or say "allTables": true
 * where the schema offers it.
 */
export function checkSettings(
	schema: SettingsSchema,
	request: unknown,
	defaults: Record<string, unknown>,
	destination: IdentifierLimit,
): Record<string, unknown> {
	const refuse = (message: string): never => {
		throw new RequestError(`${message}. Accepted settings: ${describeSettings(schema).join('; ')}`);
	};
	if (request !== null && request !== undefined && (typeof request !== 'object' || Array.isArray(request)))
		refuse(`The settings must be a JSON object, not ${JSON.stringify(request)?.slice(0, 60)}`);
	const given = (request ?? null) as Record<string, unknown> | null;
	for (const source of given ? [defaults, given] : [defaults]) {
		const unknown = Object.keys(source).filter((k) => !(k in schema.fields));
		if (unknown.length)
			refuse(`Unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k.slice(0, 60)}"`).join(', ')}`);
	}
	const merged: Record<string, unknown> = { ...defaults, ...(given ?? {}) };
	// A caller names the tables; the template's default list serves only runs nobody configured (Manual, Schedule).
	if (given && given.tables === undefined) delete merged.tables;
	if (given && 'table' in schema.fields && given.table === undefined) delete merged.table;
	const out: Record<string, unknown> = {};
	for (const [name, spec] of Object.entries(schema.fields))
		out[name] = merged[name] !== undefined ? checkValue(name, spec, merged[name], refuse) : spec.fallback;
	if ('tables' in schema.fields) checkTables(out, 'allTables' in schema.fields, destination, refuse);
	else if ('table' in schema.fields) checkTableName(out.table, destination, refuse);
	if (out[schema.runName] === undefined) refuse(`Name the run ("${schema.runName}": "…")`);
	return out;
}

/** A run of several tables names them (or says "allTables": true where the schema offers it), each within the destination's limit. */
function checkTables(
	out: Record<string, unknown>,
	offersAll: boolean,
	destination: IdentifierLimit,
	refuse: (m: string) => never,
) {
	const tables = (out.tables as string[] | undefined) ?? [];
	out.tables = tables;
	if (out.allTables === true && tables.length) refuse('Give either "tables" or "allTables": true, not both');
	if (out.allTables !== true && !tables.length)
		refuse(
			`Name the tables to migrate ("tables": ["customers"])${offersAll ? ', or say "allTables": true to migrate every table' : ''}`,
		);
	if (new Set(tables).size !== tables.length)
		refuse(`"tables" names a table twice: ${JSON.stringify(tables).slice(0, 120)}`);
	for (const table of tables) checkTableName(table, destination, refuse);
}

/** One table's name: given, and within the destination's identifier limit. */
function checkTableName(table: unknown, destination: IdentifierLimit, refuse: (m: string) => never) {
	if (typeof table !== 'string' || !table.trim()) refuse('Name the table the records land in ("table": "customers")');
	const length = identifierLength(table as string, destination.unit);
	if (length > destination.length)
		refuse(
			`Table name "${(table as string).slice(0, 80)}" is ${length} ${destination.unit} long; the destination keeps names of at most ${destination.length} ${destination.unit}`,
		);
}

/** The settings of a DB→DB migration run. */
export function checkRunSettings(
	request: unknown,
	defaults: Record<string, unknown>,
	destination: IdentifierLimit,
): DbMigrationSettings {
	return checkSettings(DB_MIGRATION_SETTINGS, request, defaults, destination) as unknown as DbMigrationSettings;
}
