/**
 * Each contender as one timed run: our templates by Webhook into a real n8n process already running
 * (peak RSS sampled from /proc), pgloader and pgcopydb from Debian, sling, the psql COPY pipe, and the two ways to validate.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DatabaseConnector } from '../core/ports';
import { canonicalText } from '../core/model/canonical';
import { compareWithFingerprint, fingerprintTable } from '../core/validate/validate';
import { importJson, n8nCli, startN8n, type N8nInstance, type Started } from '../test/helpers/n8n-process';
import { withKey } from '../test/helpers/webhook-key';
import { withPostgres } from '../test/helpers/native';
import { mysqlSettings, postgresSettings } from '../test/helpers/services';

const run = promisify(execFile);
const WORKFLOWS = join(__dirname, '../workflows');
const PORT = 5790;

export interface Timing {
	seconds: number;
	peakRssMb?: number;
}

const template = (name: string) => JSON.parse(readFileSync(join(WORKFLOWS, `${name}.json`), 'utf8'));

/** A template as a user sets it up: its credentials pointed where the benchmark says, its settings' defaults for a benchmark. */
export function benchTemplates(slug: string, credentialIds: Record<string, string> = {}, worker_?: string | null) {
	const main = template(slug);
	// A file template has no worker (null): its main workflow stands in for both.
	const worker = worker_ === null ? undefined : template(`${slug}-${worker_ ?? 'chunk-worker'}`);
	for (const workflow of worker ? [main, worker] : [main])
		for (const node of workflow.nodes)
			for (const [type, ref] of Object.entries((node.credentials ?? {}) as Record<string, { id: string }>))
				if (credentialIds[ref.id]) node.credentials[type] = { id: credentialIds[ref.id], name: credentialIds[ref.id] };
	return { main, worker };
}

/** Imports and activates the templates, then starts n8n once: every run is a webhook call into it. */
export async function startBenchN8n(n8n: N8nInstance, templates: Array<{ main: { id: string }; worker?: object }>) {
	await importJson(
		n8n,
		'workflow',
		templates.flatMap((t) => (t.worker ? [t.worker, t.main] : [t.main])),
	);
	for (const t of templates) {
		const result = await n8nCli(n8n, ['update:workflow', `--id=${t.main.id}`, '--active=true']);
		if (result.code !== 0) throw new Error(`activating ${t.main.id}: ${result.stdout}${result.stderr}`);
	}
	// BENCH_NODE_FLAGS, e.g. "--max-old-space-size=400" or "--cpu-prof --cpu-prof-dir=DIR", for n8n's node.
	const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
	const started = process.hrtime.bigint();
	const server = await startN8n(n8n, PORT, flags);
	return { server, startSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * One migration as a user runs it: POST to the template's Webhook of an n8n already running, timed
 * to the answer, end to end (schema, snapshot, chunks, indexes, validation, report). The peak
 * resident memory of the n8n process during the run is sampled from /proc.
 */
export async function ourTemplate(
	server: Started,
	slug: string,
	settings: { migration: string } & Record<string, unknown>,
	// A database run keeps its snapshot and its copy whatever validation says (a file run has no such settings).
	runSettings: Record<string, unknown> = { keepSnapshotDays: 7, onValidationFailure: 'keep' },
): Promise<Timing & { answer: Record<string, unknown> }> {
	let peak = 0;
	const sampler = setInterval(() => {
		try {
			const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
			peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
		} catch {
			/* exited */
		}
	}, 200);
	const started = process.hrtime.bigint();
	let answer = '';
	try {
		const response = await fetch(`http://127.0.0.1:${server.port}/webhook/data-migration/${slug}`, {
			method: 'POST',
			headers: withKey({ 'content-type': 'application/json' }),
			body: JSON.stringify({ ...settings, ...runSettings }),
		});
		answer = await response.text();
		if (response.status !== 200 || !answer.includes('"SUCCESS"'))
			throw new Error(`${slug} by webhook: ${response.status} ${answer.slice(0, 2000)} ${server.log().slice(-2000)}`);
	} finally {
		clearInterval(sampler);
	}
	return {
		seconds: Number(process.hrtime.bigint() - started) / 1e9,
		peakRssMb: Math.round(peak),
		answer: JSON.parse(answer) as Record<string, unknown>,
	};
}

/** pgloader with its defaults, into a fresh database, only the benchmark table. */
export async function pgloader(table: string, database: string): Promise<Timing> {
	await withPostgres(async (q) => {
		await q(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
		await q(`CREATE DATABASE ${database}`);
	});
	const { host, port, user, database: source } = mysqlSettings;
	const file = `/tmp/dm-bench-${table}.load`;
	writeFileSync(
		file,
		`LOAD DATABASE\n  FROM mysql://${user}@${host}:${port}/${source}\n  INTO postgresql://${postgresSettings.user}@${postgresSettings.host}:${postgresSettings.port}/${database}\n  INCLUDING ONLY TABLE NAMES MATCHING '${table}';\n`,
	);
	const started = process.hrtime.bigint();
	const { stdout, stderr } = await run('pgloader', [file], { maxBuffer: 1 << 26 });
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (/ERROR|FATAL/.test(stdout + stderr) && !/errors\s+0/.test(stdout))
		throw new Error(`pgloader: ${(stdout + stderr).slice(-2000)}`);
	return { seconds };
}

const pgUrl = (database: string) =>
	`postgres://${postgresSettings.user}@${postgresSettings.host}:${postgresSettings.port}/${database}`;

/**
 * sling v1.4.5 (built by scripts/bench.sh, SLING_BIN) with its defaults, full refresh of the table
 * into a fresh database. It creates the table its own way (no key, no NOT NULL): rows/s only.
 */
export async function sling(table: string, database: string): Promise<Timing> {
	const binary = process.env.SLING_BIN;
	if (!binary) throw new Error('B1b: SLING_BIN is not set (scripts/bench.sh builds sling and sets it)');
	await withPostgres(async (q) => {
		await q(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
		await q(`CREATE DATABASE ${database}`);
	});
	const { host, port, user, database: source } = mysqlSettings;
	const env = {
		...process.env,
		DM_SLING_SOURCE: `mysql://${user}@${host}:${port}/${source}`,
		DM_SLING_TARGET: `${pgUrl(database)}?sslmode=disable`,
		SLING_HOME_DIR: `/tmp/dm-bench-sling`,
		SLING_DISABLE_TELEMETRY: 'true',
	};
	const args = ['run', '--src-conn', 'DM_SLING_SOURCE', '--src-stream', `${source}.${table}`];
	args.push('--tgt-conn', 'DM_SLING_TARGET', '--tgt-object', `public.${table}`, '--mode', 'full-refresh');
	const started = process.hrtime.bigint();
	const { stdout, stderr } = await run(binary, args, { env, maxBuffer: 1 << 26 });
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (/\bfatal\b|execution failed/i.test(stdout + stderr)) throw new Error(`sling: ${(stdout + stderr).slice(-2000)}`);
	return { seconds };
}

/**
 * pgcopydb (Debian) cloning a database that holds only the benchmark table into a fresh one: its
 * own parallel COPY, then the indexes and constraints. The source database is made once, untimed.
 */
export async function pgcopydbClone(
	table: string,
	sourceDb: string,
	targetDb: string,
	fresh: boolean,
): Promise<Timing> {
	if (fresh) {
		await withPostgres(async (q) => {
			await q(`DROP DATABASE IF EXISTS ${sourceDb} WITH (FORCE)`);
			await q(`CREATE DATABASE ${sourceDb}`);
		});
		await run(
			'bash',
			[
				'-o',
				'pipefail',
				'-c',
				`pg_dump -t public.${table} ${pgUrl(postgresSettings.database)} | psql -q ${pgUrl(sourceDb)}`,
			],
			{ maxBuffer: 1 << 26 },
		);
	}
	await withPostgres(async (q) => {
		await q(`DROP DATABASE IF EXISTS ${targetDb} WITH (FORCE)`);
		await q(`CREATE DATABASE ${targetDb}`);
	});
	const dir = `/tmp/dm-bench-pgcopydb-${Date.now()}`;
	const started = process.hrtime.bigint();
	await run(
		'pgcopydb',
		['clone', '--source', pgUrl(sourceDb), '--target', pgUrl(targetDb), '--dir', dir, '--no-owner', '--no-acl'],
		{
			maxBuffer: 1 << 26,
		},
	);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	await run('rm', ['-rf', dir]);
	return { seconds };
}

/** The physical limit: COPY out of one table piped into COPY into another (created beforehand, no indexes). */
export async function copyPipe(table: string, schema: string): Promise<Timing> {
	await withPostgres(async (q) => {
		await q(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
		await q(`DROP TABLE IF EXISTS ${schema}.${table}`);
		await q(`CREATE TABLE ${schema}.${table} (LIKE public.${table})`);
	});
	const psql = `psql -h ${postgresSettings.host} -p ${postgresSettings.port} -U ${postgresSettings.user} -d ${postgresSettings.database} -qc`;
	const started = process.hrtime.bigint();
	await run(
		'bash',
		[
			'-o',
			'pipefail',
			'-c',
			`${psql} "\\copy public.${table} to stdout" | ${psql} "\\copy ${schema}.${table} from stdin"`,
		],
		{ maxBuffer: 1 << 26 },
	);
	return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Validate's way: checksums per segment inside each database, a seeded sample. */
export async function validateInDatabase(
	source: DatabaseConnector,
	destination: DatabaseConnector,
	table: string,
	native = false,
): Promise<Timing & { pass: boolean }> {
	const started = process.hrtime.bigint();
	const fingerprint = await fingerprintTable(source, table, { segmentRows: 100_000, sampleSize: 100, seed: 1, native });
	const { checks } = await compareWithFingerprint(destination, fingerprint, { maxDiffRows: 1000 });
	return { seconds: Number(process.hrtime.bigint() - started) / 1e9, pass: checks.every((c) => c.pass) };
}

/** The naive way: every row of both sides fetched into Node and compared value by value. */
export async function validateInNode(
	source: DatabaseConnector,
	destination: DatabaseConnector,
	table: string,
): Promise<Timing & { pass: boolean }> {
	const started = process.hrtime.bigint();
	const [schema] = await source.introspect([table]);
	const key = schema.primaryKey[0];
	const left = new Map<string, string>();
	for await (const rows of source.read(table, {}, { batchSize: 10_000 }))
		for (const row of rows)
			left.set(String(row[key]), schema.columns.map((c) => canonicalText(row[c.name], c.logical)).join('\u001f'));
	let pass = true;
	let seen = 0;
	for await (const rows of destination.read(table, {}, { batchSize: 10_000 }))
		for (const row of rows) {
			seen++;
			if (
				left.get(String(row[key])) !== schema.columns.map((c) => canonicalText(row[c.name], c.logical)).join('\u001f')
			)
				pass = false;
		}
	return { seconds: Number(process.hrtime.bigint() - started) / 1e9, pass: pass && seen === left.size };
}
