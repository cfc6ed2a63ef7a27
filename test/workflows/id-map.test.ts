/**
 * The ID Map operations (Migration Transform) in n8n's engine with a real state database. No SaaS
 * is reachable from the tests: a Set step stands where Jira's "create" would give each record its
 * new id and key. Cards are looked up, "created" and recorded; a rerun sends only the new card on;
 * checklists get their card's key through the map, and one whose card was never migrated is routed.
 */
import type { IDataObject } from 'n8n-workflow';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { IdMap } from '../../core/platform/id-map';
import { postgresSettings } from '../../scripts/lib/local-services';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { requireService } from '../helpers/services';

const migration = `idmap-${Date.now().toString(36)}`;
const credentials = { migrationPostgresApi: { ...postgresSettings, schema: 'public' } };
const state = { migrationPostgresApi: { id: 'state', name: 'State' } };
const at = (x: number): [number, number] => [x, 0];
const idMap = (operation: string, extra: IDataObject) => ({ operation, system: 'postgres', migration, ...extra });
const linkTo = (node: string, index = 0) => ({ main: [...Array.from({ length: index }, () => []), [{ node, type: 'main' as const, index: 0 }]] });

function cardsWorkflow(): WorkflowJson {
	return {
		id: 'idMapCards00001',
		name: 'Cards through the ID map',
		nodes: [
			{ id: '1', name: 'Start', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1, position: at(0), parameters: {} },
			{ id: '2', name: 'Look Up', type: 'n8n-nodes-data-migration.transform', typeVersion: 1, position: at(200), parameters: idMap('lookUpIds', { sourceType: 'card', sourceId: '={{ $json.id }}', outputField: 'jira' }), credentials: state },
			// Where Jira's "Create Issue" would answer with the issue it made.
			{ id: '3', name: 'Create', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: at(400), parameters: { mode: 'raw', jsonOutput: "={{ JSON.stringify({ id: '100' + $json.id.slice(1), key: 'PRJ-' + $json.id.slice(1) }) }}", options: {} } },
			{ id: '4', name: 'Record', type: 'n8n-nodes-data-migration.transform', typeVersion: 1, position: at(600), parameters: idMap('recordIds', { sourceType: 'card', sourceId: "={{ $('Look Up').item.json.id }}", destinationId: '={{ $json.id }}', keep: '={{ JSON.stringify({ key: $json.key }) }}' }), credentials: state },
		],
		connections: { Start: linkTo('Look Up'), 'Look Up': linkTo('Create', 1), Create: linkTo('Record') },
	};
}

function checklistsWorkflow(): WorkflowJson {
	return {
		id: 'idMapChecklist1',
		name: 'Checklists through the ID map',
		nodes: [
			{ id: '1', name: 'Start', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1, position: at(0), parameters: {} },
			{ id: '2', name: 'Rewrite', type: 'n8n-nodes-data-migration.transform', typeVersion: 1, position: at(200), parameters: idMap('rewriteIds', { fields: { field: [{ field: 'idCard', type: 'card', use: 'key' }, { field: 'watchers', type: 'card', use: 'id' }] }, ifNotMapped: 'route' }), credentials: state },
		],
		connections: { Start: linkTo('Rewrite') },
	};
}

const run = (workflow: WorkflowJson, input: IDataObject[]) => runWorkflow(workflow, { credentials, startNode: 'Start', input });

describe('ID Map operations between any nodes (state in PostgreSQL)', () => {
	beforeAll(() => requireService('postgres'));
	afterAll(() => shutdownEngine());

	it('records what was created; a rerun sends only what is new; fields rewritten through the map', async () => {
		const cards = [{ id: 'c1', name: 'First ✓' }, { id: 'c2', name: 'Second' }, { id: 'c3', name: 'Third' }];
		const first = await run(cardsWorkflow(), cards);
		expect(first.error).toBeUndefined();
		expect(first.output('Look Up', 1)).toHaveLength(3);
		expect(first.output('Record').map((r) => r.idMap)).toEqual([
			{ type: 'card', source: 'c1', destination: '1001', key: 'PRJ-1' },
			{ type: 'card', source: 'c2', destination: '1002', key: 'PRJ-2' },
			{ type: 'card', source: 'c3', destination: '1003', key: 'PRJ-3' },
		]);

		const again = await run(cardsWorkflow(), [...cards, { id: 'c4', name: 'New' }]);
		expect(again.output('Look Up', 0).map((c) => (c.jira as IDataObject).key)).toEqual(['PRJ-1', 'PRJ-2', 'PRJ-3']);
		expect(again.output('Create')).toEqual([{ id: '1004', key: 'PRJ-4' }]);

		const checklists = await run(checklistsWorkflow(), [
			{ id: 'k1', idCard: 'c2', watchers: ['c1', 'c3'] },
			{ id: 'k2', idCard: 'c9' },
		]);
		expect(checklists.output('Rewrite', 0)).toEqual([{ id: 'k1', idCard: 'PRJ-2', watchers: ['1001', '1003'] }]);
		expect(checklists.output('Rewrite', 1)).toEqual([
			{ id: 'k2', idCard: 'c9', unmapped: [{ field: 'idCard', type: 'card', id: 'c9' }] },
		]);

		// The map itself, as the platform engine keeps it: created by the run, per type.
		const connector = createPostgresConnector(postgresSettings);
		const entries = await new IdMap(connector.state, migration, 'check').entries();
		await connector.close();
		expect(entries.map((e) => `${e.type}/${e.id}`).sort()).toEqual(['card/c1', 'card/c2', 'card/c3', 'card/c4']);
	});
});
