/**
 * The zero-downtime templates for one DB→DB pair: the main workflow (backfill through the pair's
 * migration template, then a sync every minute and a cutover-readiness verdict), its sync worker
 * (one table: lease → read changes → load → key-set deletes → commit, looping while more), and the
 * dual-write workflow (old database first, new one second, failures queued for replay).
 */
import { boolIf, branches, credential, link, node, respond, webhook, type Pair } from './build-templates';

const IS = 'n8n-nodes-data-migration.incrementalSync';
const TRIGGER = 'When Executed by Another Workflow';
const fromTrigger = (field: string) => `={{ $('${TRIGGER}').first().json.${field} }}`;

const ids = (pair: Pair) => ({
	main: `${pair.mainId.slice(0, 12)}ZdM`,
	worker: `${pair.mainId.slice(0, 12)}ZdW`,
	dual: `${pair.mainId.slice(0, 12)}ZdD`,
});

function zeroDowntime(pair: Pair) {
	const { source, destination } = pair;
	const body = '($json.body ?? $json)';
	const settings = (sync: boolean) =>
		`={{ JSON.stringify({ sync: ${body}.sync ?? 'zero-downtime-${pair.slug}', tables: ${body}.tables ?? ${JSON.stringify(pair.tables)}, cursorColumn: ${body}.cursorColumn ?? 'updated_at', lagSeconds: Number(${body}.lagSeconds ?? 5), batchSize: Number(${body}.batchSize ?? 5000), ${
			sync
				? `maxBatches: Number(${body}.maxBatches ?? 20), deletes: ${body}.deletes ?? 'keyset', softDeleteColumn: ${body}.softDeleteColumn ?? '', segmentRows: Number(${body}.segmentRows ?? 10000), leaseSeconds: Number(${body}.leaseSeconds ?? 600)`
				: `rowsPerChunk: Number(${body}.rowsPerChunk ?? 10000)`
		} }) }}`;
	return {
		id: ids(pair).main,
		name: `Zero-downtime migration: ${pair.title}`,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		nodes: [
			node('Start Backfill', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
			webhook(
				'Backfill Webhook',
				[0, 200],
				{
					httpMethod: 'POST',
					path: `data-migration/zero-downtime-${pair.slug}/backfill`,
					responseMode: 'lastNode',
					options: {},
				},
				{ webhookId: `${ids(pair).main}-backfill` },
			),
			node('Backfill Settings', 'n8n-nodes-base.set', 3.4, [240, 100], {
				mode: 'raw',
				jsonOutput: settings(false),
				options: {},
			}),
			node('Each Table', 'n8n-nodes-base.splitOut', 1, [480, 100], {
				fieldToSplitOut: 'tables',
				include: 'allOtherFields',
				options: {},
			}),
			node(
				'Mark Start',
				IS,
				1,
				[720, 100],
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
				[960, 100],
				{ operation: 'commitStart', system: destination },
				{ credentials: credential(destination, 'Destination') },
			),
			node(
				'Backfill Request',
				'n8n-nodes-base.set',
				3.4,
				[1200, 100],
				{
					mode: 'raw',
					// Validation of a source still being written differs by design: the data is kept, the sync catches up.
					jsonOutput:
						"={{ JSON.stringify({ migration: $('Backfill Settings').first().json.sync + '-backfill', tables: $('Backfill Settings').first().json.tables, rowsPerChunk: $('Backfill Settings').first().json.rowsPerChunk, batchSize: $('Backfill Settings').first().json.batchSize, onValidationFailure: 'keep' }) }}",
					options: {},
				},
				{ executeOnce: true },
			),
			node('Backfill', 'n8n-nodes-base.executeWorkflow', 1.3, [1440, 100], {
				source: 'database',
				workflowId: { __rl: true, value: pair.mainId, mode: 'id' },
				mode: 'once',
				options: { waitForSubWorkflow: true },
			}),
			node('Every Minute', 'n8n-nodes-base.scheduleTrigger', 1.2, [0, 500], {
				rule: { interval: [{ field: 'minutes', minutesInterval: 1 }] },
			}),
			webhook(
				'Sync Webhook',
				[0, 700],
				{
					httpMethod: 'POST',
					path: `data-migration/zero-downtime-${pair.slug}/sync`,
					responseMode: 'lastNode',
					options: {},
				},
				{ webhookId: `${ids(pair).main}-sync` },
			),
			node('Sync Settings', 'n8n-nodes-base.set', 3.4, [240, 600], {
				mode: 'raw',
				jsonOutput: settings(true),
				options: {},
			}),
			node('Each Synced Table', 'n8n-nodes-base.splitOut', 1, [480, 600], {
				fieldToSplitOut: 'tables',
				include: 'allOtherFields',
				options: {},
			}),
			node('Sync Table', 'n8n-nodes-base.executeWorkflow', 1.3, [720, 600], {
				source: 'database',
				workflowId: { __rl: true, value: ids(pair).worker, mode: 'id' },
				mode: 'each',
				options: { waitForSubWorkflow: true },
			}),
			node(
				'Fingerprint Source',
				'n8n-nodes-data-migration.validate',
				1,
				[960, 600],
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
				[1200, 600],
				{ operation: 'compare', system: destination, maxDiffRows: 1000 },
				{ credentials: credential(destination, 'Destination') },
			),
			node(
				'Cutover Readiness',
				IS,
				1,
				[1440, 600],
				{
					operation: 'readiness',
					system: destination,
					sync: "={{ $('Sync Settings').first().json.sync }}",
					tables: "={{ $('Sync Settings').first().json.tables }}",
					cursorColumn: "={{ $('Sync Settings').first().json.cursorColumn }}",
				},
				{ credentials: credential(destination, 'Destination') },
			),
		],
		connections: {
			'Start Backfill': link('Backfill Settings'),
			'Backfill Webhook': link('Backfill Settings'),
			'Backfill Settings': link('Each Table'),
			'Each Table': link('Mark Start'),
			'Mark Start': link('Commit Start'),
			'Commit Start': link('Backfill Request'),
			'Backfill Request': link('Backfill'),
			'Every Minute': link('Sync Settings'),
			'Sync Webhook': link('Sync Settings'),
			'Sync Settings': link('Each Synced Table'),
			'Each Synced Table': link('Sync Table'),
			'Sync Table': link('Fingerprint Source'),
			'Fingerprint Source': link('Compare Destination'),
			'Compare Destination': link('Cutover Readiness'),
		},
	};
}

function syncWorker(pair: Pair) {
	const { source, destination } = pair;
	return {
		id: ids(pair).worker,
		name: `Zero-downtime migration: ${pair.title} (sync worker)`,
		active: false,
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'none',
			saveManualExecutions: false,
			callerPolicy: 'workflowsFromSameOwner',
		},
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
				{ credentials: credential(source, 'Source') },
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
				{ credentials: credential(destination, 'Destination') },
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
				{ credentials: credential(destination, 'Destination'), executeOnce: true },
			),
			node(
				'Changed Key Segments',
				IS,
				1,
				[1440, -200],
				{ operation: 'changedSegments', system: source },
				{ credentials: credential(source, 'Source'), alwaysOutputData: true },
			),
			node(
				'Delete Missing Keys',
				IS,
				1,
				[1680, -200],
				{ operation: 'deleteMissing', system: destination },
				{ credentials: credential(destination, 'Destination'), alwaysOutputData: true },
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
				{ credentials: credential(destination, 'Destination'), executeOnce: true },
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
			node('Sync Done', 'n8n-nodes-base.set', 3.4, [2640, 100], {
				mode: 'raw',
				jsonOutput: "={{ JSON.stringify($('Commit Watermark').last().json) }}",
				options: {},
			}),
		],
		connections: {
			[TRIGGER]: link('Begin Sync'),
			'Begin Sync': branches('Read Changes', 'Sync Busy'),
			'Read Changes': link('Load Changes'),
			'Load Changes': link('Key-Set Deletes?'),
			'Key-Set Deletes?': branches('Key Segments', 'Commit Watermark'),
			'Key Segments': link('Changed Key Segments'),
			'Changed Key Segments': link('Delete Missing Keys'),
			'Delete Missing Keys': link('Commit Watermark'),
			'Commit Watermark': link('Clear Replayed'),
			'Clear Replayed': link('More?'),
			'More?': branches('Begin Sync', 'Sync Done'),
		},
	};
}

function dualWrite(pair: Pair) {
	const { source, destination } = pair;
	// The request as Check Write let it through: its table, sync and rows only.
	const request = "$('Check Write').first().json";
	return {
		id: ids(pair).dual,
		name: `Zero-downtime migration: ${pair.title} (dual write)`,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all' },
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
			respond(
				'Refused Request',
				[480, 200],
				400,
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
				// Must succeed: a failure here fails the request (HTTP 500) and nothing goes to the new database.
				{ credentials: credential(source, 'Source') },
			),
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
			respond(
				'Written to Both',
				[2160, -100],
				200,
				"={{ JSON.stringify({ old: 'written', new: 'written', rows: $json.written }) }}",
			),
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
				{ credentials: credential(source, 'Source') },
			),
			respond(
				'Queued for Replay',
				[2400, 200],
				200,
				"={{ JSON.stringify({ old: 'written', new: 'queued for replay', queued: $json.queued }) }}",
			),
		],
		connections: {
			'Write Request': link('Check Write'),
			'Check Write': branches('Rows', 'Refused Request'),
			Rows: link('Each Row'),
			'Each Row': link('Write Old Database'),
			'Write Old Database': link('Old Database Took All?'),
			'Old Database Took All?': branches('Rows Again', 'Refused by Old Database'),
			'Rows Again': link('Each Row Again'),
			'Each Row Again': link('Write New Database'),
			'Write New Database': {
				main: [
					[{ node: 'Written to Both', type: 'main', index: 0 }],
					[{ node: 'Queue Replay', type: 'main', index: 0 }],
					[{ node: 'Queue Replay', type: 'main', index: 0 }],
				],
			},
			'Queue Replay': link('Queued for Replay'),
		},
	};
}

export function zeroDowntimeTemplates(pair: Pair): Array<[string, object]> {
	return [
		[`zero-downtime-${pair.slug}`, zeroDowntime(pair)],
		[`zero-downtime-${pair.slug}-sync-worker`, syncWorker(pair)],
		[`zero-downtime-${pair.slug}-dual-write`, dualWrite(pair)],
	];
}
