/**
 * The zero-downtime templates for one DB→DB pair: the main workflow (backfill through the pair's
 * migration template, then a sync every minute and a cutover-readiness verdict), its sync worker
 * (one table: lease → read changes → load → key-set deletes → commit, looping while more), and the
 * dual-write workflow (old database first, new one second, failures queued for replay).
 */
import {
	answerFailures,
	boolIf,
	branches,
	credential,
	link,
	node,
	respond,
	webhook,
	workflow,
	WORKER_SETTINGS,
} from './dsl';
import type { Pair } from './pairs';

const IS = 'n8n-nodes-data-migration.incrementalSync';
const TRIGGER = 'When Executed by Another Workflow';
const fromTrigger = (field: string) => `={{ $('${TRIGGER}').first().json.${field} }}`;

const ids = (pair: Pair) => ({
	main: `${pair.mainId.slice(0, 12)}ZdM`,
	worker: `${pair.mainId.slice(0, 12)}ZdW`,
	dual: `${pair.mainId.slice(0, 12)}ZdD`,
});

/** What Manual and Every Minute runs take, and what a caller leaves out except the tables (README: Run settings). */
const syncDefaults = (pair: Pair) => ({
	sync: `zero-downtime-${pair.slug}`,
	tables: pair.tables,
	cursorColumn: pair.cursorColumn,
	lagSeconds: 5,
	batchSize: 5000,
	rowsPerChunk: 10000,
	maxBatches: 20,
	deletes: 'keyset',
	softDeleteColumn: '',
	segmentRows: 10000,
	leaseSeconds: 600,
});

/**
 * One entry (backfill or sync): its trigger's request → Settings, checked before anything is
 * written (refused: 400) → answered at once (202) if asked → the flow's first step.
 */
function entry(pair: Pair, flow: 'Backfill' | 'Sync', y: number, first: string) {
	const settings = `${flow} Settings`;
	const statusUrl =
		flow === 'Backfill'
			? " statusUrl: '/webhook/data-migration/status?migration=' + encodeURIComponent($json.sync + '-backfill'),"
			: '';
	const nodes = [
		node(`From ${flow} Webhook`, 'n8n-nodes-base.set', 3.4, [120, y + 100], {
			mode: 'raw',
			jsonOutput: '={{ JSON.stringify({ request: $json.body ?? {} }) }}',
			options: {},
		}),
		node(
			settings,
			'n8n-nodes-data-migration.schemaMapper',
			1,
			[240, y],
			{
				operation: 'checkSettings',
				schema: 'zeroDowntime',
				system: pair.destination,
				request: '={{ $json.request ?? null }}',
				// Edit these for runs by Manual or Every Minute; a Webhook caller names its tables.
				defaults: JSON.stringify(syncDefaults(pair)),
			},
			{ credentials: credential(pair.destination, 'Destination'), onError: 'continueErrorOutput' },
		),
		respond(
			`Refused ${flow}`,
			[480, y + 200],
			400,
			"={{ JSON.stringify({ status: 'REFUSED', error: $json.error, nothingWritten: true }) }}",
		),
		node(`${flow} Refused`, 'n8n-nodes-base.stopAndError', 1, [720, y + 200], { errorMessage: '={{ $json.error }}' }),
		boolIf(`${flow} at Once?`, [360, y - 100], '={{ $json.answerAtOnce === true }}'),
		respond(
			`${flow} Accepted`,
			[480, y - 200],
			202,
			`={{ JSON.stringify({ sync: $json.sync, status: 'RUNNING',${statusUrl} tables: $json.tables }) }}`,
		),
	];
	const connections = {
		[`From ${flow} Webhook`]: link(settings),
		[settings]: branches(`${flow} at Once?`, `Refused ${flow}`),
		[`Refused ${flow}`]: link(`${flow} Refused`),
		[`${flow} at Once?`]: branches(`${flow} Accepted`, first),
		[`${flow} Accepted`]: link(first),
	};
	return { nodes, connections };
}

function zeroDowntime(pair: Pair) {
	const { source, destination } = pair;
	const backfill = entry(pair, 'Backfill', 100, 'Each Table');
	const sync = entry(pair, 'Sync', 700, 'Each Synced Table');
	const whole = workflow(
		{
			id: ids(pair).main,
			name: `Zero-downtime migration: ${pair.title}`,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			generatedBy: 'zero-downtime.ts',
		},
		{
			nodes: [
				node('Start Backfill', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
				webhook(
					'Backfill Webhook',
					[0, 200],
					{
						httpMethod: 'POST',
						path: `data-migration/zero-downtime-${pair.slug}/backfill`,
						responseMode: 'responseNode',
						options: {},
					},
					{ webhookId: `${ids(pair).main}-backfill` },
				),
				...backfill.nodes,
				node('Each Table', 'n8n-nodes-base.splitOut', 1, [600, 100], {
					fieldToSplitOut: 'tables',
					include: 'allOtherFields',
					options: {},
				}),
				node(
					'Mark Start',
					IS,
					1,
					[840, 100],
					{
						operation: 'markStart',
						system: source,
						sync: '={{ $json.sync }}',
						table: '={{ $json.tables }}',
						cursorColumn: '={{ $json.cursorColumn }}',
						lagSeconds: '={{ $json.lagSeconds }}',
					},
					// Before the backfill reads anything: every change made while it runs is past this position.
					{ credentials: credential(source, 'Source') },
				),
				node(
					'Commit Start',
					IS,
					1,
					[1080, 100],
					{ operation: 'commitStart', system: destination },
					{ credentials: credential(destination, 'Destination') },
				),
				node(
					'Backfill Request',
					'n8n-nodes-base.set',
					3.4,
					[1320, 100],
					{
						mode: 'raw',
						// Validation of a source still being written differs by design: the data is kept, the sync catches up.
						jsonOutput:
							"={{ JSON.stringify({ migration: $('Backfill Settings').first().json.sync + '-backfill', tables: $('Backfill Settings').first().json.tables, rowsPerChunk: $('Backfill Settings').first().json.rowsPerChunk, batchSize: $('Backfill Settings').first().json.batchSize, onValidationFailure: 'keep' }) }}",
						options: {},
					},
					{ executeOnce: true },
				),
				node('Backfill', 'n8n-nodes-base.executeWorkflow', 1.3, [1560, 100], {
					source: 'database',
					workflowId: { __rl: true, value: pair.mainId, mode: 'id' },
					mode: 'once',
					options: { waitForSubWorkflow: true },
				}),
				// The migration's own answer rides inside: its report, or its validation under live writes (data kept).
				node(
					'Backfill Done',
					'n8n-nodes-base.set',
					3.4,
					[1800, 100],
					{
						mode: 'raw',
						jsonOutput:
							"={{ JSON.stringify({ sync: $('Backfill Settings').first().json.sync, status: 'BACKFILL DONE', tables: $('Backfill Settings').first().json.tables, changedMeanwhile: String($json.status ?? '').startsWith('VALIDATION FAILED') ? (() => { const rows = ($json.failedChecks ?? []).filter((c) => c.check === 'rows').map((c) => c.details); const n = rows.reduce((sum, d) => sum + d.missingInDestination + d.extraInDestination, 0); const v = rows.reduce((sum, d) => sum + d.changedValues, 0); return 'backfill done, ' + n + ' rows added or deleted and ' + v + ' values changed meanwhile: the sync will carry them'; })() : null, next: 'sync with the same settings until it answers Ready for production cutover: YES', backfill: $json }) }}",
						options: {},
					},
					{ executeOnce: true },
				),
				respond('Answer Backfill', [2040, 100], 200),
				node('Every Minute', 'n8n-nodes-base.scheduleTrigger', 1.2, [0, 600], {
					rule: { interval: [{ field: 'minutes', minutesInterval: 1 }] },
				}),
				webhook(
					'Sync Webhook',
					[0, 800],
					{
						httpMethod: 'POST',
						path: `data-migration/zero-downtime-${pair.slug}/sync`,
						responseMode: 'responseNode',
						options: {},
					},
					{ webhookId: `${ids(pair).main}-sync` },
				),
				...sync.nodes,
				node('Each Synced Table', 'n8n-nodes-base.splitOut', 1, [600, 700], {
					fieldToSplitOut: 'tables',
					include: 'allOtherFields',
					options: {},
				}),
				node(
					'Sync Table',
					'n8n-nodes-base.executeWorkflow',
					1.3,
					[840, 700],
					{
						source: 'database',
						workflowId: { __rl: true, value: ids(pair).worker, mode: 'id' },
						mode: 'each',
						options: { waitForSubWorkflow: true },
					},
					// A table that fails keeps its watermark (the next sync reads its changes again); the caller is told.
					{ onError: 'continueErrorOutput' },
				),
				boolIf('Every Table Synced?', [1080, 600], "={{ $('Sync Table').all(1).length === 0 }}"),
				// Busy (another run holds the lease) or waiting for the backfill: nothing was read; the caller learns why.
				boolIf(
					'Any Table Not Run?',
					[1200, 450],
					"={{ $('Sync Table').all(0).some((item) => item.json.waiting !== undefined || item.json.busy !== undefined) }}",
				),
				node(
					'Sync Not Run',
					'n8n-nodes-base.set',
					3.4,
					[1440, 300],
					{
						mode: 'raw',
						jsonOutput:
							"={{ JSON.stringify({ sync: $('Sync Settings').first().json.sync, status: $('Sync Table').all(0).every((item) => item.json.waiting !== undefined) ? 'WAITING FOR THE BACKFILL' : 'BUSY', tables: $('Sync Table').all(0).map((item) => ({ table: item.json.table, synced: item.json.waiting === undefined && item.json.busy === undefined, waiting: item.json.message ?? null, busy: item.json.busy ?? null, holder: item.json.holder ?? null, until: item.json.until ?? null })) }) }}",
						options: {},
					},
					{ executeOnce: true },
				),
				respond('Answer Not Run', [1680, 300], 409),
				node(
					'Sync Failed',
					'n8n-nodes-base.set',
					3.4,
					[1080, 900],
					{
						mode: 'raw',
						jsonOutput:
							"={{ JSON.stringify({ sync: $('Sync Settings').first().json.sync, status: 'FAILED', step: 'Sync Table', failedTables: $('Sync Table').all(1).map((item) => ({ table: item.json.tables, error: item.json.error })), kept: 'a failed table keeps its watermark: the next sync reads its changes again' }) }}",
						options: {},
					},
					{ executeOnce: true },
				),
				respond('Answer Sync Failed', [1320, 900], 500),
				node('Sync Stopped', 'n8n-nodes-base.stopAndError', 1, [1560, 900], {
					errorMessage:
						"={{ 'Sync ' + $json.sync + ' failed for ' + $json.failedTables.map((t) => t.table + ': ' + t.error).join('; ') }}",
				}),
				// Dual writes still queued are rows the new database lacks: cutover waits for them.
				node(
					'Pending Replays',
					IS,
					1,
					[1320, 600],
					{
						operation: 'pendingReplays',
						system: source,
						sync: "={{ $('Sync Settings').first().json.sync }}",
						tables: "={{ $('Sync Settings').first().json.tables }}",
					},
					{ credentials: credential(source, 'Source'), executeOnce: true },
				),
				node(
					'Fingerprint Source',
					'n8n-nodes-data-migration.validate',
					1,
					[1560, 600],
					{
						operation: 'fingerprint',
						system: source,
						tables: "={{ $('Sync Settings').first().json.tables }}",
						segmentRows: 10000,
						sampleSize: 100,
						sampleAtMostTable: true,
						seed: 1,
					},
					{ credentials: credential(source, 'Source'), executeOnce: true },
				),
				node(
					'Compare Destination',
					'n8n-nodes-data-migration.validate',
					1,
					[1800, 600],
					{ operation: 'compare', system: destination, maxDiffRows: 1000 },
					{ credentials: credential(destination, 'Destination') },
				),
				node(
					'Cutover Readiness',
					IS,
					1,
					[2040, 600],
					{
						operation: 'readiness',
						system: destination,
						sync: "={{ $('Sync Settings').first().json.sync }}",
						tables: "={{ $('Sync Settings').first().json.tables }}",
						cursorColumn: "={{ $('Sync Settings').first().json.cursorColumn }}",
						replays: "={{ $('Pending Replays').first().json.replays }}",
					},
					{ credentials: credential(destination, 'Destination') },
				),
				respond('Answer Readiness', [2280, 600], 200),
			],
			connections: {
				'Start Backfill': link('Backfill Settings'),
				'Backfill Webhook': link('From Backfill Webhook'),
				...backfill.connections,
				'Each Table': link('Mark Start'),
				'Mark Start': link('Commit Start'),
				'Commit Start': link('Backfill Request'),
				'Backfill Request': link('Backfill'),
				Backfill: link('Backfill Done'),
				'Backfill Done': link('Answer Backfill'),
				'Every Minute': link('Sync Settings'),
				'Sync Webhook': link('From Sync Webhook'),
				...sync.connections,
				'Each Synced Table': link('Sync Table'),
				'Sync Table': branches('Every Table Synced?', 'Sync Failed'),
				'Every Table Synced?': branches('Any Table Not Run?'),
				'Any Table Not Run?': branches('Sync Not Run', 'Pending Replays'),
				'Pending Replays': link('Fingerprint Source'),
				'Sync Not Run': link('Answer Not Run'),
				'Sync Failed': link('Answer Sync Failed'),
				'Answer Sync Failed': link('Sync Stopped'),
				'Fingerprint Source': link('Compare Destination'),
				'Compare Destination': link('Cutover Readiness'),
				'Cutover Readiness': link('Answer Readiness'),
			},
		},
	);
	// The backfill is not repeated as a whole (the migration retries its own steps and resumes when rerun).
	answerFailures(whole, ['Mark Start', 'Commit Start', { step: 'Backfill', retry: false }], {
		prefix: 'Backfill ',
		settings: 'Backfill Settings',
		field: 'sync',
		label: 'Backfill of',
		position: [1800, 300],
	});
	return answerFailures(whole, ['Pending Replays', 'Fingerprint Source', 'Compare Destination', 'Cutover Readiness'], {
		prefix: 'Sync ',
		settings: 'Sync Settings',
		field: 'sync',
		label: 'Sync',
		position: [2040, 900],
	});
}

function syncWorker(pair: Pair) {
	const { source, destination } = pair;
	return workflow(
		{
			id: ids(pair).worker,
			name: `Zero-downtime migration: ${pair.title} (sync worker)`,
			settings: WORKER_SETTINGS,
			generatedBy: 'zero-downtime.ts',
		},
		{
			nodes: [
				node(TRIGGER, 'n8n-nodes-base.executeWorkflowTrigger', 1, [0, 0], {}),
				node(
					'Begin Sync',
					IS,
					1,
					[240, 0],
					{
						operation: 'begin',
						system: destination,
						sync: fromTrigger('sync'),
						table: fromTrigger('tables'),
						cursorColumn: fromTrigger('cursorColumn'),
						leaseSeconds: fromTrigger('leaseSeconds'),
						waitForStart: true,
					},
					{ credentials: credential(destination, 'Destination') },
				),
				node('Sync Busy', 'n8n-nodes-base.noOp', 1, [480, 200], {}),
				node(
					'Read Changes',
					IS,
					1,
					[480, 0],
					{
						operation: 'read',
						system: source,
						table: fromTrigger('tables'),
						cursorColumn: fromTrigger('cursorColumn'),
						batchSize: fromTrigger('batchSize'),
						lagSeconds: fromTrigger('lagSeconds'),
						softDeleteColumn: fromTrigger('softDeleteColumn'),
						replayQueue: true,
					},
					{ onError: 'continueErrorOutput', credentials: credential(source, 'Source') },
				),
				node(
					'Load Changes',
					'n8n-nodes-data-migration.batchLoad',
					1,
					[720, 0],
					{
						operation: 'load',
						system: destination,
						table: fromTrigger('tables'),
						mode: 'upsert',
						batchSize: 5000,
						arrays: 'asGiven',
						recordChunk: false,
					},
					{ onError: 'continueErrorOutput', credentials: credential(destination, 'Destination') },
				),
				boolIf(
					'Key-Set Deletes?',
					[960, 0],
					`={{ ${fromTrigger('deletes').slice(4, -3)} === 'keyset' && $('Read Changes').first(1).json.more === false }}`,
				),
				node(
					'Key Segments',
					IS,
					1,
					[1200, -200],
					{
						operation: 'keySegments',
						system: destination,
						table: fromTrigger('tables'),
						segmentRows: fromTrigger('segmentRows'),
					},
					{ onError: 'continueErrorOutput', credentials: credential(destination, 'Destination'), executeOnce: true },
				),
				node(
					'Changed Key Segments',
					IS,
					1,
					[1440, -200],
					{ operation: 'changedSegments', system: source },
					{ onError: 'continueErrorOutput', credentials: credential(source, 'Source'), alwaysOutputData: true },
				),
				node(
					'Delete Missing Keys',
					IS,
					1,
					[1680, -200],
					{ operation: 'deleteMissing', system: destination },
					{
						onError: 'continueErrorOutput',
						credentials: credential(destination, 'Destination'),
						alwaysOutputData: true,
					},
				),
				node(
					'Commit Watermark',
					IS,
					1,
					[1920, 0],
					{
						operation: 'commit',
						system: destination,
						table: fromTrigger('tables'),
						batch: "={{ $('Read Changes').first(1).json }}",
						rejected: "={{ $('Load Changes').last().json.rejected }}",
						leaseSeconds: fromTrigger('leaseSeconds'),
					},
					// Only after the load (and the deletes): a run killed before this reads the same batch again.
					{ onError: 'continueErrorOutput', credentials: credential(destination, 'Destination'), executeOnce: true },
				),
				node(
					'Clear Replayed',
					IS,
					1,
					[2160, 0],
					{ operation: 'clearReplayed', system: source, batch: "={{ $('Read Changes').first(1).json }}" },
					{ credentials: credential(source, 'Source') },
				),
				boolIf(
					'More?',
					[2400, 0],
					`={{ $('Commit Watermark').last().json.more === true && $runIndex + 1 < ${fromTrigger('maxBatches').slice(4, -3)} }}`,
				),
				// A step that fails gives the lease back at once, then fails the run with the step and the reason.
				node(
					'Failed Step',
					'n8n-nodes-base.set',
					3.4,
					[1920, 400],
					{
						mode: 'raw',
						jsonOutput: '={{ JSON.stringify({ step: $prevNode.name, error: $json.error }) }}',
						options: {},
					},
					{ executeOnce: true },
				),
				node(
					'Release Lease',
					IS,
					1,
					[2160, 400],
					{
						operation: 'release',
						system: destination,
						sync: fromTrigger('sync'),
						table: fromTrigger('tables'),
						owner: "={{ $('Begin Sync').last().json.owner }}",
					},
					{ credentials: credential(destination, 'Destination') },
				),
				node('Sync Step Failed', 'n8n-nodes-base.stopAndError', 1, [2400, 400], {
					errorMessage: "={{ $('Failed Step').first().json.step + ': ' + $('Failed Step').first().json.error }}",
				}),
				node('Sync Done', 'n8n-nodes-base.set', 3.4, [2640, 100], {
					mode: 'raw',
					jsonOutput: "={{ JSON.stringify($('Commit Watermark').last().json) }}",
					options: {},
				}),
			],
			connections: {
				[TRIGGER]: link('Begin Sync'),
				'Begin Sync': branches('Read Changes', 'Sync Busy'),
				'Read Changes': {
					main: [
						[{ node: 'Load Changes', type: 'main', index: 0 }],
						[],
						[{ node: 'Failed Step', type: 'main', index: 0 }],
					],
				},
				'Load Changes': {
					main: [
						[{ node: 'Key-Set Deletes?', type: 'main', index: 0 }],
						[],
						[{ node: 'Failed Step', type: 'main', index: 0 }],
					],
				},
				'Key-Set Deletes?': branches('Key Segments', 'Commit Watermark'),
				'Key Segments': branches('Changed Key Segments', 'Failed Step'),
				'Changed Key Segments': branches('Delete Missing Keys', 'Failed Step'),
				'Delete Missing Keys': branches('Commit Watermark', 'Failed Step'),
				'Commit Watermark': branches('Clear Replayed', 'Failed Step'),
				'Clear Replayed': link('More?'),
				'More?': branches('Begin Sync', 'Sync Done'),
				'Failed Step': link('Release Lease'),
				'Release Lease': link('Sync Step Failed'),
			},
		},
	);
}

function dualWrite(pair: Pair) {
	const { source, destination } = pair;
	// The request as Check Write let it through: its table, sync and rows only.
	const request = "$('Check Write').first().json";
	return workflow(
		{
			id: ids(pair).dual,
			name: `Zero-downtime migration: ${pair.title} (dual write)`,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all' },
			generatedBy: 'zero-downtime.ts',
		},
		{
			nodes: [
				webhook(
					'Write Request',
					[0, 0],
					{
						httpMethod: 'POST',
						path: `data-migration/zero-downtime-${pair.slug}/write`,
						responseMode: 'responseNode',
						options: {},
					},
					{ webhookId: `${ids(pair).dual}-write` },
				),
				node(
					'Check Write',
					IS,
					1,
					[240, 0],
					{
						operation: 'checkWrite',
						system: source,
						request: '={{ $json.body }}',
						// List what the application may write: {"customers": ["id", "name", "updated_at"]}. Empty: all refused.
						allowedWrites: '{}',
						maxRows: 1000,
						maxBodyBytes: 1048576,
						valueExcerpt: 40,
					},
					{ credentials: credential(source, 'Source'), onError: 'continueErrorOutput' },
				),
				// A request outside the settings is the caller's (400); the old database out of reach is not (503).
				respond(
					'Refused Request',
					[480, 200],
					'={{ / at \\S+:\\d+: /.test($json.error) ? 503 : 400 }}',
					"={{ JSON.stringify({ old: 'not written', new: 'not written', error: $json.error }) }}",
				),
				node('Rows', 'n8n-nodes-base.set', 3.4, [480, 0], {
					mode: 'raw',
					jsonOutput: `={{ JSON.stringify({ rows: ${request}.rows }) }}`,
					options: {},
				}),
				node('Each Row', 'n8n-nodes-base.splitOut', 1, [720, 0], { fieldToSplitOut: 'rows', options: {} }),
				node(
					'Write Old Database',
					'n8n-nodes-data-migration.batchLoad',
					1,
					[960, 0],
					{ operation: 'load', system: source, table: `={{ ${request}.table }}`, mode: 'upsert', recordChunk: false },
					// Must succeed: a failure here is answered (HTTP 500) and nothing goes to the new database.
					{ credentials: credential(source, 'Source'), onError: 'continueErrorOutput' },
				),
				respond(
					'Old Database Failed',
					[1200, 400],
					500,
					"={{ JSON.stringify({ old: 'failed', new: 'not written', error: $json.error }) }}",
				),
				node('Write Failed', 'n8n-nodes-base.stopAndError', 1, [1440, 400], {
					errorMessage: "={{ 'Dual write: the old database failed: ' + $json.error }}",
				}),
				boolIf('Old Database Took All?', [1200, 0], '={{ $json.rejected === 0 }}'),
				// Refused values are shown as a short excerpt only (Check Write's setting): the answer is no copy of the data.
				respond(
					'Refused by Old Database',
					[1440, 200],
					422,
					"={{ JSON.stringify({ old: 'refused', new: 'not written', written: $json.written, rejected: $('Write Old Database').all(1).map((item) => ({ ...item.json, value: item.json.value == null ? item.json.value : String(item.json.value).slice(0, $('Check Write').first().json.valueExcerpt) })) }) }}",
				),
				node('Rows Again', 'n8n-nodes-base.set', 3.4, [1440, 0], {
					mode: 'raw',
					jsonOutput: "={{ JSON.stringify({ rows: $('Rows').first().json.rows }) }}",
					options: {},
				}),
				node('Each Row Again', 'n8n-nodes-base.splitOut', 1, [1680, 0], { fieldToSplitOut: 'rows', options: {} }),
				node(
					'Write New Database',
					'n8n-nodes-data-migration.batchLoad',
					1,
					[1920, 0],
					{
						operation: 'load',
						system: destination,
						table: `={{ ${request}.table }}`,
						mode: 'upsert',
						recordChunk: false,
					},
					// A failure here is not the caller's: the rows go to the replay queue and the next sync writes them.
					{ credentials: credential(destination, 'Destination'), onError: 'continueErrorOutput' },
				),
				// The new database's answer, row by row: all written, or some refused (each with its reason) and queued.
				boolIf('New Database Took All?', [2160, -100], '={{ $json.rejected === 0 }}'),
				respond(
					'Written to Both',
					[2400, -200],
					200,
					"={{ JSON.stringify({ old: 'written', new: 'written', rows: $json.written }) }}",
				),
				node('Refused Rows', 'n8n-nodes-base.set', 3.4, [2400, 0], {
					mode: 'raw',
					jsonOutput: "={{ JSON.stringify({ refused: $('Write New Database').all(1).map((item) => item.json) }) }}",
					options: {},
				}),
				node('Each Refused Row', 'n8n-nodes-base.splitOut', 1, [2640, 0], { fieldToSplitOut: 'refused', options: {} }),
				node(
					'Queue Replay',
					IS,
					1,
					[2160, 200],
					{
						operation: 'queueReplay',
						system: source,
						sync: `={{ ${request}.sync ?? 'zero-downtime-${pair.slug}' }}`,
						table: `={{ ${request}.table }}`,
					},
					// The rows are in the old database only: if even the queue fails, the caller must know.
					{ credentials: credential(source, 'Source'), onError: 'continueErrorOutput' },
				),
				respond(
					'Replay Not Queued',
					[2400, 400],
					500,
					"={{ JSON.stringify({ old: 'written', new: 'not written', replay: 'not queued', error: $json.error }) }}",
				),
				node('Queue Failed', 'n8n-nodes-base.stopAndError', 1, [2640, 400], {
					errorMessage:
						"={{ 'Dual write: written to the old database only, and the replay queue failed: ' + $json.error }}",
				}),
				respond(
					'Queued for Replay',
					[2400, 200],
					200,
					"={{ JSON.stringify({ old: 'written', new: $('Write New Database').all(2).length ? 'queued for replay' : 'partly written, the refused rows queued for replay', written: $('Write New Database').all(0).reduce((n, item) => n + (item.json.written ?? 0), 0), queued: $json.queued, refused: $('Write New Database').all(1).map((item) => ({ key: item.json.key, column: item.json.column, reason: item.json.reason })), error: $('Write New Database').all(2)[0]?.json.error ?? null }) }}",
				),
			],
			connections: {
				'Write Request': link('Check Write'),
				'Check Write': branches('Rows', 'Refused Request'),
				Rows: link('Each Row'),
				'Each Row': link('Write Old Database'),
				// Output 1 (the rejected rows) is read by Refused by Old Database; output 2 is the error.
				'Write Old Database': {
					main: [
						[{ node: 'Old Database Took All?', type: 'main', index: 0 }],
						[],
						[{ node: 'Old Database Failed', type: 'main', index: 0 }],
					],
				},
				'Old Database Failed': link('Write Failed'),
				'Old Database Took All?': branches('Rows Again', 'Refused by Old Database'),
				'Rows Again': link('Each Row Again'),
				'Each Row Again': link('Write New Database'),
				// Output 1 (the refused rows) is read by Refused Rows; output 2 is the error: the whole request is queued.
				'Write New Database': {
					main: [
						[{ node: 'New Database Took All?', type: 'main', index: 0 }],
						[],
						[{ node: 'Queue Replay', type: 'main', index: 0 }],
					],
				},
				'New Database Took All?': branches('Written to Both', 'Refused Rows'),
				'Refused Rows': link('Each Refused Row'),
				'Each Refused Row': link('Queue Replay'),
				'Queue Replay': branches('Queued for Replay', 'Replay Not Queued'),
				'Replay Not Queued': link('Queue Failed'),
			},
		},
	);
}

export function zeroDowntimeTemplates(pair: Pair): Array<[string, object]> {
	return [
		[`zero-downtime-${pair.slug}`, zeroDowntime(pair)],
		[`zero-downtime-${pair.slug}-sync-worker`, syncWorker(pair)],
		[`zero-downtime-${pair.slug}-dual-write`, dualWrite(pair)],
	];
}
