/**
 * The REST API → database templates: a main workflow (Manual, Webhook, Schedule and calling-workflow
 * triggers → settings → Map API Resource → snapshot → create the table → page-worker executions in
 * a loop until the last page → Verify API Copy → report) and its page worker (Copy API Pages: N
 * pages from the run's committed cursor, each page's cursor committed with its rows).
 */
import { chunkFailures, entry, failedValidation, report, type Target } from './db-migration';
import {
	answerFailures,
	boolIf,
	credential,
	link,
	node,
	workflow,
	type Section,
	type System,
	WORKER_SETTINGS,
} from './dsl';

export interface ApiTemplate {
	slug: string;
	title: string;
	destination: System;
	mainId: string;
	workerId: string;
}

export const API_TEMPLATES: ApiTemplate[] = [
	{
		slug: 'rest-api-to-postgres',
		title: 'REST API → PostgreSQL',
		destination: 'postgres',
		mainId: 'dmApiToPgMain001',
		workerId: 'dmApiToPgWork001',
	},
	{
		slug: 'rest-api-to-mysql',
		title: 'REST API → MySQL',
		destination: 'mysql',
		mainId: 'dmApiToMyMain001',
		workerId: 'dmApiToMyWork001',
	},
];

/** The REST API credential every API step uses. */
export const REST_CREDENTIAL = { migrationRestApi: { id: 'dmRestApiSource1', name: 'Source REST API' } };

/**
 * A run nobody configured (Manual, Schedule) reads these: a json-server-style API (a root array,
 * `_page` and `_limit`); a Webhook caller sends its own resource and pagination.
 */
const runDefaults = (t: ApiTemplate) => ({
	migration: t.slug,
	apiName: 'REST API',
	table: 'records',
	resource: '/records',
	recordsPath: '',
	pagination: { style: 'pageNumber', pageParam: '_page', firstPage: 1, sizeParam: '_limit' },
	query: {},
	idField: 'id',
	incremental: {},
	pageSize: 100,
	pagesPerExecution: 50,
	samplePages: 5,
	verifyPages: 2,
	requestsPerSecond: 0,
	burst: 1,
	maxRetries: 8,
	batchSize: 5000,
	keepSnapshotDays: 7,
	onValidationFailure: 'rollback',
	typeOverrides: {},
	invalidValues: {},
	flatten: false,
	arrays: 'json',
	separator: '_',
});

const target = (t: ApiTemplate): Target => ({ ...t, schema: 'apiMigration', defaults: runDefaults(t) });

const ANSWERED_STEPS = [
	'Map API Resource',
	'Snapshot Destination',
	'Create Tables',
	'Restore Destination',
	'Verify API Copy',
	'Restore After Validation',
	'Migration Report',
	'Discard Old Snapshots',
];

/** The resource parameters of an API step, from the run's settings (`from` names where they are). */
const resource = (from: string) => ({
	resourcePath: `={{ ${from}.resource }}`,
	recordsPath: `={{ ${from}.recordsPath }}`,
	pagination: `={{ JSON.stringify(${from}.pagination) }}`,
	pageSize: `={{ ${from}.pageSize }}`,
	query: `={{ JSON.stringify(${from}.query) }}`,
	sinceParam: `={{ ${from}.incremental?.param ?? '' }}`,
	limits: {
		requestsPerSecond: `={{ ${from}.requestsPerSecond }}`,
		burst: `={{ ${from}.burst }}`,
		maxRetries: `={{ ${from}.maxRetries }}`,
	},
});

const SETTINGS = "$('Settings').first().json";

/** Map the resource, snapshot, create the table, then page-worker executions until the last page is in. */
const copy = (t: ApiTemplate): Section => ({
	nodes: [
		node(
			'Map API Resource',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[480, 200],
			{
				operation: 'mapApi',
				tableName: '={{ $json.table }}',
				...resource('$json'),
				idField: '={{ $json.idField }}',
				samplePages: '={{ $json.samplePages }}',
				overrides: '={{ JSON.stringify($json.typeOverrides) }}',
				policies: '={{ JSON.stringify($json.invalidValues) }}',
				flatten: '={{ $json.flatten }}',
				arrays: '={{ $json.arrays }}',
				separator: '={{ $json.separator }}',
			},
			{ credentials: REST_CREDENTIAL },
		),
		node(
			'Snapshot Destination',
			'n8n-nodes-data-migration.rollback',
			1,
			[720, 200],
			{
				operation: 'snapshot',
				system: t.destination,
				migration: `={{ ${SETTINGS}.migration }}`,
				tables:
					"={{ $('Map API Resource').all().flatMap((item) => [item.json.destinationTable, ...(item.json.children ?? []).map((child) => child.table)]) }}",
			},
			{ credentials: credential(t.destination, 'Destination'), executeOnce: true },
		),
		node(
			'Create Tables',
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[960, 200],
			{
				operation: 'applyDdl',
				system: t.destination,
				auditMigration: `={{ ${SETTINGS}.migration }}`,
				mappings: "={{ $('Map API Resource').all().map((item) => item.json) }}",
				// One build of the other indexes over the loaded rows would need Apply Foreign Keys: an API table has none.
				indexes: 'withTable',
			},
			{ credentials: credential(t.destination, 'Destination'), executeOnce: true },
		),
		// The page worker's request: the run's settings, and where it starts (its failure names it).
		node(
			'Next Pages',
			'n8n-nodes-base.set',
			3.4,
			[1200, 200],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ ...${SETTINGS}, table: $('Map API Resource').first().json.destinationTable, chunk: 'from page ' + (($json.pagesDone ?? 0) + 1) }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		node(
			'Copy Pages',
			'n8n-nodes-base.executeWorkflow',
			1.3,
			[1440, 200],
			{
				source: 'database',
				workflowId: { __rl: true, value: t.workerId, mode: 'id' },
				mode: 'each',
				options: { waitForSubWorkflow: true },
			},
			// Pages that fail for good (the worker retries its step) go to the error output.
			{ onError: 'continueErrorOutput' },
		),
		boolIf('All Pages Copied?', [1680, 200], '={{ $json.done === true }}'),
	],
	connections: {
		'Map API Resource': link('Snapshot Destination'),
		'Snapshot Destination': link('Create Tables'),
		'Create Tables': link('Next Pages'),
		'Next Pages': link('Copy Pages'),
		'Copy Pages': {
			main: [
				[{ node: 'All Pages Copied?', type: 'main', index: 0 }],
				[{ node: 'Only Connections Lost?', type: 'main', index: 0 }],
			],
		},
		// Not yet: the next page-worker execution, from the cursor the last one committed.
		'All Pages Copied?': {
			main: [[{ node: 'Verify API Copy', type: 'main', index: 0 }], [{ node: 'Next Pages', type: 'main', index: 0 }]],
		},
	},
});

/** Records fetched vs landed, the digest as fetched vs the table's, the first pages compared again. */
const verification = (t: ApiTemplate): Section => ({
	nodes: [
		node(
			'Verify API Copy',
			'n8n-nodes-data-migration.validate',
			1,
			[1920, 200],
			{
				operation: 'verifyApi',
				system: t.destination,
				migration: `={{ ${SETTINGS}.migration }}`,
				table: "={{ $('Map API Resource').first().json.destinationTable }}",
				...resource(SETTINGS),
				samplePages: `={{ ${SETTINGS}.verifyPages }}`,
				onFailure: 'route',
			},
			{ credentials: { ...credential(t.destination, 'Destination'), ...REST_CREDENTIAL }, executeOnce: true },
		),
	],
	connections: {
		'Verify API Copy': {
			main: [[{ node: 'Migration Report', type: 'main', index: 0 }], [{ node: 'Roll Back?', type: 'main', index: 0 }]],
		},
	},
});

export function apiMigration(t: ApiTemplate) {
	const whole = workflow(
		{
			id: t.mainId,
			name: `Data migration: ${t.title}`,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			generatedBy: 'api-migration.ts',
		},
		entry(target(t), 'Map API Resource'),
		copy(t),
		chunkFailures(t, "$('Copy Pages').all(1)"),
		verification(t),
		failedValidation(t, 'Verify API Copy'),
		report(t, `={{ ${SETTINGS}.apiName + ' → ${t.title.split(' → ')[1]}' }}`),
	);
	return answerFailures(whole, ANSWERED_STEPS, {
		settings: 'Settings',
		field: 'migration',
		label: 'Migration',
		position: [2640, 1000],
	});
}

export function pageWorker(t: ApiTemplate) {
	return workflow(
		{
			id: t.workerId,
			name: `Data migration: ${t.title} (page worker)`,
			// Memory stays O(pages of one execution): a successful execution keeps no data.
			settings: WORKER_SETTINGS,
			generatedBy: 'api-migration.ts',
		},
		{
			nodes: [
				node('When Executed by Another Workflow', 'n8n-nodes-base.executeWorkflowTrigger', 1, [0, 0], {}),
				node(
					'Copy API Pages',
					'n8n-nodes-data-migration.batchLoad',
					1,
					[240, 0],
					{
						operation: 'copyPages',
						system: t.destination,
						migration: '={{ $json.migration }}',
						table: '={{ $json.table }}',
						...resource('$json'),
						pages: '={{ $json.pagesPerExecution }}',
						watermarkField: "={{ $json.incremental?.field ?? '' }}",
						mode: 'upsert',
						batchSize: '={{ $json.batchSize }}',
						arrays: "={{ $json.arrays === 'childTables' ? 'childTables' : 'asGiven' }}",
					},
					// A transient failure is retried: the page that was being written is read again from its committed cursor.
					{
						credentials: { ...credential(t.destination, 'Destination'), ...REST_CREDENTIAL },
						retryOnFail: true,
						maxTries: 5,
						waitBetweenTries: 2000,
					},
				),
			],
			connections: { 'When Executed by Another Workflow': link('Copy API Pages') },
		},
	);
}
