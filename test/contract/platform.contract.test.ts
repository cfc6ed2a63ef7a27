/**
 * Platform → platform against the real pair: Redmine 5 (Debian's, seeded through its API) into
 * Gitea 1.27 (built from the Go module proxy). 500 issues in 2 projects with parents, relations,
 * journals, attachments (a 5 MB one, and one larger than Gitea takes), unicode titles and mentions;
 * the migration killed (kill -9) at several points and rerun: nothing duplicated, nothing missing,
 * every relationship right; Validate finds what was changed afterwards; rollback removes exactly
 * what the runs created; wrong tokens said plainly.
 */
import axios, { type AxiosInstance } from 'axios';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import type { PostgresConnector } from '../../connectors/postgres/postgres-connector';
import { IdMap } from '../../core/platform/id-map';
import { PlatformMigration, type PlatformRunReport } from '../../core/platform/migrate';
import { rollbackPlatform } from '../../core/platform/rollback';
import { verifyPlatform } from '../../core/platform/verify';
import { giteaSettings, postgresSettings } from '../../scripts/lib/local-services';
import { giteaToken, platformParts, seedRedmine, type PlatformTestRun, type Seeded } from '../helpers/platforms';
import { requireService } from '../helpers/services';

jest.setTimeout(20 * 60_000);

const MB = 1024 * 1024;
const tag = `p${Date.now().toString(36)}`;
let seeded: Seeded;
let state: PostgresConnector;
let gitea: AxiosInstance;
let run: PlatformTestRun;
let report: PlatformRunReport;

const mapOf = (name: string) => new IdMap(state.state, run.migration, name);

/** Runs the migration in a child process and kills it (-9) once it has created `after` more records. */
async function killAfter(after: number, name: string): Promise<void> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', join(__dirname, '../helpers/platform-child.ts'), JSON.stringify({ ...run, run: name })],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (data: Buffer) => {
			for (const line of data.toString().split('\n')) {
				const created = /^created (\d+)/.exec(line);
				if (!created) continue;
				if (Number(created[1]) >= after) resolve();
			}
		});
		child.on('exit', (code) => reject(new Error(`the migration ended (${code}) before ${after} creations`)));
	});
	child.kill('SIGKILL');
	await new Promise((resolve) => child.once('close', resolve));
}

/** Every record of a paged Gitea listing. */
async function all(path: string, params: Record<string, string> = {}): Promise<Array<Record<string, any>>> {
	const out: Array<Record<string, any>> = [];
	for (let page = 1; ; page++) {
		const { data } = await gitea.get(path, { params: { ...params, page, limit: 50 } });
		out.push(...data);
		if (data.length < 50) return out;
	}
}

beforeAll(async () => {
	await Promise.all([requireService('redmine'), requireService('gitea'), requireService('postgres')]);
	state = createPostgresConnector(postgresSettings);
	seeded = await seedRedmine({
		tag,
		projects: 2,
		issuesPerProject: 250,
		users: 6,
		matched: 4,
		bigAttachment: 5 * MB,
		tooBig: 9 * MB,
	});
	const token = await giteaToken();
	gitea = axios.create({ baseURL: `${giteaSettings.url}/api/v1`, headers: { Authorization: `token ${token}` } });
	run = { migration: tag, run: 'first', token, owner: tag, projects: seeded.projects.map((p) => p.identifier) };
	// What the organization held before: left by the migration (found, not made) and by its rollback.
	await gitea.post('/orgs', { username: tag });
	await gitea.post(`/orgs/${tag}/repos`, { name: 'keep-me' });
	await gitea.post(`/orgs/${tag}/labels`, { name: 'tracker/Bug', color: '#000000' });
});

afterAll(async () => {
	await state?.close();
});

describe('Redmine → Gitea', () => {
	it('killed at several points and rerun: every issue, comment, attachment and relation once, relationships right', async () => {
		await killAfter(30, 'killed-1'); // during the structure (repositories, labels, milestones)
		await killAfter(300, 'killed-2'); // among the issues
		await killAfter(650, 'killed-3'); // later issues, comments, attachments
		const parts = platformParts({ ...run, run: 'last' }, mapOf('last'));
		report = await new PlatformMigration(parts).run();

		// The one record Gitea refuses (larger than its 8 MB) is on Rejected with the reason; the rest migrated.
		expect(report.rejects).toHaveLength(1);
		expect(report.rejects[0]).toMatchObject({ type: 'attachment', status: 413 });
		expect(report.rejects[0].reason).toMatch(/exceeds limit/);
		expect(report.unmappedUsers.map((u) => u.label)).toEqual(
			expect.arrayContaining([`Fïrst4 Last4 (${tag}u4)`, `Fïrst5 Last5 (${tag}u5)`]),
		);
		// The label that was there already was found by its name, not made again, and is not the run's to delete.
		expect(await mapOf('look').get('tracker', '1')).toMatchObject({ state: 'done', created: false });

		for (const project of seeded.projects) {
			const issues = await all(`/repos/${tag}/${project.identifier}/issues`, { state: 'all', type: 'issues' });
			const expected = seeded.issues.filter((i) => i.project === project.identifier);
			expect(issues).toHaveLength(expected.length);
			const markers = issues.map((i) => /<!-- dm:redmine:issue:(\d+) -->/.exec(i.body)?.[1]);
			expect(new Set(markers).size).toBe(expected.length);
			expect(markers.map(Number).sort((a, b) => a - b)).toEqual(expected.map((i) => i.id).sort((a, b) => a - b));
			const byId = new Map(issues.map((i) => [Number(/issue:(\d+) -->/.exec(i.body)![1]), i]));
			for (const source of expected) {
				const issue = byId.get(source.id)!;
				expect(issue.title).toBe(source.subject);
				expect(issue.state).toBe(source.closed ? 'closed' : 'open');
				if (source.parent)
					expect(issue.body).toContain(`Parent: ${tag}/${project.identifier}#${byId.get(source.parent)!.number}`);
				// Its journals with notes, and one comment per relation it starts (naming the other issue).
				const relations = seeded.relations.filter((r) => r.from === source.id).length;
				expect(issue.comments).toBe(source.journals.length + relations);
			}
		}

		const verification = await verifyPlatform({ ...parts, map: mapOf('verify') });
		expect(verification.problems).toEqual([]);
		expect(verification.passed).toBe(true);
		expect(verification.types.issue).toMatchObject({ source: 500, mapped: 500, missing: 0, mismatched: 0 });
		expect(verification.types.comment.mapped).toBe(seeded.issues.reduce((n, i) => n + i.journals.length, 0));
		expect(verification.types.relation).toMatchObject({
			source: seeded.relations.length,
			mapped: seeded.relations.length,
		});
		expect(verification.types.relation.linksVerified).toBe(
			seeded.relations.filter((r) => ['blocks', 'precedes'].includes(r.kind)).length,
		);
		expect(verification.types.attachment).toMatchObject({ rejected: 1, missing: 0, mismatched: 0 });
		expect(verification.types.attachment.bytesVerified).toBeGreaterThanOrEqual(5 * MB);
	});

	it('a rerun after the run creates nothing', async () => {
		const again = await new PlatformMigration(platformParts({ ...run, run: 'again' }, mapOf('again'))).run();
		for (const [type, figures] of Object.entries(again.types))
			expect({ type, created: figures.created }).toEqual({ type, created: 0 });
		expect(again.types.issue.skipped).toBe(500);
	});

	it('Validate finds a changed title, a removed label and a deleted comment', async () => {
		const repo = seeded.projects[0].identifier;
		const issues = await all(`/repos/${tag}/${repo}/issues`, { state: 'all', type: 'issues' });
		const labelled = issues.find((i) => i.labels.length > 1)!;
		const titled = issues.find((i) => i.number !== labelled.number)!;
		await gitea.patch(`/repos/${tag}/${repo}/issues/${titled.number}`, { title: `${titled.title} (edited)` });
		await gitea.delete(`/repos/${tag}/${repo}/issues/${labelled.number}/labels/${labelled.labels[0].id}`);
		const commented = issues.find((i) => i.comments > 0)!;
		const [comment] = await all(`/repos/${tag}/${repo}/issues/${commented.number}/comments`);
		await gitea.delete(`/repos/${tag}/${repo}/issues/comments/${comment.id}`);
		const verification = await verifyPlatform(platformParts({ ...run, run: 'check' }, mapOf('check')));
		expect(verification.passed).toBe(false);
		const found = verification.problems.map((p) => `${p.type}:${p.what}`);
		expect(found).toEqual(
			expect.arrayContaining(['issue:title', 'issue:labels', expect.stringMatching(/^comment:cannot be read back/)]),
		);
		const title = verification.problems.find((p) => p.what === 'title')!;
		expect(title).toMatchObject({ expected: titled.title, actual: `${titled.title} (edited)` });
	});

	it('rollback deletes exactly what the runs created, newest first, and leaves what was there', async () => {
		const parts = platformParts({ ...run, run: 'rollback' }, mapOf('rollback'));
		const result = await rollbackPlatform(parts);
		expect(result.failed).toEqual([]);
		expect(result.deleted.project).toBe(2);
		expect(result.deleted.issue).toBe(500);
		const repos = await all(`/orgs/${tag}/repos`);
		expect(repos.map((r) => r.name)).toEqual(['keep-me']);
		const labels = await all(`/orgs/${tag}/labels`);
		expect(labels.map((l) => l.name)).toEqual(['tracker/Bug']);
		expect(await mapOf('after').entries()).toEqual([]);
	});
});

describe('credentials', () => {
	it('a wrong Redmine key or Gitea token is said plainly, without the secret', async () => {
		const wrongKey = randomBytes(20).toString('hex');
		const source = platformParts({ ...run, redmineKey: wrongKey, run: 'bad' }, mapOf('bad'));
		const sourceError = await new PlatformMigration({ ...source, only: { project: ['none'] } }).run().then(
			() => undefined,
			(e: Error) => e,
		);
		const wrongToken = randomBytes(20).toString('hex');
		const destination = platformParts({ ...run, token: wrongToken, run: 'bad' }, mapOf('bad'));
		const destinationError = await new PlatformMigration(destination).run().then(
			() => undefined,
			(e: Error) => e,
		);
		expect(sourceError).toMatchObject({ code: 'AUTH_FAILED' });
		expect(destinationError).toMatchObject({ code: 'AUTH_FAILED' });
		expect(destinationError!.message).toMatch(/^Gitea: 401 Unauthorized/);
		expect(sourceError!.message).toMatch(/^Redmine: 401 Unauthorized/);
		expect(`${sourceError!.message} ${destinationError!.message}`).not.toMatch(new RegExp(`${wrongKey}|${wrongToken}`));
	});
});
