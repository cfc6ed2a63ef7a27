/**
 * A real n8n as a user runs it, shared by the e2e tests and `npm run demo`: the pinned n8n line
 * (installed and checked by scripts/n8n-install.sh), this package built, packed and installed
 * into `$N8N_USER_FOLDER/.n8n/nodes`, and the n8n CLI run under one environment.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(__dirname, '../..');

export interface N8nInstall {
	line: string;
	/** The cache folder of this line's install. */
	dir: string;
	/** The node binary this line runs on. */
	node: string;
	bin: string;
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/**
 * Installs the n8n line once (later calls re-check the install in seconds) and says where it is.
 * With `showLog`, the install script's log goes to this process's stderr (the demo's terminal).
 */
export function installN8n(line: string, options: { showLog?: boolean } = {}): Promise<N8nInstall> {
	return new Promise((resolve, reject) => {
		const child = spawn('bash', [join(ROOT, 'scripts/n8n-install.sh'), line], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', options.showLog ? 'inherit' : 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('exit', (code) => {
			if (code !== 0)
				return reject(new Error(`scripts/n8n-install.sh ${line} failed (exit ${code}): ${stderr.slice(-3000)}`));
			const dir = stdout.trim().split('\n').at(-1)!;
			const node = readFileSync(join(dir, '.node'), 'utf8').trim();
			resolve({ line, dir, node, bin: join(dir, 'node_modules/n8n/bin/n8n') });
		});
	});
}

/** What a user installs: the package built from this checkout and packed by npm. Returns the tarball. */
export async function packPackage(): Promise<string> {
	await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 1 << 24 });
	const packDir = mkdtempSync(join(tmpdir(), 'dm-pack-'));
	const { stdout } = await run('npm', ['pack', '--pack-destination', packDir], { cwd: ROOT, maxBuffer: 1 << 24 });
	return join(packDir, stdout.trim().split('\n').at(-1)!);
}

/** `npm install <tarball>` into the user folder's community-node folder, as n8n's own installer does. */
export async function installPackage(install: N8nInstall, userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n/nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	await run('npm', ['install', tarball, '--install-links', '--legacy-peer-deps', '--no-audit', '--no-fund'], {
		cwd: nodesDir,
		env: { ...process.env, PATH: `${dirname(install.node)}:${process.env.PATH}` },
		maxBuffer: 1 << 24,
	});
}

/** The environment n8n runs under: its own user folder, no telemetry, SQLite, regular mode. */
export function n8nEnv(install: N8nInstall, userFolder: string, encryptionKey: string): NodeJS.ProcessEnv {
	// Not jest's environment: n8n keeps its database in memory when NODE_ENV is "test".
	const { NODE_ENV: _test, JEST_WORKER_ID: _worker, ...inherited } = process.env;
	return {
		...inherited,
		NODE_ENV: 'production',
		PATH: `${dirname(install.node)}:${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
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
		...(install.line === '2' ? { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } : {}),
	};
}

/** Runs an n8n CLI command to its end. */
export function runN8nCli(
	install: N8nInstall,
	env: NodeJS.ProcessEnv,
	args: string[],
	timeoutMs = 300_000,
): Promise<CliResult> {
	return new Promise((resolve) => {
		const child = spawn(install.node, [install.bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Imports workflows or credentials (a JSON array or one object) with the n8n CLI. */
export async function importN8nJson(
	install: N8nInstall,
	env: NodeJS.ProcessEnv,
	userFolder: string,
	kind: 'workflow' | 'credentials',
	json: unknown,
): Promise<void> {
	const file = join(userFolder, `import-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
	writeFileSync(file, JSON.stringify(json));
	const result = await runN8nCli(install, env, [`import:${kind}`, `--input=${file}`]);
	if (result.code !== 0) throw new Error(`n8n import:${kind} failed: ${result.stdout}\n${result.stderr}`);
}

/** Waits until n8n on this port answers /healthz and its log says the editor is up. */
export async function waitForN8n(
	port: number,
	output: () => string,
	exited: () => boolean,
	timeoutMs = 180_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exited()) throw new Error(`n8n start exited: ${output().slice(-3000)}`);
		const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
			(r) => r.ok,
			() => false,
		);
		if (up && /Editor is now accessible/.test(output())) return;
		if (Date.now() > deadline) throw new Error(`n8n start did not answer in time: ${output().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}
