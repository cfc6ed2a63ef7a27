/**
 * The Redmine → Gitea template in n8n's engine (in process) against the real pair: every object
 * type migrated and verified, the report; a rerun creates nothing; settings refused before anything
 * is written; a refused token answered at the step that met it.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { giteaSettings, parseSettings, postgresSettings, redmineSettings } from '../../scripts/lib/local-services';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { giteaToken, redmineKey, seedRedmine, type Seeded } from '../helpers/platforms';
import { requireService } from '../helpers/services';

const template = (name = 'redmine-to-gitea') =>
	JSON.parse(readFileSync(join(__dirname, `../../workflows/${name}.json`), 'utf8')) as WorkflowJson;

const tag = `w${Date.now().toString(36)}`;
let seeded: Seeded;
let credentials: Record<string, ICredentialDataDecryptedObject>;

const run = (request: IDataObject, extra: Record<string, ICredentialDataDecryptedObject> = {}, name?: string) =>
	runWorkflow(template(name), {
		credentials: { ...credentials, ...extra },
		startNode: 'When Called by Another Workflow',
		input: [request],
	});

describe('Redmine → Gitea template in n8n', () => {
	beforeAll(async () => {
		await Promise.all(['redmine', 'gitea', 'parse', 'postgres'].map((s) => requireService(s as 'redmine')));
		seeded = await seedRedmine({ tag, projects: 2, issuesPerProject: 20, users: 3, matched: 2, bigAttachment: 100_000 });
		credentials = {
			migrationPlatformSourceApi: { platform: 'redmine', baseUrl: redmineSettings.url, token: redmineKey() },
			migrationPlatformApi: { platform: 'gitea', baseUrl: giteaSettings.url, token: await giteaToken() },
			migrationPostgresApi: { ...postgresSettings, schema: 'public' },
		};
	});
	afterAll(() => shutdownEngine());

	const request = () => ({ migration: tag, owner: tag, projects: seeded.projects.map((p) => p.identifier) });

	it('migrates and verifies every object type, answers the report; a rerun creates nothing', async () => {
		const result = await run(request());
		expect(result.error).toBeUndefined();
		const [report] = result.output('Respond with Report');
		expect(report).toMatchObject({
			migration: tag,
			title: 'Redmine → Gitea',
			status: 'COMPLETED',
			rejected: [],
			run: { source: 'Redmine', destination: 'Gitea', types: { issue: { created: 40 }, project: { created: 2 } } },
			validation: { passed: true, types: { issue: { source: 40, mapped: 40, missing: 0, mismatched: 0 } } },
		});
		expect(String(report.markdown)).toContain(`# Platform migration report: Redmine → Gitea (${tag})`);
		expect(String(report.markdown)).toMatch(/\| issue \| 40 \| 40 \| 0 \| 0 \| 0 \| 0 \|/);
		const again = await run(request());
		expect(again.output('Respond with Report')[0]).toMatchObject({
			status: 'COMPLETED',
			run: { types: { issue: { created: 0, skipped: 40 }, comment: { created: 0 } } },
			validation: { passed: true },
		});
	});

	it('the same Redmine into Parse Server: pointers through the map, the empty files Parse refuses listed in the report', async () => {
		const result = await run(
			{ ...request(), migration: `${tag}-parse` },
			{
				migrationPlatformApi: {
					platform: 'parse',
					baseUrl: parseSettings.url,
					token: parseSettings.masterKey,
					applicationId: parseSettings.applicationId,
				},
			},
			'redmine-to-parse',
		);
		expect(result.error).toBeUndefined();
		const [report] = result.output('Respond with Report');
		const empties = seeded.issues.flatMap((i) => i.attachments.filter((a) => a.size === 0)).length;
		expect(empties).toBeGreaterThan(0);
		expect(report).toMatchObject({
			title: 'Redmine → Parse Server',
			status: 'COMPLETED WITH REJECTED RECORDS',
			run: { destination: 'Parse', types: { issue: { created: 40 } } },
			validation: { passed: true, types: { issue: { mapped: 40, mismatched: 0 } } },
		});
		expect((report.rejected as IDataObject[]).map((r) => r.type)).toEqual(Array(empties).fill('attachment'));
	});

	it('refuses bad settings before anything is written (400)', async () => {
		const result = await run({ migration: `${tag}-bad`, owner: 7 });
		const [answer] = result.output('Refused Settings');
		expect(String(answer.error)).toMatch(/"owner" must be/);
		expect(result.output('Migrate Records')).toEqual([]);
	});

	it('a refused Gitea token is answered at the step that met it (500), without the token', async () => {
		const token = 'f'.repeat(40);
		const result = await run(request(), {
			migrationPlatformApi: { platform: 'gitea', baseUrl: giteaSettings.url, token },
		});
		const [answer] = result.output('Step Failed');
		expect(answer).toMatchObject({ status: 'FAILED', step: 'Migrate Records' });
		expect(String(answer.error)).toMatch(/Gitea: 401 Unauthorized/);
		expect(JSON.stringify(answer)).not.toContain(token);
	});
});
