import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTemplates } from '../../scripts/templates';

/** The committed workflows are what their generator writes; every Webhook answers its caller. */
const folder = join(__dirname, '../../workflows');
const committed = (file: string) => JSON.parse(readFileSync(join(folder, `${file}.json`), 'utf8')) as Workflow;

interface Workflow {
	nodes: Array<{ name: string; type: string; onError?: string; parameters: Record<string, unknown> }>;
	connections: Record<string, { main: unknown[][] }>;
}

/** How many outputs a node has before its error output (our nodes' `outputs`, as their descriptions compute them). */
function ownOutputs(n: Workflow['nodes'][number]): number {
	const operation = n.parameters.operation as string | undefined;
	switch (n.type) {
		case 'n8n-nodes-base.if':
		case 'n8n-nodes-data-migration.batchLoad':
			return 2;
		case 'n8n-nodes-data-migration.validate':
			return ['verify', 'verifyApi', 'verifyObjects', 'verifyPlatform'].includes(operation ?? '') &&
				n.parameters.onFailure !== 'error'
				? 2
				: 1;
		case 'n8n-nodes-data-migration.transform':
			return operation === 'recordIds' ? 1 : 2;
		case 'n8n-nodes-data-migration.incrementalSync':
			return operation === 'begin' || operation === 'read' ? 2 : 1;
		default:
			return 1;
	}
}

describe('template workflows', () => {
	const generated = allTemplates() as Array<[string, Workflow]>;

	it('are exactly what scripts/templates/ generates (npx tsx scripts/templates/index.ts after editing one)', () => {
		expect(
			readdirSync(folder)
				.filter((f) => f.endsWith('.json'))
				.sort(),
		).toEqual(generated.map(([file]) => `${file}.json`).sort());
		for (const [file, workflow] of generated) expect({ file, ...committed(file) }).toEqual({ file, ...workflow });
	});

	it.each(generated.map(([file, workflow]) => [file, workflow] as const))(
		'%s: every Webhook needs the key and answers through Respond nodes; every error output leads somewhere',
		(_file, workflow) => {
			// The chunk webhook alone answers on receipt: its caller (Fan Out Chunks) learns the outcome from the chunk's state.
			for (const n of workflow.nodes.filter((x) => x.type === 'n8n-nodes-base.webhook'))
				expect([n.name, n.parameters.authentication, n.parameters.responseMode]).toEqual([
					n.name,
					'headerAuth',
					n.name === 'Chunk Webhook' ? 'onReceived' : 'responseNode',
				]);
			// The error output comes after all of a node's own outputs: wired at another index, an error
			// would take a regular output (Skip Done Chunks' went to Rejected) or go nowhere.
			for (const n of workflow.nodes.filter((x) => x.onError === 'continueErrorOutput')) {
				const outputs = workflow.connections[n.name]?.main ?? [];
				expect([n.name, outputs.length, (outputs[outputs.length - 1] ?? []).length]).toEqual([
					n.name,
					ownOutputs(n) + 1,
					1,
				]);
			}
		},
	);
});
