import { runWorkflow, shutdownEngine } from '../helpers/n8n-engine';
import { postgresSettings, requireService } from '../helpers/services';
import { withPostgres } from '../helpers/native';

const credentials = {
	migrationPostgresApi: { ...postgresSettings, schema: 'public', ssl: false, maxConnections: 2 },
};

const assessWorkflow = {
	id: 'assessTest0000001',
	name: 'Assess',
	nodes: [
		{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} },
		{
			id: '2',
			name: 'Assess',
			type: 'n8n-nodes-data-migration.schemaMapper',
			typeVersion: 1,
			position: [200, 0] as [number, number],
			parameters: { operation: 'assess', system: 'postgres', tables: ['dm_engine_probe'], exactCounts: true },
			credentials: { migrationPostgresApi: { id: 'pg', name: 'PostgreSQL' } },
		},
	],
	connections: { Start: { main: [[{ node: 'Assess', type: 'main' as const, index: 0 }]] } },
};

/** The in-process runner: n8n's own engine executing our node classes against a real server. */
describe('in-process n8n engine', () => {
	beforeAll(async () => {
		await requireService('postgres');
		await withPostgres(async (q) => {
			await q('DROP TABLE IF EXISTS dm_engine_probe');
			await q('CREATE TABLE dm_engine_probe (id bigint PRIMARY KEY, label text)');
			await q("INSERT INTO dm_engine_probe SELECT g, 'row ' || g FROM generate_series(1, 1234) g");
		});
	});
	afterAll(() => shutdownEngine());

	it('runs Manual Trigger → Schema Mapper (Assess) and returns the node output', async () => {
		const result = await runWorkflow(assessWorkflow, { credentials });
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.output('Assess')).toEqual([
			expect.objectContaining({ table: 'dm_engine_probe', rows: 1234, rowsExact: true, primaryKey: ['id'], columns: 2, issues: [] }),
		]);
		// The assessment document, in Markdown too.
		expect(result.output('Assess')[0].markdown).toContain('## dm_engine_probe\n\n- **Rows:** 1,234\n');
	});

	it('fails the execution with our typed message when the credentials are wrong', async () => {
		const result = await runWorkflow(assessWorkflow, {
			credentials: { migrationPostgresApi: { ...credentials.migrationPostgresApi, user: 'dm_nobody', password: 'Secret-Zx81' } },
		});
		expect(result.run.status).toBe('error');
		expect(result.error?.message).toMatch(/dm_nobody|authentication|password|role/i);
		expect(JSON.stringify(result.run.data.resultData.error)).not.toContain('Secret-Zx81');
	});

	it('names an unknown table in the node error', async () => {
		const workflow = structuredClone(assessWorkflow);
		workflow.nodes[1].parameters.tables = ['dm_no_such_table'];
		const result = await runWorkflow(workflow, { credentials });
		expect(result.run.status).toBe('error');
		expect(result.error?.message).toContain('dm_no_such_table');
	});
});
