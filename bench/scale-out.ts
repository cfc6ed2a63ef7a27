/**
 * B8: scale-out on n8n's queue mode. The MySQL → PostgreSQL template with `fanOut: true` by its
 * Webhook into `n8n start` (queue mode: Bull in Redis, n8n's database on PostgreSQL), with one and
 * then two `n8n worker` processes (each `--concurrency=4`), the same chunks at once (4) in both: the
 * same work spread over one process or two. Peak RSS of every process is recorded. On this 2-core
 * machine no gain is expected: both databases and every n8n process share the same cores.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJson, setActive, startN8n, type N8nInstance } from '../test/helpers/n8n-process';
import { n8nMode, startWorker, stopped, type Worker } from '../test/helpers/n8n-queue';
import { withPostgres } from '../test/helpers/native';
import { templateCredentials } from '../test/helpers/templates';
import { ourTemplate } from './contenders';

const PORT = 5795;
const N8N_DATABASE = 'dm_bench_n8n_queue';
const SLUG = 'mysql-to-postgres';
const template = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '../workflows', `${name}.json`), 'utf8')) as { id: string };

export interface ScaleOutRun {
	seconds: number;
	mainPeakRssMb: number;
	workerPeakRssMb: number[];
}

/** One run per worker count and repetition; the table must be seeded in MariaDB (B1's). */
export async function scaleOutBenchmark<Figure extends { median: number }>(
	base: N8nInstance,
	table: string,
	rows: number,
	runs: number,
	chunk: { rowsPerChunk: number; batchSize: number },
	figure: (values: number[]) => Figure,
) {
	console.log(`B8: ${rows} rows MariaDB → PostgreSQL fanned out over n8n queue-mode workers (1 vs 2)`);
	await withPostgres(async (q) => {
		await q(`DROP DATABASE IF EXISTS ${N8N_DATABASE} WITH (FORCE)`);
		await q(`CREATE DATABASE ${N8N_DATABASE}`);
	});
	const n8n = n8nMode(base, 'queue', { port: PORT, database: N8N_DATABASE, prefix: `dm-bench-${Date.now()}` });
	const [main, worker, hook] = [SLUG, `${SLUG}-chunk-worker`, `${SLUG}-chunk-webhook`].map(template);
	// n8n's own database is a new one: the credentials and the templates go into it.
	await importJson(n8n, 'credentials', templateCredentials());
	await importJson(n8n, 'workflow', [worker, hook, main]);
	for (const id of [main.id, hook.id]) {
		const result = await setActive(n8n, id);
		if (result.code !== 0) throw new Error(`activating ${id}: ${result.stdout}${result.stderr}`);
	}
	const out: Record<string, ScaleOutRun[]> = {};
	for (const workers of [1, 2]) {
		const server = await startN8n(n8n, PORT);
		const processes: Worker[] = [];
		try {
			for (let i = 0; i < workers; i++) processes.push(await startWorker(n8n, 4));
			out[workers] = [];
			for (let i = 0; i < runs; i++) {
				await withPostgres((q) => q(`DROP TABLE IF EXISTS public.${table}`));
				const { seconds } = await ourTemplate(server, SLUG, {
					migration: `bench-b8-${workers}-${Date.now()}-${i}`,
					tables: [table],
					...chunk,
					fanOut: true,
					chunksAtOnce: 4,
				});
				// Peaks since each process started (VmHWM): the run's, and the earlier runs' of the same processes.
				const run: ScaleOutRun = {
					seconds,
					mainPeakRssMb: server.peakRssMb(),
					workerPeakRssMb: processes.map((w) => w.peakRssMb()),
				};
				console.log(
					`  ${workers} worker(s) #${i + 1}: ${seconds.toFixed(2)} s, main ${run.mainPeakRssMb} MB, workers ${run.workerPeakRssMb.join(' / ')} MB`,
				);
				out[workers].push(run);
			}
		} finally {
			await Promise.all(processes.map((w) => stopped(w.process)));
			await server.stop();
		}
	}
	const summary = (workers: number) => ({
		rowsPerSecond: figure(out[workers].map((r) => rows / r.seconds)),
		seconds: figure(out[workers].map((r) => r.seconds)),
		mainPeakRssMb: Math.max(...out[workers].map((r) => r.mainPeakRssMb)),
		workerPeakRssMb: out[workers].at(-1)!.workerPeakRssMb,
	});
	const [one, two] = [summary(1), summary(2)];
	return {
		rows,
		oneWorker: one,
		twoWorkers: two,
		ratio: Math.round((two.rowsPerSecond.median / one.rowsPerSecond.median) * 100) / 100,
		target: 'recorded (2 cores: no gain expected)',
	};
}
