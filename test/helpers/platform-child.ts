/**
 * Runs a Redmine → Gitea migration in its own process, printing a line per record created, so a
 * test can kill -9 it at a chosen point: `node --import tsx platform-child.ts '<json settings>'`.
 */
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { IdMap } from '../../core/platform/id-map';
import { PlatformMigration } from '../../core/platform/migrate';
import { postgresSettings } from '../../scripts/lib/local-services';
import { platformParts, type PlatformTestRun } from './platforms';

async function main() {
	const run = JSON.parse(process.argv[2]) as PlatformTestRun;
	const state = createPostgresConnector(postgresSettings);
	let created = 0;
	await new PlatformMigration({
		...platformParts(run, new IdMap(state.state, run.migration, run.run)),
		onProgress: (figures) => {
			const now = Object.values(figures).reduce((n, f) => n + f.created, 0);
			if (now > created) console.log(`created ${(created = now)}`);
		},
	}).run();
	await state.close();
	console.log('finished');
}

void main();
