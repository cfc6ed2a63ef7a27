/**
 * n8n in queue mode, as its docs set it up: `n8n start` (editor, webhooks, the Bull queue in Redis)
 * and `n8n worker` processes taking executions from the queue, all on one PostgreSQL database of
 * n8n's own. Shared by the scale-out e2e tier and benchmark B8.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { until } from './browser';
import { peakRss, type N8nInstance } from './n8n-process';
import { freePort, postgresSettings, redisSettings } from './services';

/** n8n's environment with its database on PostgreSQL, in queue mode (Redis) or regular mode; webhooks reached on the main process. */
export function n8nMode(
	n8n: N8nInstance,
	mode: 'queue' | 'regular',
	where: { port: number; database: string; prefix: string },
): N8nInstance {
	return {
		...n8n,
		env: {
			...n8n.env,
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgresSettings.host,
			DB_POSTGRESDB_PORT: String(postgresSettings.port),
			DB_POSTGRESDB_USER: postgresSettings.user,
			DB_POSTGRESDB_PASSWORD: postgresSettings.password ?? '',
			DB_POSTGRESDB_DATABASE: where.database,
			EXECUTIONS_MODE: mode,
			QUEUE_BULL_REDIS_HOST: redisSettings.host,
			QUEUE_BULL_REDIS_PORT: String(redisSettings.port),
			// n8n caches (in Redis, in queue mode) which project owns a workflow: a prefix of this n8n
			// database's own, or a cache left by an earlier database of the same ids denies sub-workflow calls.
			QUEUE_BULL_PREFIX: where.prefix,
			N8N_CACHE_REDIS_KEY_PREFIX: `${where.prefix}-cache`,
			// Every process builds the chunk webhook's URL from this (the main process answers webhooks).
			WEBHOOK_URL: `http://127.0.0.1:${where.port}/`,
		},
	};
}

export interface Worker {
	process: ChildProcess;
	log: () => string;
	/** Highest resident set size seen, in MB. */
	peakRssMb: () => number;
}

/** `n8n worker` at the given concurrency; resolves once it takes executions from the queue. */
export async function startWorker(n8n: N8nInstance, concurrency: number): Promise<Worker> {
	const child = spawn(n8n.node, [n8n.bin, 'worker', `--concurrency=${concurrency}`], {
		// n8n 2.x starts a task broker in every process: each worker needs a port of its own.
		env: { ...n8n.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	const rss = peakRss(child);
	await until(
		async () => /worker is now ready|Worker started/i.test(output) || child.exitCode !== null,
		(ready) => ready,
		120_000,
	);
	if (child.exitCode !== null) throw new Error(`n8n worker exited (${child.exitCode}): ${output.slice(-3000)}`);
	return { process: child, log: () => output, peakRssMb: rss.peakMb };
}

/** Stops a process (SIGTERM, then SIGKILL after 20 s); resolves when it has exited. */
export const stopped = (child: ChildProcess) =>
	new Promise<void>((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		child.on('exit', () => resolve());
		child.kill('SIGTERM');
		setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
	});
