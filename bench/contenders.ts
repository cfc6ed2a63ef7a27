/**
 * Each contender as one timed run: our templates in a real n8n process (`n8n execute`, peak RSS
 * sampled from /proc), pgloader from Debian, the psql COPY pipe, and the two ways to validate.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DatabaseConnector } from '../core/ports';
import { canonicalText } from '../core/model/canonical';
import { compareWithFingerprint, fingerprintTable } from '../core/validate/validate';
import { importJson, type N8nInstance } from '../test/helpers/n8n-process';
import { withPostgres } from '../test/helpers/native';
import { mysqlSettings, postgresSettings } from '../test/helpers/services';

const run = promisify(execFile);
const WORKFLOWS = join(__dirname, '../workflows');

export interface Timing {
	seconds: number;
	peakRssMb?: number;
}

const template = (name: string) => JSON.parse(readFileSync(join(WORKFLOWS, `${name}.json`), 'utf8'));

/** Our template as a user runs it: imported with its settings, then `n8n execute`, RSS sampled. */
export async function ourTemplate(
	n8n: N8nInstance,
	slug: string,
	settings: { migration: string; tables: string[]; rowsPerChunk: number; batchSize: number },
	credentialIds: Record<string, string> = {},
): Promise<Timing> {
	const main = template(slug);
	const worker = template(`${slug}-chunk-worker`);
	for (const workflow of [main, worker])
		for (const node of workflow.nodes) {
			for (const [type, ref] of Object.entries((node.credentials ?? {}) as Record<string, { id: string }>))
				if (credentialIds[ref.id]) node.credentials[type] = { id: credentialIds[ref.id], name: credentialIds[ref.id] };
			if (node.name === 'Settings')
				node.parameters.defaults = JSON.stringify({ ...settings, keepSnapshotDays: 7, onValidationFailure: 'keep' });
		}
	await importJson(n8n, 'workflow', worker);
	await importJson(n8n, 'workflow', main);
	const started = process.hrtime.bigint();
	// BENCH_PROFILE=FILE: the n8n process writes V8's tick log there; read it with `node --prof-process FILE`.
	const profile = process.env.BENCH_PROFILE
		? ['--prof', '--no-logfile-per-isolate', `--logfile=${process.env.BENCH_PROFILE}`]
		: [];
	// BENCH_NODE_FLAGS, e.g. "--max-old-space-size=400": proves memory O(chunk) when the run still completes.
	const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
	const child = spawn(n8n.node, [...profile, ...flags, n8n.bin, 'execute', `--id=${main.id}`], {
		env: n8n.env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr.on('data', (d: Buffer) => (output += d.toString()));
	let peak = 0;
	const sample = () => {
		try {
			peak = Math.max(
				peak,
				Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
			);
		} catch {
			/* exited */
		}
	};
	const sampler = setInterval(sample, 200);
	const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
	clearInterval(sampler);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (code !== 0) throw new Error(`n8n execute of ${slug} failed (${code}): ${output.slice(-2000)}`);
	return { seconds, peakRssMb: Math.round(peak) };
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
): Promise<Timing & { pass: boolean }> {
	const started = process.hrtime.bigint();
	const fingerprint = await fingerprintTable(source, table, { segmentRows: 100_000, sampleSize: 100, seed: 1 });
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
