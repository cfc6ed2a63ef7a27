/**
 * The same Redmine into Parse Server (on PostgreSQL): string ids, and every relationship a pointer
 * rewritten through the ID map — the preset layer on a second destination, with no engine change.
 * Killed mid-run and rerun: no object twice, every pointer right, Validate passing; the files Parse
 * refuses (empty ones) on Rejected with the reason; rollback removes every object the runs made.
 */
import axios, { type AxiosInstance } from 'axios';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import type { PostgresConnector } from '../../connectors/postgres/postgres-connector';
import { IdMap } from '../../core/platform/id-map';
import { PlatformMigration } from '../../core/platform/migrate';
import { rollbackPlatform } from '../../core/platform/rollback';
import { verifyPlatform } from '../../core/platform/verify';
import { parseSettings, postgresSettings } from '../../scripts/lib/local-services';
import { platformParts, seedRedmine, type PlatformTestRun, type Seeded } from '../helpers/platforms';
import { requireService } from '../helpers/services';

jest.setTimeout(10 * 60_000);

const tag = `q${Date.now().toString(36)}`;
let seeded: Seeded;
let state: PostgresConnector;
let parse: AxiosInstance;
let run: PlatformTestRun;
const mapOf = (name: string) => new IdMap(state.state, run.migration, name);

/** Every object of a class whose marker is this migration's source (they all start dm:redmine:). */
async function objects(className: string, where: object = {}): Promise<Array<Record<string, any>>> {
	const out: Array<Record<string, any>> = [];
	for (let skip = 0; ; skip += 100) {
		const { data } = await parse.get(`/classes/${className}`, {
			params: { where: JSON.stringify(where), limit: 100, skip, order: 'createdAt' },
		});
		out.push(...data.results);
		if (data.results.length < 100) return out;
	}
}

async function killAfter(after: number, name: string): Promise<void> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', join(__dirname, '../helpers/platform-child.ts'), JSON.stringify({ ...run, run: name })],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (data: Buffer) => {
			for (const line of data.toString().split('\n'))
				if (Number(/^created (\d+)/.exec(line)?.[1] ?? 0) >= after) resolve();
		});
		child.on('exit', (code) => reject(new Error(`the migration ended (${code}) before ${after} creations`)));
	});
	child.kill('SIGKILL');
	await new Promise((resolve) => child.once('close', resolve));
}

beforeAll(async () => {
	await Promise.all([requireService('redmine'), requireService('parse'), requireService('postgres')]);
	state = createPostgresConnector(postgresSettings);
	seeded = await seedRedmine({
		tag,
		projects: 2,
		issuesPerProject: 30,
		users: 3,
		matched: 0,
		bigAttachment: 2 * 1024 * 1024,
	});
	parse = axios.create({
		baseURL: parseSettings.url,
		headers: { 'X-Parse-Application-Id': parseSettings.applicationId, 'X-Parse-Master-Key': parseSettings.masterKey },
	});
	run = {
		migration: tag,
		run: 'first',
		token: parseSettings.masterKey,
		owner: tag,
		projects: seeded.projects.map((p) => p.identifier),
		destination: 'parse',
	};
});

afterAll(async () => {
	await state?.close();
});

describe('Redmine → Parse Server (string ids, pointers)', () => {
	it('killed mid-run and rerun: each object once, every pointer rewritten through the map, Validate passing', async () => {
		await killAfter(60, 'killed');
		const parts = platformParts({ ...run, run: 'last' }, mapOf('last'));
		const report = await new PlatformMigration(parts).run();
		const empties = seeded.issues.flatMap((i) => i.attachments.filter((a) => a.size === 0));
		expect(report.rejects).toHaveLength(empties.length);
		for (const reject of report.rejects) expect(reject).toMatchObject({ type: 'attachment', status: 400 });

		const issues = (await objects('Issue')).filter((i) =>
			seeded.issues.some((s) => i.dmMarker === `dm:redmine:issue:${s.id}`),
		);
		expect(issues).toHaveLength(seeded.issues.length);
		const byMarker = new Map(issues.map((i) => [i.dmMarker as string, i]));
		const projects = await objects('Project', { identifier: { $in: run.projects } });
		expect(projects.map((p) => p.identifier).sort()).toEqual([...run.projects].sort());
		for (const source of seeded.issues) {
			const issue = byMarker.get(`dm:redmine:issue:${source.id}`)!;
			expect(typeof issue.objectId).toBe('string');
			expect(issue.title).toBe(source.subject);
			expect(issue.closed).toBe(source.closed);
			expect(issue.project.objectId).toBe(projects.find((p) => p.identifier === source.project)!.objectId);
			if (source.parent)
				expect(issue.parent).toMatchObject({
					__type: 'Pointer',
					className: 'Issue',
					objectId: byMarker.get(`dm:redmine:issue:${source.parent}`)!.objectId,
				});
			else expect(issue.parent).toBeUndefined();
			const comments = await objects('Comment', {
				issue: { __type: 'Pointer', className: 'Issue', objectId: issue.objectId },
			});
			expect(comments.map((c) => c.body.split('\n\n---\n')[0]).sort()).toEqual(
				source.journals
					.map((j) =>
						j.replace(/#(\d+)/, (_m, id: string) => `Issue/${byMarker.get(`dm:redmine:issue:${id}`)!.objectId}`),
					)
					.sort(),
			);
		}
		const relations = await objects('Relation', { dmMarker: { $regex: '^dm:redmine:relation:' } });
		for (const relation of seeded.relations) {
			const made = relations.filter((r) => r.dmMarker === `dm:redmine:relation:${relation.id}`);
			expect(made).toHaveLength(1);
			expect(made[0].from.objectId).toBe(byMarker.get(`dm:redmine:issue:${relation.from}`)!.objectId);
			expect(made[0].to.objectId).toBe(byMarker.get(`dm:redmine:issue:${relation.to}`)!.objectId);
		}

		const verification = await verifyPlatform({ ...parts, map: mapOf('verify') });
		expect(verification.problems).toEqual([]);
		expect(verification.types.issue).toMatchObject({ source: 60, mapped: 60, missing: 0, mismatched: 0 });
		expect(verification.types.attachment.bytesVerified).toBeGreaterThanOrEqual(2 * 1024 * 1024);
	});

	it('rollback deletes every object the runs made', async () => {
		const result = await rollbackPlatform(platformParts({ ...run, run: 'rollback' }, mapOf('rollback')));
		expect(result.failed).toEqual([]);
		expect(result.deleted.issue).toBe(60);
		expect(await objects('Project', { identifier: { $in: run.projects } })).toEqual([]);
		expect(
			await objects('Issue', {
				project: { $exists: true },
				dmMarker: { $in: seeded.issues.map((i) => `dm:redmine:issue:${i.id}`) },
			}),
		).toEqual([]);
	});
});
