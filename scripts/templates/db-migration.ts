/**
 * The DB→DB migration templates, one per pair (pairs.ts): a main workflow (Manual, Webhook, Schedule
 * and calling-workflow triggers → settings → map → create tables → plan chunks → skip done ones → one
 * chunk-worker execution per chunk → validate → report) and its chunk worker (read chunk → load
 * chunk), which saves no execution data on success.
 */
import {
	answerFailures,
	boolIf,
	branches,
	credential,
	link,
	node,
	respond,
	sourceCredential,
	webhook,
	workflow,
	type Section,
	WORKER_SETTINGS,
	WEBHOOK_KEY,
} from './dsl';
import type { Pair } from './pairs';
import type { System } from './dsl';

/** The defaults of a template's run (Manual, Schedule), and what a caller leaves out except the tables. */
const runDefaults = (pair: Pair) => ({
	migration: pair.slug,
	tables: pair.tables,
	rowsPerChunk: 10000,
	batchSize: 5000,
	keepSnapshotDays: 7,
	onValidationFailure: 'rollback',
	typeOverrides: {},
	invalidValues: {},
	flatten: false,
	arrays: 'json',
	separator: '_',
	rowsAsItems: false,
	fanOut: false,
	chunksAtOnce: 4,
	dryRun: false,
	plan: false,
	sampleRows: 1000,
});

/** Steps whose failure is answered with the step and the reason (their error output goes to Step Failed). */
const ANSWERED_STEPS = [
	'Map Schema',
	'Migration Plan',
	'Plan Documents',
	'Dry Run',
	'Dry Run Documents',
	'Run Documents',
	'Snapshot Destination',
	'Create Tables',
	'Plan Chunks',
	'Skip Done Chunks',
	'Fan Out Chunks',
	'Send Chunks',
	'Restore Destination',
	'Add Foreign Keys',
	'Fingerprint Source',
	'Compare Destination',
	'Verify Rows',
	'Restore After Validation',
	'Migration Report',
	'Discard Old Snapshots',
];

/** What the shared sections of a migration template need to know of it (a DB pair, or an API → database template). */
export interface Target {
	slug: string;
	mainId: string;
	destination: System;
	/** The settings schema its Settings step checks (core/settings/run-settings.ts). */
	schema: 'dbMigration' | 'apiMigration' | 'fileMigration' | 'platformMigration';
	defaults: object;
	/** The Settings step's database credential, when not the destination's (a platform run's state database). */
	settingsCredentials?: object;
}

const dbTarget = (pair: Pair): Target => ({ ...pair, schema: 'dbMigration', defaults: runDefaults(pair) });

/**
 * Triggers, the caller's request, its settings checked first (refused: 400), and the answer at once
 * (202) if asked. A template without a destination database (files) checks its settings without one.
 */
export const entry = (pair: Omit<Target, 'destination'> & { destination?: System }, first: string): Section => ({
	nodes: [
		node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
		webhook(
			'Webhook',
			[0, 200],
			{ httpMethod: 'POST', path: `data-migration/${pair.slug}`, responseMode: 'responseNode', options: {} },
			{ webhookId: `${pair.mainId}-hook` },
		),
		node('Schedule', 'n8n-nodes-base.scheduleTrigger', 1.2, [0, 400], {
			rule: { interval: [{ field: 'cronExpression', expression: '0 2 * * *' }] },
		}),
		// The backfill of the zero-downtime templates calls this workflow with its settings as the item.
		node('When Called by Another Workflow', 'n8n-nodes-base.executeWorkflowTrigger', 1, [0, 600], {}),
		// What a caller asked for: the Webhook's body, a calling workflow's item. Manual and Schedule ask nothing.
		node('From Webhook', 'n8n-nodes-base.set', 3.4, [120, 300], {
			mode: 'raw',
			jsonOutput: '={{ JSON.stringify({ request: $json.body ?? {} }) }}',
			options: {},
		}),
		node('From Caller', 'n8n-nodes-base.set', 3.4, [120, 600], {
			mode: 'raw',
			jsonOutput: '={{ JSON.stringify({ request: $json }) }}',
			options: {},
		}),
		node(
			'Settings',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[240, 200],
			{
				operation: 'checkSettings',
				...(pair.destination ? { system: pair.destination } : {}),
				...(pair.schema === 'dbMigration' ? {} : { schema: pair.schema }),
				request: '={{ $json.request ?? null }}',
				// Edit these for runs by Manual or Schedule; a Webhook caller names its tables.
				defaults: JSON.stringify(pair.defaults),
			},
			{
				...(pair.destination
					? { credentials: pair.settingsCredentials ?? credential(pair.destination, 'Destination') }
					: {}),
				onError: 'continueErrorOutput',
			},
		),
		boolIf('Answer at Once?', [360, 100], '={{ $json.answerAtOnce === true }}'),
		// A long run's caller is answered now and follows the run on the status webhook.
		respond(
			'Accepted',
			[480, -100],
			202,
			"={{ JSON.stringify({ migration: $json.migration, status: 'RUNNING', statusUrl: '/webhook/data-migration/status?migration=' + encodeURIComponent($json.migration) }) }}",
		),
		respond(
			'Refused Settings',
			[480, 0],
			400,
			"={{ JSON.stringify({ status: 'REFUSED', error: $json.error, nothingWritten: true }) }}",
		),
		node('Settings Refused', 'n8n-nodes-base.stopAndError', 1, [720, 0], { errorMessage: '={{ $json.error }}' }),
	],
	connections: {
		'Manual Trigger': link('Settings'),
		Webhook: link('From Webhook'),
		'From Webhook': link('Settings'),
		Schedule: link('Settings'),
		'When Called by Another Workflow': link('From Caller'),
		'From Caller': link('Settings'),
		Settings: branches('Answer at Once?', 'Refused Settings'),
		'Answer at Once?': branches('Accepted', first),
		Accepted: link(first),
		'Refused Settings': link('Settings Refused'),
	},
});

/** Map, snapshot, create, plan, skip the done chunks, one chunk-worker execution per chunk. */
const copy = (pair: Pair): Section => ({
	nodes: [
		node(
			'Map Schema',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[480, 200],
			{
				operation: 'map',
				system: pair.source,
				tables: '={{ $json.tables }}',
				// The caller's (or the Settings defaults') type overrides, invalid-value policies and document shape.
				overrides: '={{ JSON.stringify($json.typeOverrides) }}',
				policies: '={{ JSON.stringify($json.invalidValues) }}',
				flatten: '={{ $json.flatten }}',
				arrays: '={{ $json.arrays }}',
				separator: '={{ $json.separator }}',
			},
			{ credentials: credential(pair.source, 'Source') },
		),
		// A dry run writes nothing to the real tables: it branches off before the snapshot.
		boolIf('Dry Run?', [600, 400], "={{ $('Settings').first().json.dryRun === true }}"),
		node(
			'Snapshot Destination',
			'n8n-nodes-data-migration.rollback',
			1,
			[720, 200],
			{
				operation: 'snapshot',
				system: pair.destination,
				migration: "={{ $('Settings').first().json.migration }}",
				tables:
					"={{ $('Map Schema').all().flatMap((item) => [item.json.destinationTable, ...(item.json.children ?? []).map((child) => child.table)]) }}",
			},
			// Before anything is written: what each table held, or that the migration creates it.
			{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
		),
		node(
			'Create Tables',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[960, 200],
			{
				operation: 'applyDdl',
				system: pair.destination,
				auditMigration: "={{ $('Settings').first().json.migration }}",
				mappings: "={{ $('Map Schema').all().map((item) => item.json) }}",
			},
			{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
		),
		node(
			'Plan Chunks',
			'n8n-nodes-data-migration.batchExtract',
			1,
			[1200, 200],
			{
				operation: 'plan',
				system: pair.source,
				table: '={{ $json.sourceTable }}',
				migration: "={{ $('Settings').first().json.migration }}",
				rowsPerChunk: "={{ $('Settings').first().json.rowsPerChunk }}",
				// Carried on every chunk item, so the chunk worker reads and loads rows as Map designed them.
				flatten: "={{ $('Settings').first().json.flatten }}",
				separator: "={{ $('Settings').first().json.separator }}",
				childTables: "={{ $('Settings').first().json.arrays === 'childTables' }}",
				// Which path the chunk worker takes: streamed in Copy Chunk, or rows as n8n items.
				rowsAsItems: "={{ $('Settings').first().json.rowsAsItems }}",
			},
			{ credentials: credential(pair.source, 'Source') },
		),
		node(
			'Skip Done Chunks',
			'n8n-nodes-data-migration.batchLoad',
			1,
			[1440, 200],
			{ operation: 'skipDone', system: pair.destination },
			{ credentials: credential(pair.destination, 'Destination') },
		),
		node(
			'Copy Chunk',
			'n8n-nodes-base.executeWorkflow',
			1.3,
			[1680, 200],
			{
				source: 'database',
				workflowId: { __rl: true, value: pair.workerId, mode: 'id' },
				mode: 'each',
				options: { waitForSubWorkflow: true },
			},
			// A chunk that fails for good (the worker retries its read and load) goes to the error output.
			{ onError: 'continueErrorOutput' },
		),
		...fanOutNodes(pair),
	],
	connections: {
		'Map Schema': link('Dry Run?'),
		'Dry Run?': branches('Dry Run', 'Snapshot Destination'),
		'Snapshot Destination': link('Create Tables'),
		'Create Tables': link('Plan Chunks'),
		'Plan Chunks': {
			main: [
				[
					{ node: 'Skip Done Chunks', type: 'main', index: 0 },
					{ node: 'Add Foreign Keys', type: 'main', index: 0 },
				],
			],
		},
		// Output 1 is Rejected (never used here): the step's error output (added by answerFailures) is output 2.
		'Skip Done Chunks': { main: [[{ node: 'Fan Out?', type: 'main', index: 0 }], []] },
		'Fan Out?': branches('Fan Out Chunks', 'Copy Chunk'),
		'Copy Chunk': { main: [[], [{ node: 'Only Connections Lost?', type: 'main', index: 0 }]] },
		// The loop: the chunks to send now → their executions started → back to wait for the next ones.
		'Fan Out Chunks': branches('Send Chunks', 'Only Connections Lost?'),
		'Send Chunks': link('Fan Out Chunks'),
	},
});

/** The chunks that failed for good: Copy Chunk's error output, or those Fan Out Chunks gave up on. */
const FAILED_CHUNKS = "($('Fan Out Chunks').isExecuted ? $('Fan Out Chunks').all(1) : $('Copy Chunk').all(1))";

/**
 * fanOut: each chunk an execution of its own, started by the chunk webhook (in queue mode n8n puts
 * it on Redis and any worker takes it), at most chunksAtOnce out; the run waits for the checkpoints.
 */
const fanOutNodes = (pair: Pair) => [
	boolIf('Fan Out?', [1560, 60], `={{ ${SETTINGS}.fanOut === true }}`),
	node(
		'Fan Out Chunks',
		'n8n-nodes-data-migration.batchLoad',
		1,
		[1680, -60],
		{
			operation: 'fanOut',
			system: pair.destination,
			concurrency: `={{ ${SETTINGS}.chunksAtOnce }}`,
			leaseSeconds: `={{ ${SETTINGS}.leaseSeconds }}`,
			claimSeconds: `={{ Math.max(10, 2 * ${SETTINGS}.leaseSeconds) }}`,
			maxAttempts: 3,
		},
		{ credentials: credential(pair.destination, 'Destination') },
	),
	node(
		'Send Chunks',
		'n8n-nodes-base.httpRequest',
		4.2,
		[1560, -200],
		{
			method: 'POST',
			// The chunk webhook as this n8n reaches it: its own webhook base (WEBHOOK_URL), unless the run says.
			url: `={{ ${SETTINGS}.chunkWebhookUrl || $execution.resumeUrl.split('/webhook-waiting/')[0] + '/webhook/${chunkWebhookPath(pair)}' }}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: { timeout: 30000 },
		},
		// The webhook key the templates' Webhooks check: the chunk webhook refuses anyone without it.
		{ credentials: WEBHOOK_KEY },
	),
];

/** The chunk webhook's path (under n8n's `/webhook/`). */
const chunkWebhookPath = (pair: Pair) => `data-migration/${pair.slug}-chunk`;

const SETTINGS = "$('Settings').first().json";
const MAPPINGS = "={{ $('Map Schema').all().map((item) => item.json) }}";

/** Sample Run: the settings a Migration Plan and a Dry Run share. */
const sampleParameters = (pair: Pair) => ({
	system: pair.destination,
	sourceSystem: pair.source,
	migration: `={{ ${SETTINGS}.migration }}`,
	sampleRows: `={{ ${SETTINGS}.sampleRows }}`,
	batchSize: `={{ ${SETTINGS}.batchSize }}`,
});

/** The documents of a step, as the answer carries them: which, its file name, Markdown and HTML. */
const DOCUMENTS = (step: string) =>
	`$('${step}').all().map((item) => ({ document: item.json.document, title: item.json.title, fileName: item.json.fileName, markdown: item.json.markdown, html: item.json.html }))`;

/** plan: true answers with the measured plan and its documents; dryRun: true with the dry run's report. Neither touches the real tables. */
const planning = (pair: Pair): Section => ({
	nodes: [
		node(
			'Migration Plan',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[600, 1200],
			{
				operation: 'plan',
				...sampleParameters(pair),
				// It maps each table itself: one that cannot be mapped is a risk of the plan, not its end.
				sourceTables: `={{ ${SETTINGS}.tables }}`,
				overrides: `={{ JSON.stringify(${SETTINGS}.typeOverrides) }}`,
				policies: `={{ JSON.stringify(${SETTINGS}.invalidValues) }}`,
				flatten: `={{ ${SETTINGS}.flatten }}`,
				arrays: `={{ ${SETTINGS}.arrays }}`,
				separator: `={{ ${SETTINGS}.separator }}`,
				rowsPerChunk: `={{ ${SETTINGS}.rowsPerChunk }}`,
				withSync: `={{ ${SETTINGS}.withSync }}`,
				changesPerHour: `={{ ${SETTINGS}.changesPerHour }}`,
				keepSnapshotDays: `={{ ${SETTINGS}.keepSnapshotDays }}`,
			},
			{
				credentials: { ...credential(pair.destination, 'Destination'), ...sourceCredential(pair.source) },
				executeOnce: true,
			},
		),
		node(
			'Plan Documents',
			'n8n-nodes-data-migration.validate',
			1,
			[840, 1200],
			{
				operation: 'documents',
				system: pair.destination,
				migration: `={{ ${SETTINGS}.migration }}`,
				documents: ['assessment', 'mapping', 'transformation', 'dryRun', 'plan'],
				plan: "={{ $('Migration Plan').first().json }}",
				mappings: "={{ $('Migration Plan').first().json.mappings }}",
			},
			// Each document as Markdown and HTML, attached as binary data (download them from the execution).
			{ credentials: credential(pair.destination, 'Destination') },
		),
		node(
			'Answer with Plan',
			'n8n-nodes-base.set',
			3.4,
			[1080, 1200],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: ${SETTINGS}.migration, status: 'PLANNED', plan: (({ markdown, dryRun, assessment, existing, mappings, ...plan }) => plan)($('Migration Plan').first().json), documents: ${DOCUMENTS('Plan Documents')} }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		respond('Respond with Plan', [1320, 1200], 200),
		node(
			'Dry Run',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[840, 1400],
			{ operation: 'dryRun', ...sampleParameters(pair), mappings: MAPPINGS },
			{
				credentials: { ...credential(pair.destination, 'Destination'), ...sourceCredential(pair.source) },
				executeOnce: true,
			},
		),
		node(
			'Dry Run Documents',
			'n8n-nodes-data-migration.validate',
			1,
			[1080, 1400],
			{
				operation: 'documents',
				system: pair.destination,
				migration: `={{ ${SETTINGS}.migration }}`,
				documents: ['dryRun', 'mapping', 'transformation'],
				dryRun: "={{ $('Dry Run').first().json }}",
				mappings: MAPPINGS,
			},
			{ credentials: credential(pair.destination, 'Destination') },
		),
		node(
			'Answer Dry Run',
			'n8n-nodes-base.set',
			3.4,
			[1320, 1400],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: ${SETTINGS}.migration, status: $('Dry Run').first().json.pass ? 'DRY RUN PASSED' : 'DRY RUN FAILED', dryRun: (({ markdown, ...result }) => result)($('Dry Run').first().json), documents: ${DOCUMENTS('Dry Run Documents')} }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		// A sample that would not cross as it is: 422, with the report saying which rows and why.
		respond('Respond Dry Run', [1560, 1400], "={{ $('Dry Run').first().json.pass ? 200 : 422 }}"),
	],
	connections: {
		'Migration Plan': link('Plan Documents'),
		'Plan Documents': link('Answer with Plan'),
		'Answer with Plan': link('Respond with Plan'),
		'Dry Run': link('Dry Run Documents'),
		'Dry Run Documents': link('Answer Dry Run'),
		'Answer Dry Run': link('Respond Dry Run'),
	},
});

/** A chunk failed for good: lost connections keep the finished chunks for a rerun (503); anything else rolls back (500). */
export const chunkFailures = (pair: Pick<Target, 'destination'>, failed = "$('Copy Chunk').all(1)"): Section => ({
	nodes: [
		// Lost connections (our messages name the server as "at host:port: <cause>") keep the finished
		// chunks for a rerun with the same name; any other failure is about the data: roll back.
		boolIf(
			'Only Connections Lost?',
			[1800, -200],
			`={{ ${failed}.every((item) => / at \\S+:\\d+: /.test(String(item.json.error ?? ''))) }}`,
		),
		node(
			'Kept for Rerun',
			'n8n-nodes-base.set',
			3.4,
			[2040, -400],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'STOPPED, FINISHED CHUNKS KEPT', failedChunks: ${failed}.map((item) => ({ table: item.json.table, chunk: item.json.chunk, error: item.json.error })), rerun: 'Send the same request again (same migration name) once the server is back: finished chunks are skipped' }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		respond('Answer Kept for Rerun', [2280, -400], 503),
		node('Migration Stopped', 'n8n-nodes-base.stopAndError', 1, [2520, -400], {
			errorMessage:
				"={{ 'Migration ' + $json.migration + ' stopped: ' + $json.failedChunks.length + ' chunk(s) lost the connection (first: ' + $json.failedChunks[0].table + ' chunk ' + $json.failedChunks[0].chunk + ': ' + $json.failedChunks[0].error + '); the finished chunks are kept, rerun with the same name to resume' }}",
		}),
		node(
			'Restore Destination',
			'n8n-nodes-data-migration.rollback',
			1,
			[1920, 0],
			{ operation: 'restore', system: pair.destination, migration: "={{ $('Settings').first().json.migration }}" },
			{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
		),
		node(
			'Rollback Report',
			'n8n-nodes-base.set',
			3.4,
			[2160, 0],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'ROLLED BACK', failedChunks: ${failed}.map((item) => ({ table: item.json.table, chunk: item.json.chunk, range: item.json.range, error: item.json.error })), rolledBack: $input.all().map((item) => item.json) }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		node('Migration Failed', 'n8n-nodes-base.stopAndError', 1, [2400, 0], {
			errorMessage:
				"={{ 'Migration ' + $json.migration + ' failed (' + $json.failedChunks.length + ' chunk(s); first: ' + $json.failedChunks[0].table + ' chunk ' + $json.failedChunks[0].chunk + ': ' + $json.failedChunks[0].error + ') and was rolled back: ' + $json.rolledBack.map((t) => t.table + ' ' + t.action).join(', ') }}",
		}),
		respond('Answer Rolled Back', [2400, -200], 500),
	],
	connections: {
		'Only Connections Lost?': branches('Kept for Rerun', 'Restore Destination'),
		'Kept for Rerun': link('Answer Kept for Rerun'),
		'Answer Kept for Rerun': link('Migration Stopped'),
		'Restore Destination': link('Rollback Report'),
		'Rollback Report': link('Answer Rolled Back'),
		'Answer Rolled Back': link('Migration Failed'),
	},
});

/** Foreign keys after the load, then Fingerprint → Compare → Verify Rows; a failed validation rolls back or keeps the data (422). */
const validation = (pair: Pair): Section => ({
	nodes: [
		node(
			'Add Foreign Keys',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[1440, 500],
			{
				operation: 'applyForeignKeys',
				system: pair.destination,
				auditMigration: "={{ $('Settings').first().json.migration }}",
				mappings: "={{ $('Map Schema').all().map((item) => item.json) }}",
			},
			// Runs once, after the chunk branch above has finished (v1 execution order): keys go on after the load.
			{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
		),
		node(
			'Fingerprint Source',
			'n8n-nodes-data-migration.validate',
			1,
			[1680, 500],
			{
				operation: 'fingerprint',
				system: pair.source,
				tables: "={{ $('Map Schema').all().map((item) => item.json.table) }}",
				segmentRows: 10000,
				sampleSize: 100,
				sampleAtMostTable: true,
				seed: 1,
				// Same engine on both sides: every column hashed in SQL (a double's bytes, jsonb's text).
				digest: pair.source === pair.destination ? 'native' : 'portable',
			},
			{ credentials: credential(pair.source, 'Source'), executeOnce: true },
		),
		node(
			'Compare Destination',
			'n8n-nodes-data-migration.validate',
			1,
			[1920, 500],
			{
				operation: 'compare',
				system: pair.destination,
				maxDiffRows: 100000,
				auditMigration: "={{ $('Settings').first().json.migration }}",
			},
			{ credentials: credential(pair.destination, 'Destination') },
		),
		node(
			'Verify Rows',
			'n8n-nodes-data-migration.validate',
			1,
			[2160, 500],
			{ operation: 'verify', system: pair.source, onFailure: 'route' },
			{ credentials: credential(pair.source, 'Source') },
		),
	],
	connections: {
		'Add Foreign Keys': link('Fingerprint Source'),
		'Fingerprint Source': link('Compare Destination'),
		'Compare Destination': link('Verify Rows'),
		'Verify Rows': branches('Migration Report', 'Roll Back?'),
	},
});

/** A failed validation (the verifier's Invalid output → Roll Back?): restored and answered 500, or the data kept and answered 422, each with its report. */
export const failedValidation = (pair: Pick<Target, 'destination'>, verifier = 'Verify Rows'): Section => ({
	nodes: [
		respond('Answer Validation Rolled Back', [3120, 400], 422),
		respond('Answer Data Kept', [2880, 800], 422),
		node(
			'Roll Back?',
			'n8n-nodes-base.if',
			2.2,
			[2400, 700],
			{
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: 'rollback-on-invalid',
							leftValue: "={{ $('Settings').first().json.onValidationFailure }}",
							rightValue: 'keep',
							operator: { type: 'string', operation: 'notEquals' },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
			{ executeOnce: true },
		),
		node(
			'Restore After Validation',
			'n8n-nodes-data-migration.rollback',
			1,
			[2640, 600],
			{ operation: 'restore', system: pair.destination, migration: "={{ $('Settings').first().json.migration }}" },
			{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
		),
		// Every outcome has its report: the checks, the rejects (kept through the rollback) and the verdict.
		reportNode(pair, 'Report, Rolled Back', [2760, 600], verifier),
		node(
			'Validation Rollback Report',
			'n8n-nodes-base.set',
			3.4,
			[2880, 600],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'ROLLED BACK', failedChecks: $('${verifier}').all(1).filter((item) => !item.json.pass).map((item) => item.json), rolledBack: $('Restore After Validation').all().map((item) => item.json), report: $json }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		node('Validation Failed', 'n8n-nodes-base.stopAndError', 1, [3120, 600], {
			errorMessage:
				"={{ 'Migration ' + $json.migration + ' failed validation (' + $json.failedChecks.map((c) => c.table + ' ' + c.check).join(', ') + ') and was rolled back: ' + $json.rolledBack.map((t) => t.table + ' ' + t.action).join(', ') }}",
		}),
		reportNode(pair, 'Report, Data Kept', [2520, 800], verifier),
		node(
			'Validation Failed, Data Kept',
			'n8n-nodes-base.set',
			3.4,
			[2640, 800],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'VALIDATION FAILED (data kept: roll back with workflows/rollback.json)', failedChecks: $('${verifier}').all(1).filter((item) => !item.json.pass).map((item) => item.json), report: $json }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		// A calling workflow (the zero-downtime backfill) gets this item as the answer it must read; any
		// other run has answered its caller (422) and ends failed, never as a plain success.
		boolIf('Called by a Workflow?', [2880, 900], "={{ $('When Called by Another Workflow').isExecuted }}"),
		node('Validation Failed (Data Kept)', 'n8n-nodes-base.stopAndError', 1, [3120, 800], {
			errorMessage:
				"={{ 'Migration ' + $json.migration + ' failed validation (' + $json.failedChecks.map((c) => c.table + ' ' + c.check).join(', ') + '); the data is kept: roll back with workflows/rollback.json' }}",
		}),
	],
	connections: {
		'Roll Back?': branches('Restore After Validation', 'Report, Data Kept'),
		'Restore After Validation': link('Report, Rolled Back'),
		'Report, Rolled Back': link('Validation Rollback Report'),
		'Validation Rollback Report': link('Answer Validation Rolled Back'),
		'Answer Validation Rolled Back': link('Validation Failed'),
		'Report, Data Kept': link('Validation Failed, Data Kept'),
		'Validation Failed, Data Kept': link('Answer Data Kept'),
		'Answer Data Kept': link('Called by a Workflow?'),
		'Called by a Workflow?': { main: [[], [{ node: 'Validation Failed (Data Kept)', type: 'main', index: 0 }]] },
	},
});

/** The report of a run that failed validation: Verify Rows' checks, whatever the node's input is. */
const reportNode = (pair: Pick<Target, 'destination'>, name: string, position: [number, number], verifier: string) =>
	node(
		name,
		'n8n-nodes-data-migration.validate',
		1,
		position,
		{
			operation: 'report',
			system: pair.destination,
			migration: "={{ $('Settings').first().json.migration }}",
			checks: `={{ $('${verifier}').all(1).map((item) => item.json) }}`,
		},
		{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
	);

/**
 * The migration report, old snapshots discarded, and the report as the answer (200). With
 * `documents`, the run's documents (mapping, transformations, rollback procedure, verification) are
 * written after the report and carried in the answer.
 */
export const report = (pair: Pick<Target, 'destination'>, title?: string, documents = false): Section => ({
	nodes: [
		respond('Respond with Report', [3120, 200], 200),
		node(
			'Migration Report',
			'n8n-nodes-data-migration.validate',
			1,
			[2400, 400],
			{
				operation: 'report',
				system: pair.destination,
				migration: "={{ $('Settings').first().json.migration }}",
				...(title ? { title } : {}),
			},
			// Takes every check of Verify Rows; the HTML report is attached as binary data.
			{ credentials: credential(pair.destination, 'Destination') },
		),
		...(documents
			? [
					node(
						'Run Documents',
						'n8n-nodes-data-migration.validate',
						1,
						[2520, 260],
						{
							operation: 'documents',
							system: pair.destination,
							migration: `={{ ${SETTINGS}.migration }}`,
							documents: ['mapping', 'transformation', 'rollback', 'verification'],
							mappings: MAPPINGS,
							report: "={{ $('Migration Report').first().json }}",
						},
						{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
					),
				]
			: []),
		node(
			'Discard Old Snapshots',
			'n8n-nodes-data-migration.rollback',
			1,
			[2640, 400],
			{
				operation: 'discard',
				system: pair.destination,
				discardRun: '',
				auditMigration: "={{ $('Settings').first().json.migration }}",
				keepDays: "={{ $('Settings').first().json.keepSnapshotDays }}",
			},
			// The rollback period: this run's snapshot stays restorable (workflows/rollback-*.json) for that many days.
			{ credentials: credential(pair.destination, 'Destination'), executeOnce: true },
		),
		// The last node answers the Webhook and the calling workflow: the migration report (JSON, its Markdown inside).
		node(
			'Answer with Report',
			'n8n-nodes-base.set',
			3.4,
			[2880, 400],
			{
				mode: 'raw',
				jsonOutput: documents
					? `={{ JSON.stringify({ ...$('Migration Report').first().json, documents: ${DOCUMENTS('Run Documents')} }) }}`
					: "={{ JSON.stringify($('Migration Report').first().json) }}",
				options: {},
			},
			{ executeOnce: true },
		),
	],
	connections: {
		...(documents
			? { 'Migration Report': link('Run Documents'), 'Run Documents': link('Discard Old Snapshots') }
			: { 'Migration Report': link('Discard Old Snapshots') }),
		'Discard Old Snapshots': link('Answer with Report'),
		'Answer with Report': link('Respond with Report'),
	},
});

export function migration(pair: Pair) {
	const whole = workflow(
		{
			id: pair.mainId,
			name: `Data migration: ${pair.title}`,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			generatedBy: 'db-migration.ts',
		},
		entry(dbTarget(pair), 'Plan Only?'),
		{
			// A plan writes nothing to the real tables: it maps, samples and measures on its own.
			nodes: [boolIf('Plan Only?', [360, 440], '={{ $json.plan === true }}')],
			connections: { 'Plan Only?': branches('Migration Plan', 'Map Schema') },
		},
		copy(pair),
		chunkFailures(pair, FAILED_CHUNKS),
		planning(pair),
		validation(pair),
		failedValidation(pair),
		report(pair, undefined, true),
	);
	// Every step that can fail is retried twice (a dropped connection is reopened; each step is safe to
	// repeat), then answers the caller with its reason instead of n8n's bare "Error in workflow".
	return answerFailures(whole, ANSWERED_STEPS, {
		settings: 'Settings',
		field: 'migration',
		label: 'Migration',
		position: [2640, 1000],
	});
}

export function chunkWorker(pair: Pair) {
	return workflow(
		{
			id: pair.workerId,
			name: `Data migration: ${pair.title} (chunk worker)`,
			// Memory stays O(chunk): a successful chunk keeps no execution data.
			settings: WORKER_SETTINGS,
			generatedBy: 'db-migration.ts',
		},
		{
			nodes: [
				node('When Executed by Another Workflow', 'n8n-nodes-base.executeWorkflowTrigger', 1, [0, 0], {}),
				boolIf('Rows as Items?', [240, 0], '={{ $json.shape?.rowsAsItems === true }}'),
				node(
					'Stream Chunk',
					'n8n-nodes-data-migration.batchLoad',
					1,
					[480, -120],
					{
						operation: 'copy',
						system: pair.destination,
						sourceSystem: pair.source,
						table: '={{ $json.table }}',
						chunk: '={{ $json }}',
						mode: 'upsert',
						batchSize: 5000,
						readAhead: 1,
						concurrency: 1,
					},
					// The fast path: the chunk streams source → destination in this one step (no item per row).
					// A transient failure is retried on fresh connections; upserts and the checkpoint make a retry exact.
					{
						credentials: { ...credential(pair.destination, 'Destination'), ...sourceCredential(pair.source) },
						retryOnFail: true,
						maxTries: 5,
						waitBetweenTries: 2000,
					},
				),
				node(
					'Read Chunk',
					'n8n-nodes-data-migration.batchExtract',
					1,
					[480, 120],
					{
						operation: 'read',
						system: pair.source,
						table: '={{ $json.table }}',
						range: '={{ $json.range }}',
						batchSize: 5000,
						flatten: '={{ !!$json.shape?.flatten }}',
						separator: "={{ $json.shape?.flatten ?? '_' }}",
					},
					// A dropped connection, a restart or a failover is ridden out: the read is retried on a fresh connection.
					{
						credentials: credential(pair.source, 'Source'),
						alwaysOutputData: true,
						retryOnFail: true,
						maxTries: 5,
						waitBetweenTries: 2000,
					},
				),
				node(
					'Load Chunk',
					'n8n-nodes-data-migration.batchLoad',
					1,
					[720, 120],
					{
						operation: 'load',
						system: pair.destination,
						table: "={{ $('When Executed by Another Workflow').first().json.table }}",
						mode: 'upsert',
						batchSize: 5000,
						arrays:
							"={{ $('When Executed by Another Workflow').first().json.shape?.childTables ? 'childTables' : 'asGiven' }}",
						recordChunk: true,
						chunk: "={{ $('When Executed by Another Workflow').first().json }}",
					},
					// A transient failure is retried on a fresh connection (upserts and the checkpoint make a retry exact);
					// a lasting one fails the chunk after 5 tries, 2 s apart (the node's Settings: Retry On Fail).
					{
						credentials: credential(pair.destination, 'Destination'),
						retryOnFail: true,
						maxTries: 5,
						waitBetweenTries: 2000,
					},
				),
			],
			connections: {
				'When Executed by Another Workflow': link('Rows as Items?'),
				'Rows as Items?': branches('Read Chunk', 'Stream Chunk'),
				'Read Chunk': link('Load Chunk'),
			},
		},
	);
}

/**
 * The chunk webhook: one chunk of a fanOut run (Fan Out Chunks' Send Chunks) as an execution of its
 * own. It answers at once (in queue mode the execution waits in Redis for any worker), copies the
 * chunk through the chunk worker under the chunk's lease, and records a failure for good where the
 * waiting run reads it. Its executions are kept: n8n's list shows each chunk and the worker that
 * copied it.
 */
export function chunkWebhook(pair: Pair) {
	return workflow(
		{
			id: pair.hookId,
			name: `Data migration: ${pair.title} (chunk webhook)`,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveManualExecutions: false },
			generatedBy: 'db-migration.ts',
		},
		{
			nodes: [
				webhook(
					'Chunk Webhook',
					[0, 0],
					{ httpMethod: 'POST', path: chunkWebhookPath(pair), responseMode: 'onReceived', options: {} },
					{ webhookId: `${pair.hookId}-hook` },
				),
				node('Chunk from Request', 'n8n-nodes-base.set', 3.4, [240, 0], {
					mode: 'raw',
					jsonOutput: '={{ JSON.stringify($json.body) }}',
					options: {},
				}),
				node(
					'Copy Chunk',
					'n8n-nodes-base.executeWorkflow',
					1.3,
					[480, 0],
					{
						source: 'database',
						workflowId: { __rl: true, value: pair.workerId, mode: 'id' },
						mode: 'each',
						options: { waitForSubWorkflow: true },
					},
					{ onError: 'continueErrorOutput' },
				),
				node(
					'Record Chunk Failure',
					'n8n-nodes-data-migration.batchLoad',
					1,
					[720, 200],
					{
						operation: 'recordFailure',
						system: pair.destination,
						chunk: "={{ $('Chunk from Request').first().json }}",
						error: '={{ $json.error }}',
					},
					{
						credentials: credential(pair.destination, 'Destination'),
						retryOnFail: true,
						maxTries: 5,
						waitBetweenTries: 2000,
					},
				),
				node('Chunk Failed', 'n8n-nodes-base.stopAndError', 1, [960, 200], {
					errorMessage:
						"={{ 'Chunk ' + $json.chunk + ' of ' + $json.table + ' (' + $json.migration + ') failed: ' + $json.error }}",
				}),
			],
			connections: {
				'Chunk Webhook': link('Chunk from Request'),
				'Chunk from Request': link('Copy Chunk'),
				'Copy Chunk': { main: [[], [{ node: 'Record Chunk Failure', type: 'main', index: 0 }]] },
				'Record Chunk Failure': link('Chunk Failed'),
			},
		},
	);
}
