/**
 * An example built from n8n's own SaaS nodes and our ID Map operations (Migration Transform):
 * Trello → Jira. Cards become issues, each card's checklists sub-tasks of its issue. Look Up IDs
 * before every create sends only what is not mapped yet; Record IDs after it keeps card → issue
 * (with the issue key) in the State Database; Rewrite IDs turns a checklist's card id into its
 * issue's key. A rerun after a crash creates nothing twice. No Trello or Jira is reachable from the
 * tests: the template is checked for import and in the editor, the operations on their own.
 */
import { link, node, STATE_CREDENTIAL, workflow, type Section } from './dsl';

const SETTINGS = "$('Settings').first().json";
const TRELLO = { trelloApi: { id: 'dmTrelloExample', name: 'Trello account' } };
const JIRA = { jiraSoftwareCloudApi: { id: 'dmJiraExample01', name: 'Jira Cloud account' } };
const id = (value: string) => ({ __rl: true, mode: 'id', value });

const idMap = (operation: string, extra: object) => ({
	operation,
	system: 'postgres',
	migration: `={{ ${SETTINGS}.migration }}`,
	...extra,
});

const jiraCreate = (summary: string, issueType: string, additionalFields: object) => ({
	jiraVersion: 'cloud',
	resource: 'issue',
	operation: 'create',
	project: id(`={{ ${SETTINGS}.jiraProjectId }}`),
	issueType: id(`={{ ${SETTINGS}.${issueType} }}`),
	summary,
	additionalFields,
});

const steps = (): Section => ({
	nodes: [
		node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, [0, 200], {}),
		// Edit these: the Trello list to move, the Jira project and issue types to create.
		node(
			'Settings',
			'n8n-nodes-base.set',
			3.4,
			[220, 200],
			{
				mode: 'raw',
				jsonOutput: JSON.stringify(
					{
						migration: 'trello-to-jira',
						trelloListId: 'TRELLO_LIST_ID',
						jiraProjectId: '10000',
						jiraIssueTypeId: '10001',
						jiraSubtaskTypeId: '10003',
					},
					null,
					2,
				),
				options: {},
			},
			{ executeOnce: true },
		),
		node(
			'Trello Cards',
			'n8n-nodes-base.trello',
			1,
			[440, 200],
			{ resource: 'list', operation: 'getCards', id: `={{ ${SETTINGS}.trelloListId }}`, returnAll: true },
			{ credentials: TRELLO },
		),
		node(
			'Card Already in Jira?',
			'n8n-nodes-data-migration.transform',
			1,
			[660, 200],
			idMap('lookUpIds', { sourceType: 'card', sourceId: '={{ $json.id }}', outputField: 'jira' }),
			{ credentials: STATE_CREDENTIAL },
		),
		node(
			'Create Jira Issue',
			'n8n-nodes-base.jira',
			1,
			[880, 300],
			jiraCreate('={{ $json.name }}', 'jiraIssueTypeId', { description: '={{ $json.desc }}' }),
			{ credentials: JIRA },
		),
		node(
			'Record Card → Issue',
			'n8n-nodes-data-migration.transform',
			1,
			[1100, 300],
			idMap('recordIds', {
				sourceType: 'card',
				sourceId: "={{ $('Card Already in Jira?').item.json.id }}",
				destinationId: '={{ $json.id }}',
				keep: '={{ JSON.stringify({ key: $json.key }) }}',
			}),
			{ credentials: STATE_CREDENTIAL },
		),
		// Every card's checklists, new cards and cards a crashed run already made alike.
		node(
			'Card Checklists',
			'n8n-nodes-base.trello',
			1,
			[1320, 200],
			{
				resource: 'checklist',
				operation: 'getAll',
				cardId: id('={{ $json.idMap ? $json.idMap.source : $json.id }}'),
				returnAll: true,
			},
			{ credentials: TRELLO },
		),
		node(
			'Checklist Already in Jira?',
			'n8n-nodes-data-migration.transform',
			1,
			[1540, 200],
			idMap('lookUpIds', { sourceType: 'checklist', sourceId: '={{ $json.id }}', outputField: 'jira' }),
			{ credentials: STATE_CREDENTIAL },
		),
		node(
			'Card → Issue Key',
			'n8n-nodes-data-migration.transform',
			1,
			[1760, 300],
			idMap('rewriteIds', { fields: { field: [{ field: 'idCard', type: 'card', use: 'key' }] }, ifNotMapped: 'error' }),
			{ credentials: STATE_CREDENTIAL },
		),
		node(
			'Create Jira Sub-task',
			'n8n-nodes-base.jira',
			1,
			[1980, 300],
			jiraCreate('={{ $json.name }}', 'jiraSubtaskTypeId', { parentIssueKey: '={{ $json.idCard }}' }),
			{ credentials: JIRA },
		),
		node(
			'Record Checklist → Sub-task',
			'n8n-nodes-data-migration.transform',
			1,
			[2200, 300],
			idMap('recordIds', {
				sourceType: 'checklist',
				sourceId: "={{ $('Card → Issue Key').item.json.id }}",
				destinationId: '={{ $json.id }}',
				keep: '={{ JSON.stringify({ key: $json.key }) }}',
			}),
			{ credentials: STATE_CREDENTIAL },
		),
	],
	connections: {
		'Manual Trigger': link('Settings'),
		Settings: link('Trello Cards'),
		'Trello Cards': link('Card Already in Jira?'),
		'Card Already in Jira?': {
			main: [
				[{ node: 'Card Checklists', type: 'main', index: 0 }],
				[{ node: 'Create Jira Issue', type: 'main', index: 0 }],
			],
		},
		'Create Jira Issue': link('Record Card → Issue'),
		'Record Card → Issue': link('Card Checklists'),
		'Card Checklists': link('Checklist Already in Jira?'),
		'Checklist Already in Jira?': { main: [[], [{ node: 'Card → Issue Key', type: 'main', index: 0 }]] },
		'Card → Issue Key': { main: [[{ node: 'Create Jira Sub-task', type: 'main', index: 0 }], []] },
		'Create Jira Sub-task': link('Record Checklist → Sub-task'),
	},
});

export const trelloToJira = () =>
	workflow(
		{
			id: 'dmSaasTrelloJira',
			name: 'Data migration example: Trello → Jira (n8n nodes + ID map)',
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			generatedBy: 'saas-id-map.ts',
		},
		steps(),
	);
