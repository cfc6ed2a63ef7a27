/**
 * The demo's own n8n: one user folder under the cache, kept between runs. It is set up the way a
 * user sets up n8n (the packed package installed as a community node, credentials and templates
 * imported, the template's Webhook active), started in the background and left running, so the
 * user can open the executed workflow in the editor. A later demo reuses it, and sets up again
 * only what changed (a new build of the package, changed templates).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	importN8nJson,
	installPackage,
	n8nEnv,
	packPackage,
	ROOT,
	runN8nCli,
	waitForN8n,
	type N8nInstall,
} from '../lib/n8n';

export const OWNER = { email: 'demo@example.com', password: 'Demo-Pass-1234', firstName: 'Demo', lastName: 'User' };
const TEMPLATES = ['mysql-to-postgres-chunk-worker', 'mysql-to-postgres', 'migration-status'];
const ACTIVE = ['dmMysqlToPgMain1', 'dmStatusOfRun001'];

interface DemoState {
	pid?: number;
	port?: number;
	packageHash?: string;
	setupHash?: string;
	owner?: boolean;
	lastRun?: string;
	/** The value of this demo's webhook key (Header Auth), made once. */
	webhookKey?: string;
}

export class DemoN8n {
	private readonly stateFile: string;
	private readonly logFile: string;
	private readonly env: NodeJS.ProcessEnv;

	constructor(
		private readonly install: N8nInstall,
		readonly userFolder: string,
		readonly port: number,
	) {
		mkdirSync(this.userFolder, { recursive: true });
		this.stateFile = join(this.userFolder, 'demo.json');
		this.logFile = join(this.userFolder, 'n8n.log');
		this.env = n8nEnv(install, this.userFolder, 'dm-demo-encryption-key');
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	state(): DemoState {
		return existsSync(this.stateFile) ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as DemoState) : {};
	}

	save(change: Partial<DemoState>): void {
		writeFileSync(this.stateFile, JSON.stringify({ ...this.state(), ...change }, null, 2));
	}

	/** True when our n8n process is alive and answers on its port. */
	async running(): Promise<boolean> {
		const { pid, port } = this.state();
		if (!pid || !alive(pid)) return false;
		return fetch(`http://127.0.0.1:${port}/healthz`).then(
			(r) => r.ok,
			() => false,
		);
	}

	/** Installs this checkout's package and the templates where they changed; restarts n8n only then. */
	async setUp(credentials: object[], say: (line: string) => void): Promise<void> {
		const tarball = await packPackage();
		const packageHash = sha256(readFileSync(tarball));
		const templates = TEMPLATES.map((name) => readFileSync(join(ROOT, 'workflows', `${name}.json`), 'utf8'));
		const setupHash = sha256(JSON.stringify([packageHash, templates, credentials]));
		const state = this.state();
		if (state.setupHash === setupHash && existsSync(join(this.userFolder, '.n8n/nodes/node_modules'))) return;
		if (await this.running()) {
			say('The package or its templates changed: restarting the demo n8n');
			await this.stop();
		}
		if (state.packageHash !== packageHash) {
			say('Installing the packed package into the demo n8n (as a community node)');
			await installPackage(this.install, this.userFolder, tarball);
			this.save({ packageHash });
		}
		say('Importing the demo credentials and the MySQL → PostgreSQL templates');
		await importN8nJson(this.install, this.env, this.userFolder, 'credentials', credentials);
		for (const json of templates)
			await importN8nJson(this.install, this.env, this.userFolder, 'workflow', JSON.parse(json));
		for (const id of ACTIVE) {
			const result = await runN8nCli(this.install, this.env, ['update:workflow', `--id=${id}`, '--active=true']);
			if (result.code !== 0)
				throw new Error(`n8n could not activate workflow ${id}: ${result.stderr || result.stdout}`);
		}
		this.save({ setupHash });
	}

	/** `n8n start` in the background, left running after the demo ends. */
	async start(): Promise<void> {
		if (await this.running()) return;
		const taken = await fetch(`${this.url}/healthz`).then(
			() => true,
			() => false,
		);
		if (taken) throw new Error(`port ${this.port} is in use by another program: set DEMO_PORT to a free port`);
		const log = openSync(this.logFile, 'w');
		const child = spawn(this.install.node, [this.install.bin, 'start'], {
			env: { ...this.env, N8N_PORT: String(this.port), N8N_LISTEN_ADDRESS: '127.0.0.1' },
			stdio: ['ignore', log, log],
			detached: true,
		});
		closeSync(log);
		child.unref();
		this.save({ pid: child.pid, port: this.port });
		await waitForN8n(
			this.port,
			() => readFileSync(this.logFile, 'utf8'),
			() => !alive(child.pid!),
		);
		if (!this.state().owner) {
			// The editor asks for an owner account first; the demo creates one so the user can log in at once.
			const setup = await fetch(`${this.url}/rest/owner/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(OWNER),
			});
			if (!setup.ok) throw new Error(`n8n owner setup answered ${setup.status}: ${await setup.text()}`);
			this.save({ owner: true });
		}
	}

	stop(): Promise<boolean> {
		return stopDemoN8n(this.userFolder);
	}

	logTail(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-3000) : '';
	}
}

/** Stops the demo's n8n (SIGTERM, then SIGKILL after 20 s); false when it was not running. Needs no n8n install. */
export async function stopDemoN8n(userFolder: string): Promise<boolean> {
	const stateFile = join(userFolder, 'demo.json');
	if (!existsSync(stateFile)) return false;
	const state = JSON.parse(readFileSync(stateFile, 'utf8')) as DemoState;
	if (!state.pid || !alive(state.pid)) return false;
	process.kill(state.pid, 'SIGTERM');
	for (let i = 0; i < 100 && alive(state.pid); i++) await new Promise((r) => setTimeout(r, 200));
	if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
	writeFileSync(stateFile, JSON.stringify({ ...state, pid: undefined }, null, 2));
	return true;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
