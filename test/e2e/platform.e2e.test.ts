/**
 * The Redmine → Gitea template in a real n8n (the packed package installed as a community node), by
 * its Webhook: no key, no run; a migration answered with its report; n8n SIGKILLed mid-run and the
 * same request resuming with nothing created twice. n8n 2.x runs the first case only.
 */
import axios from 'axios';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { giteaSettings, redmineSettings } from '../../scripts/lib/local-services';
import { importJson, prepareN8n, setActive, startN8n, type N8nInstance, type Started } from '../helpers/n8n-process';
import { giteaToken, redmineKey, seedRedmine, type Seeded } from '../helpers/platforms';
import { requireService } from '../helpers/services';
import { templateCredentials } from '../helpers/templates';
import { postWebhook } from '../helpers/webhook-key';

const PORT = 5760 + Number(process.env.N8N_LINE ?? 1);
const line2 = process.env.N8N_LINE === '2';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tag = `e${Date.now().toString(36)}`;

describe(`Redmine → Gitea in n8n ${line2 ? '2.41.1' : '1.123.81'}, by Webhook`, () => {
	let n8n: N8nInstance;
	let server: Started;
	let seeded: Seeded;
	let token: string;

	beforeAll(async () => {
		await Promise.all([requireService('redmine'), requireService('gitea'), requireService('postgres')]);
		seeded = await seedRedmine({
			tag,
			projects: 2,
			issuesPerProject: line2 ? 10 : 60,
			users: 3,
			matched: 2,
			bigAttachment: 300_000,
		});
		token = await giteaToken();
		n8n = await prepareN8n();
		await importJson(
			n8n,
			'credentials',
			templateCredentials([
				{
					id: 'dmPlatformSrc001',
					name: 'Redmine',
					type: 'migrationPlatformSourceApi',
					data: { platform: 'redmine', baseUrl: redmineSettings.url, token: redmineKey() },
				},
				{
					id: 'dmPlatformDst001',
					name: 'Gitea',
					type: 'migrationPlatformApi',
					data: { platform: 'gitea', baseUrl: giteaSettings.url, token },
				},
			]),
		);
		const workflow = JSON.parse(readFileSync(join(__dirname, '../../workflows/redmine-to-gitea.json'), 'utf8'));
		await importJson(n8n, 'workflow', workflow);
		expect((await setActive(n8n, workflow.id)).code).toBe(0);
		server = await startN8n(n8n, PORT);
	});

	afterAll(async () => {
		await server?.stop();
	});

	const request = (migration: string) => ({
		migration,
		owner: migration,
		projects: seeded.projects.map((p) => p.identifier),
	});

	it('no key, no run; a run answers 200 with the report, every record verified', async () => {
		const refused = await postWebhook(PORT, 'redmine-to-gitea', request(`${tag}-refused`), {
			'content-type': 'application/json',
		});
		expect(refused.status).toBe(403);
		const answer = await postWebhook(PORT, 'redmine-to-gitea', request(`${tag}-a`));
		expect(answer.status).toBe(200);
		const issues = seeded.issues.length;
		expect(answer.json()).toMatchObject({
			status: 'COMPLETED',
			run: { types: { issue: { created: issues } } },
			validation: { passed: true, types: { issue: { source: issues, mapped: issues } } },
		});
	});

	(line2 ? it.skip : it)('n8n SIGKILLed mid-run: the same request resumes, nothing created twice', async () => {
		const migration = `${tag}-k`;
		const first = postWebhook(PORT, 'redmine-to-gitea', request(migration)).catch((error: Error) => ({
			status: 0,
			text: error.message,
		}));
		const gitea = axios.create({
			baseURL: `${giteaSettings.url}/api/v1`,
			headers: { Authorization: `token ${token}` },
		});
		const repo = seeded.projects[0].identifier;
		const count = () =>
			gitea.get(`/repos/${migration}/${repo}/issues`, { params: { state: 'all', type: 'issues', limit: 1 } }).then(
				(r) => Number(r.headers['x-total-count'] ?? 0),
				() => 0,
			);
		let made = 0;
		for (let i = 0; i < 1200 && made < 20; i++) {
			await sleep(100);
			made = await count();
		}
		expect(made).toBeGreaterThanOrEqual(20);
		server.process.kill('SIGKILL');
		await server.stop();
		expect((await first).status).not.toBe(200);

		server = await startN8n(n8n, PORT);
		const answer = await postWebhook(PORT, 'redmine-to-gitea', request(migration));
		expect(answer.status).toBe(200);
		const issues = seeded.issues.length;
		expect(answer.json()).toMatchObject({
			status: 'COMPLETED',
			validation: { passed: true, types: { issue: { source: issues, mapped: issues, missing: 0 } } },
		});
		for (const project of seeded.projects) {
			const { headers } = await gitea.get(`/repos/${migration}/${project.identifier}/issues`, {
				params: { state: 'all', type: 'issues', limit: 1 },
			});
			expect(Number(headers['x-total-count'])).toBe(
				seeded.issues.filter((i) => i.project === project.identifier).length,
			);
		}
	});
});
