/**
 * The template DSL: the few shapes every template workflow is built from (a node, a Webhook that
 * needs the key, an If on one expression, links and branches, answers to the caller, a step's
 * failure answered), so each template family is one module of plain calls. No template imports
 * another; they meet only here and in index.ts.
 */
export type System = 'postgres' | 'mysql' | 'mongodb';
export const CREDENTIAL: Record<System, { type: string; name: string }> = {
	postgres: { type: 'migrationPostgresApi', name: 'PostgreSQL' },
	mysql: { type: 'migrationMySqlApi', name: 'MySQL / MariaDB' },
	mongodb: { type: 'migrationMongoDbApi', name: 'MongoDB' },
};

export function credential(system: System, role: 'Source' | 'Destination') {
	const c = CREDENTIAL[system];
	return { [c.type]: { id: `dm${role}${system}`, name: `${role} ${c.name}` } };
}

/** The source slot of a step that reads one database and writes another (Batch Load's Copy Chunk). */
export const SOURCE_CREDENTIAL: Record<System, string> = {
	postgres: 'migrationPostgresSourceApi',
	mysql: 'migrationMySqlSourceApi',
	mongodb: 'migrationMongoDbSourceApi',
};

export function sourceCredential(system: System) {
	return {
		[SOURCE_CREDENTIAL[system]]: { id: `dmSourceSlot${system}`, name: `Source ${CREDENTIAL[system].name} (copy)` },
	};
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
/** The state database of a platform or SaaS migration: it keeps the ID map (the platforms have no `_dm_state`). */
export const STATE_CREDENTIAL = {
	migrationPostgresApi: { id: 'dmStatePostgres1', name: 'State database (PostgreSQL)' },
};

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

export type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
export interface Workflow {
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

/** A called workflow's settings: one per chunk, page batch or sync, it keeps no execution data on success (n8n's memory stays O(one call)). */
export const WORKER_SETTINGS = {
	executionOrder: 'v1',
	saveDataSuccessExecution: 'none',
	saveManualExecutions: false,
	callerPolicy: 'workflowsFromSameOwner',
};

/** A part of a workflow: its nodes and their links, merged into the whole by `workflow`. */
export interface Section {
	nodes: Array<ReturnType<typeof node>>;
	connections: Connections;
}

/** A template workflow from its sections; `meta` says it is generated, and from where. */
export function workflow(
	header: { id: string; name: string; settings: object; generatedBy: string },
	...sections: Section[]
) {
	const { generatedBy, ...rest } = header;
	return {
		...rest,
		active: false,
		meta: {
			generatedBy: `scripts/templates/${generatedBy}`,
			note: 'Generated: edit the module above and run npx tsx scripts/templates/index.ts, not this file',
		},
		nodes: sections.flatMap((s) => s.nodes),
		connections: Object.assign({}, ...sections.map((s) => s.connections)) as Connections,
	};
}
