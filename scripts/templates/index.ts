/**
 * Every template workflow, by its file in workflows/. Run: npx tsx scripts/templates/index.ts
 * (test/unit/templates.test.ts fails when a committed workflow differs from what this writes).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_TEMPLATES, apiMigration, pageWorker } from './api-migration';
import { chunkWebhook, chunkWorker, migration } from './db-migration';
import { FILE_TEMPLATES, fileMigration } from './file-migration';
import { PAIRS } from './pairs';
import { PLATFORM_TEMPLATES, platformMigration } from './platform-migration';
import { trelloToJira } from './saas-id-map';
import { rollbackRun, runStatus } from './run-tools';
import { zeroDowntimeTemplates } from './zero-downtime';

export function allTemplates(): Array<[string, object]> {
	return [
		['migration-status', runStatus()],
		['rollback', rollbackRun()],
		...PAIRS.flatMap(
			(pair): Array<[string, object]> => [
				[pair.slug, migration(pair)],
				[`${pair.slug}-chunk-worker`, chunkWorker(pair)],
				[`${pair.slug}-chunk-webhook`, chunkWebhook(pair)],
			],
		),
		...PAIRS.flatMap(zeroDowntimeTemplates),
		...API_TEMPLATES.flatMap(
			(t): Array<[string, object]> => [
				[t.slug, apiMigration(t)],
				[`${t.slug}-page-worker`, pageWorker(t)],
			],
		),
		...FILE_TEMPLATES.map((t): [string, object] => [t.slug, fileMigration(t)]),
		...PLATFORM_TEMPLATES.map((t): [string, object] => [t.slug, platformMigration(t)]),
		['trello-to-jira', trelloToJira()],
	];
}

if (require.main === module)
	for (const [file, workflow] of allTemplates())
		writeFileSync(join(__dirname, '../../workflows', `${file}.json`), JSON.stringify(workflow, null, '\t') + '\n');
