/**
 * `npm run demo`: the product as a user runs it. The pinned n8n (installed once, checked every
 * time), this package packed and installed into it, the MySQL → PostgreSQL templates imported;
 * a generated MariaDB table migrated by the template's Webhook in that n8n, its progress on one
 * updating line, then the migration report the template answers with. n8n keeps running so the
 * executed workflow can be opened in the editor.
 *   npm run demo                 seed afresh and migrate
 *   npm run demo -- --resume     migrate the last run again (every chunk is already done: all skipped)
 *   npm run demo -- --stop       stop the demo's n8n
 * Environment: DEMO_ROWS (50000), DEMO_PORT (5678), DEMO_N8N_FOLDER (the demo n8n's user folder), and the services' PG… and MYSQL_… variables.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { auditLog, runProgress, type Progress } from '../../core/report/progress';
import { webhookKeyCredential } from '../templates/dsl';
import { mysqlSettings, postgresSettings } from '../lib/local-services';
import { installN8n } from '../lib/n8n';
import { DemoN8n, OWNER, stopDemoN8n } from './demo-n8n';
import { DEMO_TABLE, seedDemoTable } from './seed';

const env = process.env;
const CACHE = env.DM_CACHE_DIR ?? join(homedir(), '.cache/n8n-nodes-data-migration');
const ROWS = Number(env.DEMO_ROWS ?? 50_000);
const PORT = Number(env.DEMO_PORT ?? 5678);
const WORKFLOW_ID = 'dmMysqlToPgMain1';

const postgresDestination = { ...postgresSettings, schema: 'public' };

const KEY_HEADER = 'X-Migration-Key';
// The credentials the templates reference, set as a user sets them in n8n; the webhook key is the demo folder's own.
const credentials = (webhookKey: string) => [
	{ id: 'dmSourcemysql', name: 'Source MySQL / MariaDB', type: 'migrationMySqlApi', data: mysqlSettings },
	{
		id: 'dmSourceSlotmysql',
		name: 'Source MySQL / MariaDB (copy)',
		type: 'migrationMySqlSourceApi',
		data: mysqlSettings,
	},
	{
		id: 'dmDestinationpostgres',
		name: 'Destination PostgreSQL',
		type: 'migrationPostgresApi',
		data: postgresDestination,
	},
	webhookKeyCredential(KEY_HEADER, webhookKey),
];

const tty = process.stderr.isTTY;
const say = (line: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);

function progressLine(p: Progress, lastStep: string): string {
	const rows = `${p.rowsDone.toLocaleString('en')}/${(p.rowsTotal ?? 0).toLocaleString('en')} rows`;
	const speed = p.rowsPerSecond ? ` · ${Math.round(p.rowsPerSecond).toLocaleString('en')} rows/s` : '';
	return `Migrating in n8n: chunk ${p.chunksDone}/${p.chunksTotal} · ${rows}${speed} · step: ${lastStep}`;
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const unknown = args.filter((a) => !['--stop', '--resume'].includes(a));
	if (unknown.length) throw new Error(`unknown option ${unknown.join(' ')} (use --resume or --stop)`);

	const folder = env.DEMO_N8N_FOLDER ?? join(CACHE, 'demo-n8n');
	if (args.includes('--stop')) {
		say((await stopDemoN8n(folder)) ? 'Stopped the demo n8n.' : 'The demo n8n is not running.');
		return;
	}
	// The n8n line the templates are tested on; the install's log shows on the terminal.
	const n8n = new DemoN8n(await installN8n('1', { showLog: true }), folder, PORT);
	say('Building and packing the package…');
	const webhookKey = n8n.state().webhookKey ?? randomBytes(18).toString('base64url');
	n8n.save({ webhookKey });
	await n8n.setUp(credentials(webhookKey), say);
	if (!(await n8n.running())) {
		say(`Starting n8n on ${n8n.url}…`);
		await n8n.start();
	} else say(`Reusing the demo n8n running on ${n8n.url}`);

	const mysql = createMysqlConnector(mysqlSettings);
	const postgres = createPostgresConnector(postgresDestination);
	try {
		const resume = args.includes('--resume');
		const run = resume ? n8n.state().lastRun : `demo-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
		if (!run) throw new Error('no earlier demo run to resume: run `npm run demo` first');
		if (!resume) {
			say(`Seeding MariaDB ${DEMO_TABLE} with ${ROWS.toLocaleString('en')} rows…`);
			await seedDemoTable(mysql, postgres, ROWS);
			n8n.save({ lastRun: run });
		}
		const request = { migration: run, tables: [DEMO_TABLE], rowsPerChunk: 10_000, batchSize: 2_000 };
		say(`POST ${n8n.url}/webhook/data-migration/mysql-to-postgres  (run "${run}", with the webhook key)`);
		const answer = fetch(`${n8n.url}/webhook/data-migration/mysql-to-postgres`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', [KEY_HEADER]: webhookKey },
			body: JSON.stringify(request),
		}).then(async (r) => ({ status: r.status, body: await r.text() }));
		let settled = false;
		void answer.finally(() => (settled = true));
		let shown = '';
		const show = async (last: boolean) => {
			const progress = await runProgress(postgres, run).catch(() => null);
			if (!progress?.startedAt) return;
			const steps = await auditLog(postgres, run);
			const line = progressLine(progress, steps.at(-1)?.step ?? 'starting');
			// On a terminal one line updates in place; in a log, a line per change.
			if (tty) process.stderr.write(`\r\x1b[K${line}${last ? '\n' : ''}`);
			else if (line !== shown) process.stderr.write(`${line}\n`);
			shown = line;
		};
		while (!settled) {
			await show(false);
			await Promise.race([answer, new Promise((r) => setTimeout(r, 400))]);
		}
		// The line as the run ended, however short the run was.
		await show(true);
		const { status, body } = await answer;
		let report: { status?: string; markdown?: string } = {};
		try {
			report = JSON.parse(body);
		} catch {
			/* not JSON: shown as it is below */
		}
		if (status === 200 && report.markdown) console.log(report.markdown);
		else console.log(`The webhook answered HTTP ${status}: ${body}`);
		say('');
		say(`n8n keeps running: ${n8n.url}  (log in as ${OWNER.email} / ${OWNER.password})`);
		say(`This run's execution: ${n8n.url}/workflow/${WORKFLOW_ID}/executions`);
		say(
			`The same call by hand: curl -X POST ${n8n.url}/webhook/data-migration/mysql-to-postgres -H '${KEY_HEADER}: ${webhookKey}' -H 'content-type: application/json' -d '${JSON.stringify({ ...request, migration: `${run}-again` })}'`,
		);
		say('Stop it with: npm run demo -- --stop    Run it again without reseeding: npm run demo -- --resume');
		if (status !== 200 || report.status !== 'SUCCESS') process.exitCode = 1;
	} finally {
		await Promise.all([mysql.close(), postgres.close()]);
	}
}

main().catch((error) => {
	if (tty) process.stderr.write('\n');
	console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
