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
			for (const n of workflow.nodes.filter((x) => x.onError === 'continueErrorOutput')) {
				const outputs = workflow.connections[n.name]?.main ?? [];
				expect([n.name, (outputs[outputs.length - 1] ?? []).length]).toEqual([n.name, 1]);
			}
		},
	);
});
