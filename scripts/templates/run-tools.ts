/** The run tools every migration shares: roll a run back, and follow a run's progress. */
import { boolIf, branches, credential, link, node, respond, webhook, workflow } from './dsl';

/**
 * Restores a named migration run to its snapshot, by hand (the run named in Settings) or by Webhook
 * ({"migration": "…"}, required). The caller learns what happened: 200 and what was restored, 400
 * without a run name, 404 when no snapshot of that run is kept (unknown run, or its rollback period
 * ended and the snapshot was discarded).
 */
export function rollbackRun() {
	return workflow(
		{
			id: 'dmRollbackRun001',
			name: 'Data migration: roll back a run',
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			generatedBy: 'run-tools.ts',
		},
		{
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
		},
	);
}

/** Live progress of a run: GET /webhook/data-migration/status?migration=… (or Manual with the default name). */
export function runStatus() {
	return workflow(
		{
			id: 'dmStatusOfRun001',
			name: 'Data migration: status of a run',
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false },
			generatedBy: 'run-tools.ts',
		},
		{
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
					{
						operation: 'status',
						system: 'postgres',
						migration: "={{ $json.query?.migration ?? 'mysql-to-postgres' }}",
						// A browser (Accept: text/html) gets the live page; a program the JSON.
						page: "={{ /text\\/html/.test($json.headers?.accept ?? '') }}",
					},
					{ credentials: credential('postgres', 'Destination'), onError: 'continueErrorOutput' },
				),
				boolIf('Page?', [360, -100], "={{ typeof $json.html === 'string' }}"),
				node('Answer Page', 'n8n-nodes-base.respondToWebhook', 1.1, [600, -200], {
					respondWith: 'text',
					responseBody: '={{ $json.html }}',
					options: {
						responseCode: 200,
						responseHeaders: {
							entries: [
								{ name: 'content-type', value: 'text/html; charset=utf-8' },
								{ name: 'cache-control', value: 'no-store' },
							],
						},
					},
				}),
				respond('Answer Status', [600, 0], 200),
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
				Status: branches('Page?', 'Status Failed'),
				'Page?': branches('Answer Page', 'Answer Status'),
			},
		},
	);
}
