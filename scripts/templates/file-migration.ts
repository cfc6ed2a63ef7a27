/**
 * The file storage templates (S3 → S3, local folder → S3, S3 → local folder): Manual, Webhook,
 * Schedule and calling-workflow triggers → settings (no database) → Plan Objects → Copy Objects →
 * Verify Objects → report; failed files answered with their reasons (503 when only connections
 * were lost: rerun resumes; else rolled back, 500), a failed validation rolled back (422).
 */
import { entry } from './db-migration';
import { answerFailures, boolIf, link, node, respond, workflow, type Section } from './dsl';

type Store = 's3' | 'local';

export interface FileTemplate {
	slug: string;
	title: string;
	source: Store;
	destination: Store;
	mainId: string;
}

export const FILE_TEMPLATES: FileTemplate[] = [
	{ slug: 's3-to-s3', title: 'S3 → S3', source: 's3', destination: 's3', mainId: 'dmFilesS3ToS3001' },
	{
		slug: 'local-folder-to-s3',
		title: 'Local folder → S3',
		source: 'local',
		destination: 's3',
		mainId: 'dmFilesLocToS301',
	},
	{
		slug: 's3-to-local-folder',
		title: 'S3 → local folder',
		source: 's3',
		destination: 'local',
		mainId: 'dmFilesS3ToLoc01',
	},
];

/** The S3 credentials of the templates (one bucket each). */
export const S3_SOURCE_CREDENTIAL = { migrationS3SourceApi: { id: 'dmS3SourceBkt01', name: 'Source bucket' } };
export const S3_DESTINATION_CREDENTIAL = { migrationS3Api: { id: 'dmS3DestBucket1', name: 'Destination bucket' } };

/** The folders on the n8n server a local template reads or writes: the workflow owner's, never a caller's. */
const FOLDERS = { sourceFolder: '/data/migration/source', destinationFolder: '/data/migration/destination' };

const runDefaults = (t: FileTemplate) => ({
	migration: t.slug,
	title: t.title,
	sourcePrefix: '',
	destinationPrefix: '',
	filesPerChunk: 1000,
	mbPerChunk: 1024,
	concurrency: 8,
	partSizeMb: 16,
	queueSize: 4,
	keepOverwritten: true,
	checkSourceEtag: true,
	verify: 'checksum',
	onValidationFailure: 'rollback',
	keepBackups: false,
});

const SETTINGS = "$('Settings').first().json";

/** Where each side is: the store, its folder (from the Folders step), the prefix from the settings. */
function sides(t: FileTemplate, roles: Array<'source' | 'destination'> = ['source', 'destination']) {
	const parameters: Record<string, string> = {};
	for (const role of roles) {
		const store = t[role];
		parameters[`${role}Store`] = store;
		if (store === 'local') parameters[`${role}Folder`] = `={{ $('Folders').first().json.${role}Folder }}`;
	}
	return parameters;
}

const prefixes = (roles: Array<'source' | 'destination'> = ['source', 'destination']) =>
	Object.fromEntries(roles.map((role) => [`${role}Prefix`, `={{ ${SETTINGS}.${role}Prefix }}`]));

function credentials(t: FileTemplate, roles: Array<'source' | 'destination'> = ['source', 'destination']) {
	return {
		...(roles.includes('source') && t.source === 's3' ? S3_SOURCE_CREDENTIAL : {}),
		...(roles.includes('destination') && t.destination === 's3' ? S3_DESTINATION_CREDENTIAL : {}),
	};
}

const run = { migration: `={{ ${SETTINGS}.migration }}`, statePrefix: '.dm-migration/' };

/** Folders (local templates), plan, copy, the copy's verdict. */
const copy = (t: FileTemplate): Section => ({
	nodes: [
		// Edit the folders here (absolute paths on the n8n server); a caller only chooses prefixes inside them.
		node(
			'Folders',
			'n8n-nodes-base.set',
			3.4,
			[480, 200],
			{ mode: 'raw', jsonOutput: JSON.stringify(FOLDERS, null, 2), options: {} },
			{ executeOnce: true },
		),
		node(
			'Plan Objects',
			'n8n-nodes-data-migration.batchExtract',
			1,
			[720, 200],
			{
				operation: 'planObjects',
				...sides(t),
				...prefixes(),
				...run,
				filesPerChunk: `={{ ${SETTINGS}.filesPerChunk }}`,
				mbPerChunk: `={{ ${SETTINGS}.mbPerChunk }}`,
			},
			{ credentials: credentials(t), executeOnce: true },
		),
		node(
			'Copy Objects',
			'n8n-nodes-data-migration.batchLoad',
			1,
			[960, 200],
			{
				operation: 'copyObjects',
				...sides(t),
				...prefixes(),
				...run,
				concurrency: `={{ ${SETTINGS}.concurrency }}`,
				partSizeMb: `={{ ${SETTINGS}.partSizeMb }}`,
				queueSize: `={{ ${SETTINGS}.queueSize }}`,
				keepOverwritten: `={{ ${SETTINGS}.keepOverwritten }}`,
				checkSourceEtag: `={{ ${SETTINGS}.checkSourceEtag }}`,
			},
			{ credentials: credentials(t) },
		),
		boolIf('All Files Copied?', [1200, 200], "={{ $('Copy Objects').all(0).every((item) => item.json.failed === 0) }}"),
	],
	connections: {
		Folders: link('Plan Objects'),
		'Plan Objects': link('Copy Objects'),
		'Copy Objects': { main: [[{ node: 'All Files Copied?', type: 'main', index: 0 }], []] },
		'All Files Copied?': {
			main: [
				[{ node: 'Verify Objects', type: 'main', index: 0 }],
				[{ node: 'Only Connections Lost?', type: 'main', index: 0 }],
			],
		},
	},
});

const FAILED_FILES = "$('Copy Objects').all(1).map((item) => item.json)";

/** Failed files: connections lost keep what landed (503, a rerun resumes); anything else rolls back (or keeps) and answers 500. */
const copyFailures = (t: FileTemplate): Section => ({
	nodes: [
		// Our messages name an unreachable server as "at host:port: <cause>".
		boolIf(
			'Only Connections Lost?',
			[1440, 400],
			`={{ ${FAILED_FILES}.every((f) => / at \\S+:\\d+: /.test(String(f.reason ?? f.error ?? ''))) }}`,
		),
		node(
			'Kept for Rerun',
			'n8n-nodes-base.set',
			3.4,
			[1680, 300],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: ${SETTINGS}.migration, status: 'STOPPED, COPIED FILES KEPT', failedFiles: ${FAILED_FILES}, rerun: 'Send the same request again (same migration name) once the store is back: files already copied are skipped' }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		respond('Answer Kept for Rerun', [1920, 300], 503),
		boolIf(
			'Roll Back Files?',
			[1680, 500],
			`={{ ${SETTINGS}.onValidationFailure === 'rollback' && ${SETTINGS}.keepOverwritten }}`,
		),
		node(
			'Restore Objects',
			'n8n-nodes-data-migration.rollback',
			1,
			[1920, 500],
			{ operation: 'restoreObjects', ...sides(t, ['destination']), ...run },
			{ credentials: credentials(t, ['destination']), executeOnce: true },
		),
		node(
			'Files Failed',
			'n8n-nodes-base.set',
			3.4,
			[2160, 500],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: ${SETTINGS}.migration, status: $('Restore Objects').isExecuted ? 'ROLLED BACK' : 'FAILED, COPIED FILES KEPT', failedFiles: ${FAILED_FILES}, rolledBack: $('Restore Objects').isExecuted ? $('Restore Objects').first().json : null }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		respond('Answer Files Failed', [2400, 500], 500),
		node('Migration Failed', 'n8n-nodes-base.stopAndError', 1, [2640, 500], {
			errorMessage:
				"={{ 'Migration ' + $json.migration + ': ' + $json.failedFiles.length + ' file(s) failed (first: ' + ($json.failedFiles[0].key ?? 'chunk ' + $json.failedFiles[0].chunk) + ': ' + ($json.failedFiles[0].reason ?? $json.failedFiles[0].error) + '); ' + $json.status }}",
		}),
	],
	connections: {
		'Only Connections Lost?': {
			main: [
				[{ node: 'Kept for Rerun', type: 'main', index: 0 }],
				[{ node: 'Roll Back Files?', type: 'main', index: 0 }],
			],
		},
		'Kept for Rerun': link('Answer Kept for Rerun'),
		'Answer Kept for Rerun': link('Migration Failed'),
		'Roll Back Files?': {
			main: [[{ node: 'Restore Objects', type: 'main', index: 0 }], [{ node: 'Files Failed', type: 'main', index: 0 }]],
		},
		'Restore Objects': link('Files Failed'),
		'Files Failed': link('Answer Files Failed'),
		'Answer Files Failed': link('Migration Failed'),
	},
});

/** Verify, then either report (200) or roll back and answer the differences (422). */
const validation = (t: FileTemplate): Section => ({
	nodes: [
		node(
			'Verify Objects',
			'n8n-nodes-data-migration.validate',
			1,
			[1440, 100],
			{
				operation: 'verifyObjects',
				...sides(t),
				...prefixes(),
				statePrefix: run.statePrefix,
				mode: `={{ ${SETTINGS}.verify }}`,
				concurrency: `={{ ${SETTINGS}.concurrency }}`,
				onFailure: 'route',
			},
			{ credentials: credentials(t), executeOnce: true },
		),
		boolIf(
			'Roll Back After Validation?',
			[1680, -100],
			`={{ ${SETTINGS}.onValidationFailure === 'rollback' && ${SETTINGS}.keepOverwritten }}`,
		),
		node(
			'Restore After Validation',
			'n8n-nodes-data-migration.rollback',
			1,
			[1920, -100],
			{ operation: 'restoreObjects', ...sides(t, ['destination']), ...run },
			{ credentials: credentials(t, ['destination']), executeOnce: true },
		),
		node(
			'Validation Failed',
			'n8n-nodes-base.set',
			3.4,
			[2160, -100],
			{
				mode: 'raw',
				jsonOutput: `={{ JSON.stringify({ migration: ${SETTINGS}.migration, status: $('Restore After Validation').isExecuted ? 'VALIDATION FAILED, ROLLED BACK' : 'VALIDATION FAILED, KEPT', validation: $('Verify Objects').all(1)[0].json }) }}`,
				options: {},
			},
			{ executeOnce: true },
		),
		respond('Answer Validation Failed', [2400, -100], 422),
		node('Validation Stopped', 'n8n-nodes-base.stopAndError', 1, [2640, -100], {
			errorMessage:
				"={{ 'Migration ' + $json.migration + ': ' + $json.validation.differences + ' object(s) differ after the copy (first: ' + $json.validation.listed[0].key + ', ' + $json.validation.listed[0].kind + '); ' + $json.status }}",
		}),
		node(
			'Discard Backups',
			'n8n-nodes-data-migration.rollback',
			1,
			[1680, 100],
			{ operation: 'discardObjects', ...sides(t, ['destination']), ...run, all: false },
			{ credentials: credentials(t, ['destination']), executeOnce: true },
		),
		node(
			'Migration Report',
			'n8n-nodes-data-migration.validate',
			1,
			[1920, 100],
			{
				operation: 'objectReport',
				...sides(t, ['destination']),
				...run,
				title: `={{ ${SETTINGS}.title }}`,
				verification: "={{ $('Verify Objects').first().json }}",
				failures: `={{ ${FAILED_FILES} }}`,
			},
			{ credentials: credentials(t, ['destination']), executeOnce: true },
		),
		// The last node answers the Webhook and the calling workflow: the report (JSON, its Markdown inside).
		respond('Respond with Report', [2160, 100], 200),
	],
	connections: {
		'Verify Objects': {
			main: [
				[{ node: 'Keep Backups?', type: 'main', index: 0 }],
				[{ node: 'Roll Back After Validation?', type: 'main', index: 0 }],
			],
		},
		'Roll Back After Validation?': {
			main: [
				[{ node: 'Restore After Validation', type: 'main', index: 0 }],
				[{ node: 'Validation Failed', type: 'main', index: 0 }],
			],
		},
		'Restore After Validation': link('Validation Failed'),
		'Validation Failed': link('Answer Validation Failed'),
		'Answer Validation Failed': link('Validation Stopped'),
		'Keep Backups?': {
			main: [
				[{ node: 'Migration Report', type: 'main', index: 0 }],
				[{ node: 'Discard Backups', type: 'main', index: 0 }],
			],
		},
		'Discard Backups': link('Migration Report'),
		'Migration Report': link('Respond with Report'),
	},
});

const keepBackups = (): Section => ({
	nodes: [
		boolIf('Keep Backups?', [1560, 240], `={{ ${SETTINGS}.keepBackups === true || !${SETTINGS}.keepOverwritten }}`),
	],
	connections: {},
});

export function fileMigration(t: FileTemplate) {
	const whole = workflow(
		{
			id: t.mainId,
			name: `Data migration: ${t.title}`,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			generatedBy: 'file-migration.ts',
		},
		entry({ slug: t.slug, mainId: t.mainId, schema: 'fileMigration', defaults: runDefaults(t) }, 'Folders'),
		copy(t),
		copyFailures(t),
		validation(t),
		keepBackups(),
	);
	return answerFailures(
		whole,
		// Copying again is safe (objects already there are skipped), and so are planning and reading.
		[
			'Plan Objects',
			{ step: 'Copy Objects', retry: false },
			'Verify Objects',
			'Restore Objects',
			'Restore After Validation',
			'Discard Backups',
			'Migration Report',
		],
		{ settings: 'Settings', field: 'migration', label: 'Migration', position: [2640, 900] },
	);
}
