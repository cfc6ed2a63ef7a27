/**
 * Writes the DB→DB template workflows (workflows/*.json) from one shape, so the four pairs stay
 * alike: a main workflow (Manual, Webhook and Schedule triggers → map → create tables → plan
 * chunks → skip done ones → one chunk-worker execution per chunk) and its chunk worker
 * (read chunk → load chunk), which saves no execution data on success. Run: npx tsx scripts/build-templates.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zeroDowntimeTemplates } from './zero-downtime-templates';

export type System = 'postgres' | 'mysql' | 'mongodb';
const CREDENTIAL: Record<System, { type: string; name: string }> = {
	postgres: { type: 'migrationPostgresApi', name: 'PostgreSQL' },
	mysql: { type: 'migrationMySqlApi', name: 'MySQL / MariaDB' },
	mongodb: { type: 'migrationMongoDbApi', name: 'MongoDB' },
};

export interface Pair {
	slug: string;
	title: string;
	source: System;
	destination: System;
	mainId: string;
	workerId: string;
	tables: string[];
}

export const PAIRS: Pair[] = [
	{
		slug: 'mysql-to-postgres',
		title: 'MySQL → PostgreSQL',
		source: 'mysql',
		destination: 'postgres',
		mainId: 'dmMysqlToPgMain1',
		workerId: 'dmMysqlToPgWork1',
		tables: ['customers'],
	},
	{
		slug: 'postgres-to-mysql',
		title: 'PostgreSQL → MySQL',
		source: 'postgres',
		destination: 'mysql',
		mainId: 'dmPgToMysqlMain1',
		workerId: 'dmPgToMysqlWork1',
		tables: ['customers'],
	},
	{
		slug: 'mongodb-to-postgres',
		title: 'MongoDB → PostgreSQL',
		source: 'mongodb',
		destination: 'postgres',
		mainId: 'dmMongoToPgMain1',
		workerId: 'dmMongoToPgWork1',
		tables: ['customers'],
	},
	{
		slug: 'postgres-to-postgres',
		title: 'PostgreSQL → PostgreSQL',
		source: 'postgres',
		destination: 'postgres',
		mainId: 'dmPgToPgMain0001',
		workerId: 'dmPgToPgWork0001',
		tables: ['customers'],
	},
];

export function credential(system: System, role: 'Source' | 'Destination') {
	const c = CREDENTIAL[system];
	return { [c.type]: { id: `dm${role}${system}`, name: `${role} ${c.name}` } };
}

export const node = (
	name: string,
	type: string,
	typeVersion: number,
	position: [number, number],
	parameters: object,
	extra: object = {},
) => ({
	id: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
	name,
	type,
	typeVersion,
	position,
	parameters,
	...extra,
});
/**
 * The credential every template webhook checks (n8n's Header Auth): a caller without its header
 * and value gets 403 and starts nothing. The user sets it once; see the README's Security section.
 */
export const WEBHOOK_KEY = { httpHeaderAuth: { id: 'dmWebhookKey0001', name: 'Data migration webhook key' } };

/** That credential as `n8n import:credentials` takes it: requests must carry this header with this value. */
export const webhookKeyCredential = (header: string, value: string) => ({
	...WEBHOOK_KEY.httpHeaderAuth,
	type: 'httpHeaderAuth',
	data: { name: header, value },
});

/** A Webhook trigger that only answers callers with the webhook key. */
export const webhook = (
	name: string,
	position: [number, number],
	parameters: { httpMethod: string; path: string; responseMode: string; options: object },
	extra: { webhookId: string },
) =>
	node(
		name,
		'n8n-nodes-base.webhook',
		2,
		position,
		{ authentication: 'headerAuth', ...parameters },
		{
			...extra,
			credentials: WEBHOOK_KEY,
		},
	);

/** An If node on one boolean expression: true on output 0, false on output 1. */
export const boolIf = (name: string, position: [number, number], expression: string) =>
	node(name, 'n8n-nodes-base.if', 2.2, position, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: [
				{
					id: `${name}-condition`,
					leftValue: expression,
					rightValue: '',
					operator: { type: 'boolean', operation: 'true', singleValue: true },
				},
			],
			combinator: 'and',
		},
		options: {},
	});

export const link = (to: string) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
/** One target per output, e.g. Valid and Invalid, or a step's success and error outputs. */
export const branches = (...targets: string[]) => ({
	main: targets.map((to) => [{ node: to, type: 'main', index: 0 }]),
});

/** The defaults of a template's run (Manual, Schedule), and what a caller leaves out except the tables. */
const runDefaults = (pair: Pair) => ({
	migration: pair.slug,
	tables: pair.tables,
	rowsPerChunk: 10000,
	batchSize: 5000,
	keepSnapshotDays: 7,
	onValidationFailure: 'rollback',
});

/** Answers the Webhook caller (a no-op for Manual, Schedule and calling workflows). */
export const respond = (name: string, position: [number, number], responseCode: number | string, body?: string) =>
	node(
		name,
		'n8n-nodes-base.respondToWebhook',
		1.1,
		position,
		body
			? { respondWith: 'json', responseBody: body, options: { responseCode } }
			: { respondWith: 'firstIncomingItem', options: { responseCode } },
	);

/** Steps whose failure is answered with the step and the reason (their error output goes to Step Failed). */
const ANSWERED_STEPS = [
	'Map Schema',
	'Snapshot Destination',
	'Create Tables',
	'Plan Chunks',
	'Skip Done Chunks',
	'Restore Destination',
	'Add Foreign Keys',
	'Fingerprint Source',
	'Compare Destination',
	'Verify Rows',
	'Restore After Validation',
	'Migration Report',
	'Discard Old Snapshots',
];

type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
interface Workflow {
	nodes: Array<ReturnType<typeof node>>;
	connections: Connections;
}

/**
 * Every listed step answers its failure instead of n8n's bare "Error in workflow": its error output
 * goes to Step Failed (the run's name, the step, the reason), answered 500, then the execution fails.
 * Steps safe to repeat are retried twice first (a dropped connection is reopened).
 */
export function answerFailures(
	workflow: Workflow,
	steps: Array<string | { step: string; retry: false }>,
	run: { prefix?: string; settings: string; field: string; label: string; position: [number, number] },
) {
	const [x, y] = run.position;
	const [failed, answer, stop] = ['Step Failed', 'Answer Failure', 'Failed at Step'].map(
		(n) => `${run.prefix ?? ''}${n}`,
	);
	workflow.nodes.push(
		node(
			failed,
			'n8n-nodes-base.set',
			3.4,
			[x, y],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ ${run.field}: $('${run.settings}').first().json.${run.field}, status: 'FAILED', step: $prevNode.name, error: $json.error }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		respond(answer, [x + 240, y], 500),
		node(stop, 'n8n-nodes-base.stopAndError', 1, [x + 480, y], {
			errorMessage: `={{ '${run.label} ' + $json.${run.field} + ' failed at ' + $json.step + ': ' + $json.error }}`,
		}),
	);
	workflow.connections[failed] = link(answer);
	workflow.connections[answer] = link(stop);
	for (const entry of steps) {
		const step = typeof entry === 'string' ? entry : entry.step;
		const found = workflow.nodes.find((n) => n.name === step);
		if (!found) throw new Error(`template ${JSON.stringify(workflow.nodes[0]?.name)} has no step ${step}`);
		Object.assign(
			found,
			{ onError: 'continueErrorOutput' },
			typeof entry === 'string' ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 2000 } : {},
		);
		workflow.connections[step] = {
			main: [...(workflow.connections[step]?.main ?? [[]]), ...branches(failed).main],
		};
	}
	return workflow;
}

function main(pair: Pair) {
	return answerFailures(mainWorkflow(pair) as Workflow, ANSWERED_STEPS, {
		settings: 'Settings',
		field: 'migration',
		label: 'Migration',
		position: [2640, 1000],
	});
}

function mainWorkflow(pair: Pair) {
	return {
		id: pair.mainId,
		name: `Data migration: ${pair.title}`,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
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
					system: pair.destination,
					request: '={{ $json.request ?? null }}',
					// Edit these for runs by Manual or Schedule; a Webhook caller names its tables.
					defaults: JSON.stringify(runDefaults(pair)),
				},
				{ credentials: credential(pair.destination, 'Destination'), onError: 'continueErrorOutput' },
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
			node(
				'Map Schema',
				'n8n-nodes-data-migration.schemaMapper',
				1,
				[480, 200],
				{ operation: 'map', system: pair.source, tables: '={{ $json.tables }}', overrides: '{}' },
				{ credentials: credential(pair.source, 'Source') },
			),
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
			// Lost connections (our messages name the server as "at host:port: <cause>") keep the finished
			// chunks for a rerun with the same name; any other failure is about the data: roll back.
			boolIf(
				'Only Connections Lost?',
				[1800, -200],
				"={{ $('Copy Chunk').all(1).every((item) => / at \\S+:\\d+: /.test(String(item.json.error ?? ''))) }}",
			),
			node(
				'Kept for Rerun',
				'n8n-nodes-base.set',
				3.4,
				[2040, -400],
				{
					mode: 'raw',
					jsonOutput:
						"={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'STOPPED, FINISHED CHUNKS KEPT', failedChunks: $('Copy Chunk').all(1).map((item) => ({ table: item.json.table, chunk: item.json.chunk, error: item.json.error })), rerun: 'Send the same request again (same migration name) once the server is back: finished chunks are skipped' }) }}",
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
					jsonOutput:
						"={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'ROLLED BACK', failedChunks: $('Copy Chunk').all(1).map((item) => ({ table: item.json.table, chunk: item.json.chunk, range: item.json.range, error: item.json.error })), rolledBack: $input.all().map((item) => item.json) }) }}",
					options: {},
				},
				{ executeOnce: true },
			),
			node('Migration Failed', 'n8n-nodes-base.stopAndError', 1, [2400, 0], {
				errorMessage:
					"={{ 'Migration ' + $json.migration + ' failed (' + $json.failedChunks.length + ' chunk(s); first: ' + $json.failedChunks[0].table + ' chunk ' + $json.failedChunks[0].chunk + ': ' + $json.failedChunks[0].error + ') and was rolled back: ' + $json.rolledBack.map((t) => t.table + ' ' + t.action).join(', ') }}",
			}),
			respond('Answer Rolled Back', [2400, -200], 500),
			respond('Answer Validation Rolled Back', [3120, 400], 422),
			respond('Answer Data Kept', [2880, 800], 422),
			respond('Respond with Report', [3120, 200], 200),
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
			node(
				'Validation Rollback Report',
				'n8n-nodes-base.set',
				3.4,
				[2880, 600],
				{
					mode: 'raw',
					jsonOutput:
						"={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'ROLLED BACK', failedChecks: $('Verify Rows').all(1).filter((item) => !item.json.pass).map((item) => item.json), rolledBack: $input.all().map((item) => item.json) }) }}",
					options: {},
				},
				{ executeOnce: true },
			),
			node('Validation Failed', 'n8n-nodes-base.stopAndError', 1, [3120, 600], {
				errorMessage:
					"={{ 'Migration ' + $json.migration + ' failed validation (' + $json.failedChecks.map((c) => c.table + ' ' + c.check).join(', ') + ') and was rolled back: ' + $json.rolledBack.map((t) => t.table + ' ' + t.action).join(', ') }}",
			}),
			node(
				'Validation Failed, Data Kept',
				'n8n-nodes-base.set',
				3.4,
				[2640, 800],
				{
					mode: 'raw',
					jsonOutput:
						"={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'VALIDATION FAILED (data kept: roll back with workflows/rollback.json)', failedChecks: $('Verify Rows').all(1).filter((item) => !item.json.pass).map((item) => item.json) }) }}",
					options: {},
				},
				{ executeOnce: true },
			),
			node(
				'Migration Report',
				'n8n-nodes-data-migration.validate',
				1,
				[2400, 400],
				{ operation: 'report', system: pair.destination, migration: "={{ $('Settings').first().json.migration }}" },
				// Takes every check of Verify Rows; the HTML report is attached as binary data.
				{ credentials: credential(pair.destination, 'Destination') },
			),
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
				{ mode: 'raw', jsonOutput: "={{ JSON.stringify($('Migration Report').first().json) }}", options: {} },
				{ executeOnce: true },
			),
		],
		connections: {
			'Manual Trigger': link('Settings'),
			Webhook: link('From Webhook'),
			'From Webhook': link('Settings'),
			Schedule: link('Settings'),
			'When Called by Another Workflow': link('From Caller'),
			'From Caller': link('Settings'),
			Settings: branches('Answer at Once?', 'Refused Settings'),
			'Answer at Once?': branches('Accepted', 'Map Schema'),
			Accepted: link('Map Schema'),
			'Refused Settings': link('Settings Refused'),
			'Map Schema': link('Snapshot Destination'),
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
			'Skip Done Chunks': link('Copy Chunk'),
			'Copy Chunk': { main: [[], [{ node: 'Only Connections Lost?', type: 'main', index: 0 }]] },
			'Only Connections Lost?': branches('Kept for Rerun', 'Restore Destination'),
			'Kept for Rerun': link('Answer Kept for Rerun'),
			'Answer Kept for Rerun': link('Migration Stopped'),
			'Restore Destination': link('Rollback Report'),
			'Rollback Report': link('Answer Rolled Back'),
			'Answer Rolled Back': link('Migration Failed'),
			'Add Foreign Keys': link('Fingerprint Source'),
			'Fingerprint Source': link('Compare Destination'),
			'Compare Destination': link('Verify Rows'),
			'Verify Rows': branches('Migration Report', 'Roll Back?'),
			'Roll Back?': branches('Restore After Validation', 'Validation Failed, Data Kept'),
			'Migration Report': link('Discard Old Snapshots'),
			'Discard Old Snapshots': link('Answer with Report'),
			'Restore After Validation': link('Validation Rollback Report'),
			'Validation Rollback Report': link('Answer Validation Rolled Back'),
			'Answer Validation Rolled Back': link('Validation Failed'),
			'Validation Failed, Data Kept': link('Answer Data Kept'),
			'Answer with Report': link('Respond with Report'),
		},
	};
}

function worker(pair: Pair) {
	return {
		id: pair.workerId,
		name: `Data migration: ${pair.title} (chunk worker)`,
		active: false,
		// Memory stays O(chunk): a successful chunk keeps no execution data.
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'none',
			saveManualExecutions: false,
			callerPolicy: 'workflowsFromSameOwner',
		},
		nodes: [
			node('When Executed by Another Workflow', 'n8n-nodes-base.executeWorkflowTrigger', 1, [0, 0], {}),
			node(
				'Read Chunk',
				'n8n-nodes-data-migration.batchExtract',
				1,
				[240, 0],
				{
					operation: 'read',
					system: pair.source,
					table: '={{ $json.table }}',
					range: '={{ $json.range }}',
					batchSize: 5000,
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
				[480, 0],
				{
					operation: 'load',
					system: pair.destination,
					table: "={{ $('When Executed by Another Workflow').first().json.table }}",
					mode: 'upsert',
					batchSize: 5000,
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
		connections: { 'When Executed by Another Workflow': link('Read Chunk'), 'Read Chunk': link('Load Chunk') },
	};
}

/**
 * Restores a named migration run to its snapshot, by hand (the run named in Settings) or by Webhook
 * ({"migration": "…"}, required). The caller learns what happened: 200 and what was restored, 400
 * without a run name, 404 when no snapshot of that run is kept (unknown run, or its rollback period
 * ended and the snapshot was discarded).
 */
function rollback() {
	return {
		id: 'dmRollbackRun001',
		name: 'Data migration: roll back a run',
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		nodes: [
			node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
			webhook(
				'Webhook',
				[0, 200],
				{ httpMethod: 'POST', path: 'data-migration/rollback', responseMode: 'responseNode', options: {} },
				{ webhookId: 'dmRollbackRun001-hook' },
			),
			node('Settings', 'n8n-nodes-base.set', 3.4, [240, 100], {
				mode: 'raw',
				// By hand: the run named here. By Webhook: the body must name it; there is no default.
				jsonOutput:
					"={{ JSON.stringify({ migration: $json.body ? $json.body.migration ?? null : 'mysql-to-postgres' }) }}",
				options: {},
			}),
			boolIf('Run Named?', [480, 100], "={{ typeof $json.migration === 'string' && $json.migration.trim() !== '' }}"),
			respond(
				'No Run Named',
				[720, 300],
				400,
				'={{ JSON.stringify({ status: \'REFUSED\', error: \'Name the run to roll back: {"migration": "<run name>"} (the Migration Name of its chunks)\' }) }}',
			),
			node(
				'Restore Destination',
				'n8n-nodes-data-migration.rollback',
				1,
				[720, 100],
				// Switch Database (and its credential) to the destination the migration wrote to.
				{ operation: 'restore', system: 'postgres', migration: '={{ $json.migration }}' },
				{ credentials: credential('postgres', 'Destination'), executeOnce: true, onError: 'continueErrorOutput' },
			),
			respond(
				'Nothing to Restore',
				[960, 300],
				404,
				"={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'NOT ROLLED BACK', error: $json.error }) }}",
			),
			node(
				'Rollback Report',
				'n8n-nodes-base.set',
				3.4,
				[960, 100],
				{
					mode: 'raw',
					jsonOutput:
						"={{ JSON.stringify({ migration: $('Settings').first().json.migration, status: 'ROLLED BACK', rolledBack: $input.all().map((item) => item.json) }) }}",
					options: {},
				},
				{ executeOnce: true },
			),
			respond('Rolled Back', [1200, 100], 200),
		],
		connections: {
			'Manual Trigger': link('Settings'),
			Webhook: link('Settings'),
			Settings: link('Run Named?'),
			'Run Named?': branches('Restore Destination', 'No Run Named'),
			'Restore Destination': branches('Rollback Report', 'Nothing to Restore'),
			'Rollback Report': link('Rolled Back'),
		},
	};
}

/** Live progress of a run: GET /webhook/data-migration/status?migration=… (or Manual with the default name). */
function status() {
	return {
		id: 'dmStatusOfRun001',
		name: 'Data migration: status of a run',
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false },
		nodes: [
			node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
			webhook(
				'Webhook',
				[0, 200],
				{ httpMethod: 'GET', path: 'data-migration/status', responseMode: 'responseNode', options: {} },
				{ webhookId: 'dmStatusOfRun001-hook' },
			),
			node(
				'Status',
				'n8n-nodes-data-migration.validate',
				1,
				[240, 100],
				// Switch Database (and its credential) to the destination the migration writes to.
				{ operation: 'status', system: 'postgres', migration: "={{ $json.query?.migration ?? 'mysql-to-postgres' }}" },
				{ credentials: credential('postgres', 'Destination'), onError: 'continueErrorOutput' },
			),
			respond('Answer Status', [480, 0], 200),
			respond(
				'Status Failed',
				[480, 200],
				'={{ / at \\S+:\\d+: /.test($json.error) ? 503 : 500 }}',
				"={{ JSON.stringify({ migration: $('Webhook').isExecuted ? $('Webhook').first().json.query?.migration ?? null : null, status: 'UNKNOWN', error: $json.error }) }}",
			),
		],
		connections: {
			'Manual Trigger': link('Status'),
			Webhook: link('Status'),
			Status: branches('Answer Status', 'Status Failed'),
		},
	};
}

/** Every template workflow by its file name in workflows/ (without .json). */
export function allTemplates(): Array<[string, object]> {
	return [
		['migration-status', status()],
		['rollback', rollback()],
		...PAIRS.flatMap(
			(pair): Array<[string, object]> => [
				[pair.slug, main(pair)],
				[`${pair.slug}-chunk-worker`, worker(pair)],
			],
		),
		...zeroDowntimeTemplates(PAIRS[0]),
	];
}

if (require.main === module)
	for (const [file, workflow] of allTemplates())
		writeFileSync(join(__dirname, '../workflows', `${file}.json`), JSON.stringify(workflow, null, '\t') + '\n');
