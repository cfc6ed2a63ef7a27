/**
 * A real n8n process, as a user runs it: our package packed with `npm pack` and installed into a
 * fresh `$N8N_USER_FOLDER/.n8n/nodes`, credentials and workflows imported with the n8n CLI, runs by
 * `n8n execute`, by Webhook and by Schedule under `n8n start`. The n8n install is cached by
 * scripts/n8n-install.sh; the line (1 or 2) comes from N8N_LINE.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

export interface N8nInstance {
	line: string;
	userFolder: string;
	node: string;
	bin: string;
	env: NodeJS.ProcessEnv;
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Installs (once) the n8n line, packs this package and installs the tarball into a fresh user folder. */
export async function prepareN8n(line = process.env.N8N_LINE ?? '1'): Promise<N8nInstance> {
	const { stdout: dir } = await run('bash', [join(ROOT, 'scripts/n8n-install.sh'), line], {
		cwd: ROOT,
		maxBuffer: 1 << 24,
	});
	const installDir = dir.trim().split('\n').at(-1)!;
	const node = readFileSync(join(installDir, '.node'), 'utf8').trim();
	// What a user installs is the built package, built from this checkout's sources.
	await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 1 << 24 });
	const packDir = mkdtempSync(join(tmpdir(), 'dm-pack-'));
	const { stdout: packed } = await run('npm', ['pack', '--pack-destination', packDir], {
		cwd: ROOT,
		maxBuffer: 1 << 24,
	});
	const tarball = join(packDir, packed.trim().split('\n').at(-1)!);
	const userFolder = mkdtempSync(join(tmpdir(), 'dm-n8n-'));
	const nodesDir = join(userFolder, '.n8n/nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	const path = `${dirname(node)}:${process.env.PATH}`;
	await run('npm', ['install', tarball, '--install-links', '--legacy-peer-deps', '--no-audit', '--no-fund'], {
		cwd: nodesDir,
		env: { ...process.env, PATH: path },
		maxBuffer: 1 << 24,
	});
	// Not jest's environment: n8n keeps its database in memory when NODE_ENV is "test".
	const { NODE_ENV: _test, JEST_WORKER_ID: _worker, ...inherited } = process.env;
	const env: NodeJS.ProcessEnv = {
		...inherited,
		NODE_ENV: 'production',
		PATH: path,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'dm-e2e-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_SQLITE_POOL_SIZE: '2',
		EXECUTIONS_MODE: 'regular',
		// n8n 2.x resolves a published sub-workflow through a publication outbox that only a running
		// instance processes; `n8n execute` has none, so it reads the published version directly.
		...(line === '2' ? { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } : {}),
	};
	return { line, userFolder, node, bin: join(installDir, 'node_modules/n8n/bin/n8n'), env };
}

/** Runs an n8n CLI command to its end. */
export function n8nCli(n8n: N8nInstance, args: string[], timeoutMs = 300_000): Promise<CliResult> {
	return new Promise((resolve) => {
		const child = spawn(n8n.node, [n8n.bin, ...args], { env: n8n.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code: code ?? -1, stdout, stderr });
		});
	});
}

export async function importJson(n8n: N8nInstance, kind: 'workflow' | 'credentials', json: unknown): Promise<void> {
	const file = join(n8n.userFolder, `import-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
	writeFileSync(file, JSON.stringify(json));
	const result = await n8nCli(n8n, [`import:${kind}`, `--input=${file}`]);
	if (result.code !== 0) throw new Error(`n8n import:${kind} failed: ${result.stdout}\n${result.stderr}`);
}

export interface Started {
	process: ChildProcess;
	port: number;
	log: () => string;
	/** Highest resident set size seen, in MB. */
	peakRssMb: () => number;
	stop(): Promise<void>;
}

/** `n8n start` on a free port; resolves when its HTTP server answers. */
export async function startN8n(n8n: N8nInstance, port: number): Promise<Started> {
	const child = spawn(n8n.node, [n8n.bin, 'start'], {
		env: { ...n8n.env, N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	let peak = 0;
	const sampler = setInterval(() => {
		try {
			const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
			const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
			peak = Math.max(peak, hwm);
		} catch {
			/* exited */
		}
	}, 500);
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n start exited: ${output.slice(-3000)}`);
		const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
			(r) => r.ok,
			() => false,
		);
		if (up && /Editor is now accessible/.test(output)) break;
		if (Date.now() > deadline) throw new Error(`n8n start did not answer in time: ${output.slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 500));
	}
	return {
		process: child,
		port,
		log: () => output,
		peakRssMb: () => Math.round(peak),
		stop: () =>
			new Promise((resolve) => {
				clearInterval(sampler);
				if (child.exitCode !== null) return resolve();
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
