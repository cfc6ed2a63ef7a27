/**
 * A real n8n process, as a user runs it: our package packed with `npm pack` and installed into a
 * fresh `$N8N_USER_FOLDER/.n8n/nodes`, credentials and workflows imported with the n8n CLI, runs by
 * `n8n execute`, by Webhook and by Schedule under `n8n start`. The n8n install is cached by
 * scripts/n8n-install.sh; the line (1 or 2) comes from N8N_LINE.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
	importN8nJson,
	installN8n,
	installPackage,
	n8nEnv,
	packPackage,
	runN8nCli,
	waitForN8n,
	type CliResult,
} from '../../scripts/lib/n8n';

const run = promisify(execFile);
export type { CliResult };

export interface N8nInstance {
	line: string;
	userFolder: string;
	node: string;
	bin: string;
	env: NodeJS.ProcessEnv;
}

/** Installs (once) the n8n line, packs this package and installs the tarball into a fresh user folder. */
export async function prepareN8n(line = process.env.N8N_LINE ?? '1'): Promise<N8nInstance> {
	const install = await installN8n(line);
	const tarball = await packPackage();
	const userFolder = mkdtempSync(join(tmpdir(), 'dm-n8n-'));
	await installPackage(install, userFolder, tarball);
	const env = n8nEnv(install, userFolder, 'dm-e2e-encryption-key');
	return { line, userFolder, node: install.node, bin: install.bin, env };
}

const asInstall = (n8n: N8nInstance) => ({ line: n8n.line, dir: '', node: n8n.node, bin: n8n.bin });

/** Runs an n8n CLI command to its end. */
export function n8nCli(n8n: N8nInstance, args: string[], timeoutMs = 300_000): Promise<CliResult> {
	return runN8nCli(asInstall(n8n), n8n.env, args, timeoutMs);
}

/** Activates a workflow (or deactivates it) as its n8n line does: 2.x publishes, 1.x sets it active. */
export function setActive(n8n: N8nInstance, id: string, active = true): Promise<CliResult> {
	const args =
		n8n.line === '2'
			? [active ? 'publish:workflow' : 'unpublish:workflow', `--id=${id}`]
			: ['update:workflow', `--id=${id}`, `--active=${active}`];
	return n8nCli(n8n, args);
}

export function importJson(n8n: N8nInstance, kind: 'workflow' | 'credentials', json: unknown): Promise<void> {
	return importN8nJson(asInstall(n8n), n8n.env, n8n.userFolder, kind, json);
}

export interface Started {
	process: ChildProcess;
	port: number;
	log: () => string;
	/** Highest resident set size seen, in MB. */
	peakRssMb: () => number;
	stop(): Promise<void>;
}

/** A process's highest resident set size (VmHWM, sampled from /proc every 500 ms), in MB. */
export function peakRss(child: ChildProcess): { peakMb: () => number; stop: () => void } {
	let peak = 0;
	const sampler = setInterval(() => {
		try {
			const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
			peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
		} catch {
			clearInterval(sampler); // exited
		}
	}, 500);
	child.on('exit', () => clearInterval(sampler));
	return { peakMb: () => Math.round(peak), stop: () => clearInterval(sampler) };
}

/** `n8n start` on a free port; resolves when its HTTP server answers. */
export async function startN8n(n8n: N8nInstance, port: number, nodeFlags: string[] = []): Promise<Started> {
	const child = spawn(n8n.node, [...nodeFlags, n8n.bin, 'start'], {
		env: { ...n8n.env, N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	const rss = peakRss(child);
	try {
		await waitForN8n(
			port,
			() => output,
			() => child.exitCode !== null,
		);
	} catch (error) {
		rss.stop();
		child.kill('SIGKILL');
		throw error;
	}
	return {
		process: child,
		port,
		log: () => output,
		peakRssMb: rss.peakMb,
		stop: () =>
			new Promise((resolve) => {
				rss.stop();
				// Exited, or killed by a signal (then exitCode stays null).
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.on('exit', () => resolve());
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
			}),
	};
}

/** Rows of n8n's own database (SQLite), through the sqlite3 module n8n ships. */
export async function n8nDatabase(n8n: N8nInstance, sql: string): Promise<Array<Record<string, unknown>>> {
	const script = `const sqlite3 = require('sqlite3');
const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
db.all(process.argv[2], (error, rows) => { if (error) { console.error(error.message); process.exit(1); } console.log(JSON.stringify(rows)); db.close(); });`;
	const installDir = dirname(dirname(dirname(dirname(n8n.bin))));
	const { stdout } = await run(n8n.node, ['-e', script, join(n8n.userFolder, '.n8n/database.sqlite'), sql], {
		cwd: installDir,
		env: { ...n8n.env, NODE_PATH: join(installDir, 'node_modules') },
		maxBuffer: 1 << 24,
	});
	return JSON.parse(stdout) as Array<Record<string, unknown>>;
}
