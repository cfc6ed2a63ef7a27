/**
 * The platform → platform templates (Redmine → Gitea, Redmine → Parse Server): Manual, Webhook, Schedule and calling-workflow
 * triggers → settings → Migrate Records (every object type, once each through the ID map kept in a
 * PostgreSQL state database) → Verify Records → the report (200, records the destination refused
 * listed with their reasons); a failed validation rolled back (422); a failed step answered (500),
 * a rerun with the same migration name resuming without duplicates.
 */
import { entry } from './db-migration';
import { answerFailures, boolIf, link, node, respond, STATE_CREDENTIAL, workflow, type Section } from './dsl';

export interface PlatformTemplate {
	slug: string;
	title: string;
	mainId: string;
	source: { name: string; id: string };
	destination: { name: string; id: string };
}

export const PLATFORM_TEMPLATES: PlatformTemplate[] = [
	{
		slug: 'redmine-to-gitea',
		title: 'Redmine → Gitea',
		mainId: 'dmPlatformRmToGt',
		source: { name: 'Redmine', id: 'dmPlatformSrc001' },
		destination: { name: 'Gitea', id: 'dmPlatformDst001' },
	},
	{
		slug: 'redmine-to-parse',
		title: 'Redmine → Parse Server',
		mainId: 'dmPlatformRmToPs',
		source: { name: 'Redmine', id: 'dmPlatformSrc001' },
		destination: { name: 'Parse Server', id: 'dmPlatformParse1' },
	},
];

const SETTINGS = "$('Settings').first().json";

const runDefaults = (t: PlatformTemplate) => ({
	migration: t.slug,
	title: t.title,
	owner: 'migrated',
	projects: [],
	fallbackUser: '',
	onValidationFailure: 'rollback',
	answerAtOnce: false,
});

const credentials = (t: PlatformTemplate, source = true) => ({
	...(source ? { migrationPlatformSourceApi: { id: t.source.id, name: t.source.name } } : {}),
	migrationPlatformApi: { id: t.destination.id, name: t.destination.name },
	...STATE_CREDENTIAL,
});

const run = () => ({
	system: 'postgres',
	migration: `={{ ${SETTINGS}.migration }}`,
	owner: `={{ ${SETTINGS}.owner }}`,
	projects: `={{ ${SETTINGS}.projects.join(',') }}`,
});

const REJECTS = "$('Migrate Records').all(1).map((item) => item.json)";

const migrate = (t: PlatformTemplate): Section => ({
	nodes: [
		node(
			'Migrate Records',
			'n8n-nodes-data-migration.batchLoad',
			1,
			[480, 200],
			{ operation: 'migratePlatform', ...run(), fallbackUser: `={{ ${SETTINGS}.fallbackUser }}` },
			{ credentials: credentials(t), executeOnce: true },
		),
		node(
			'Verify Records',
			'n8n-nodes-data-migration.validate',
			1,
			[720, 200],
			{ operation: 'verifyPlatform', ...run(), onFailure: 'route' },
			{ credentials: credentials(t), executeOnce: true },
		),
		node(
			'Migration Report',
			'n8n-nodes-data-migration.validate',
			1,
			[960, 100],
			{
				operation: 'platformReport',
				title: `={{ ${SETTINGS}.title }}`,
				run: `={{ { ...$('Migrate Records').first().json, rejects: ${REJECTS} } }}`,
				verification: "={{ $('Verify Records').first().json }}",
			},
			{ executeOnce: true },
		),
		// The last node answers the Webhook and the calling workflow: the report.
		respond('Respond with Report', [1200, 100], 200),
		boolIf('Roll Back After Validation?', [960, 300], `={{ ${SETTINGS}.onValidationFailure === 'rollback' }}`),
		node(
			'Delete Created Records',
			'n8n-nodes-data-migration.rollback',
			1,
			[1200, 250],
			{ operation: 'deletePlatformRecords', system: 'postgres', migration: run().migration, owner: run().owner },
			{ credentials: credentials(t, false), executeOnce: true },
		),
		node(
			'Validation Failed',
			'n8n-nodes-base.set',
			3.4,
			[1440, 300],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: ${SETTINGS}.migration, status: $('Delete Created Records').isExecuted ? 'VALIDATION FAILED, ROLLED BACK' : 'VALIDATION FAILED, KEPT', validation: $('Verify Records').all(1)[0].json, rolledBack: $('Delete Created Records').isExecuted ? $('Delete Created Records').first().json : null }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		respond('Answer Validation Failed', [1680, 300], 422),
		node('Validation Stopped', 'n8n-nodes-base.stopAndError', 1, [1920, 300], {
			errorMessage:
				"={{ 'Migration ' + $json.migration + ': ' + $json.validation.problems.length + ' difference(s) after the run (first: ' + $json.validation.problems[0].type + ' ' + $json.validation.problems[0].id + ', ' + $json.validation.problems[0].what + '); ' + $json.status }}",
		}),
	],
	connections: {
		'Migrate Records': { main: [[{ node: 'Verify Records', type: 'main', index: 0 }], []] },
		'Verify Records': {
			main: [
				[{ node: 'Migration Report', type: 'main', index: 0 }],
				[{ node: 'Roll Back After Validation?', type: 'main', index: 0 }],
			],
		},
		'Migration Report': link('Respond with Report'),
		'Roll Back After Validation?': {
			main: [
				[{ node: 'Delete Created Records', type: 'main', index: 0 }],
				[{ node: 'Validation Failed', type: 'main', index: 0 }],
			],
		},
		'Delete Created Records': link('Validation Failed'),
		'Validation Failed': link('Answer Validation Failed'),
		'Answer Validation Failed': link('Validation Stopped'),
	},
});

export function platformMigration(t: PlatformTemplate) {
	const whole = workflow(
		{
			id: t.mainId,
			name: `Data migration: ${t.title}`,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			generatedBy: 'platform-migration.ts',
		},
		entry(
			{
				slug: t.slug,
				mainId: t.mainId,
				schema: 'platformMigration',
				destination: 'postgres',
				defaults: runDefaults(t),
				settingsCredentials: STATE_CREDENTIAL,
			},
			'Migrate Records',
		),
		migrate(t),
	);
	// Migrating again is safe (the ID map skips what exists), and so are verifying and deleting what a run made.
	return answerFailures(
		whole,
		[{ step: 'Migrate Records', retry: false }, 'Verify Records', 'Migration Report', 'Delete Created Records'],
		{
			settings: 'Settings',
			field: 'migration',
			label: 'Migration',
			position: [1440, 700],
		},
	);
}
