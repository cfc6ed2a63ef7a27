/**
 * Redmine and Gitea as the tests use them: a Redmine seeded through its own API (users, projects,
 * categories, versions, issues with parents, relations, journals and attachments, authors switched
 * to the seeded users), Gitea tokens and users made through its API.
 */
import axios, { type AxiosInstance } from 'axios';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { platformTransport } from '../../connectors/platform/platform-client';
import { giteaDestination, parseDestination, redmineSource } from '../../connectors/platform/presets';
import type { IdMap } from '../../core/platform/id-map';
import { giteaSettings, parseSettings, redmineSettings } from '../../scripts/lib/local-services';

export const redmineKey = (): string => readFileSync(redmineSettings.keyFile, 'utf8').trim();

export function redmine(asUser?: string): AxiosInstance {
	return axios.create({
		baseURL: redmineSettings.url,
		headers: { 'X-Redmine-API-Key': redmineKey(), ...(asUser ? { 'X-Redmine-Switch-User': asUser } : {}) },
		validateStatus: (s) => s >= 200 && s < 300,
		maxBodyLength: Infinity,
	});
}

export function giteaAdmin(): AxiosInstance {
	return axios.create({
		baseURL: `${giteaSettings.url}/api/v1`,
		auth: { username: giteaSettings.admin, password: giteaSettings.password },
		validateStatus: (s) => s >= 200 && s < 300,
	});
}

/** A fresh all-scopes token of the Gitea admin. */
export async function giteaToken(): Promise<string> {
	const answer = await giteaAdmin().post(`/users/${giteaSettings.admin}/tokens`, {
		name: `dm-test-${randomBytes(6).toString('hex')}`,
		scopes: ['all'],
	});
	return answer.data.sha1 as string;
}

export async function giteaUser(login: string, email: string): Promise<void> {
	await giteaAdmin().post('/admin/users', {
		username: login,
		email,
		password: `Pw-${randomBytes(8).toString('hex')}`,
		must_change_password: false,
	});
}

export interface SeedSpec {
	/** A unique word for this seed: project identifiers and logins start with it. */
	tag: string;
	projects: number;
	issuesPerProject: number;
	/** Users created in Redmine; the first `matched` of them also exist in Gitea (same e-mail). */
	users: number;
	matched: number;
	/** One attachment of this many bytes on the first issue (plus small ones on every 10th). */
	bigAttachment: number;
	/** One more, on the second issue, larger than Gitea takes (services.sh sets 8 MB): its reject. */
	tooBig?: number;
}

export interface SeededIssue {
	id: number;
	project: string;
	subject: string;
	parent?: number;
	closed: boolean;
	journals: string[];
	attachments: Array<{ name: string; size: number; sha256: string }>;
	description: string;
	author: string;
}

export interface Seeded {
	projects: Array<{ id: number; identifier: string }>;
	users: Array<{ id: number; login: string; mail: string }>;
	issues: SeededIssue[];
	relations: Array<{ id: number; from: number; to: number; kind: string }>;
}

const TITLES = ['Ünïcödé title ✓', 'Émoji 🚀 launch', '日本語のタイトル', 'plain title', 'quotes "and" <tags> & amp'];

/** Seeds Redmine through its API; returns what it made, for the assertions. */
export async function seedRedmine(spec: SeedSpec): Promise<Seeded> {
	const api = redmine();
	const seeded: Seeded = { projects: [], users: [], issues: [], relations: [] };
	for (let u = 0; u < spec.users; u++) {
		const login = `${spec.tag}u${u}`;
		const mail = `${login}@example.test`;
		const { data } = await api.post('/users.json', {
			user: {
				login,
				firstname: `Fïrst${u}`,
				lastname: `Last${u}`,
				mail,
				password: `pw-${randomBytes(6).toString('hex')}`,
			},
		});
		seeded.users.push({ id: data.user.id, login, mail });
		if (u < spec.matched) await giteaUser(login, mail);
	}
	for (let p = 0; p < spec.projects; p++) {
		const identifier = `${spec.tag}-p${p}`;
		const { data } = await api.post('/projects.json', {
			project: {
				name: `Project ${p} ${spec.tag} ✓`,
				identifier,
				is_public: true,
				tracker_ids: [1, 2, 3],
				description: `Seeded ${p}`,
			},
		});
		const projectId = data.project.id as number;
		seeded.projects.push({ id: projectId, identifier });
		for (const user of seeded.users)
			await api.post(`/projects/${projectId}/memberships.json`, { membership: { user_id: user.id, role_ids: [3] } });
		const categories: number[] = [];
		for (const name of ['Backend', 'Front end ✓']) {
			const c = await api.post(`/projects/${projectId}/issue_categories.json`, { issue_category: { name } });
			categories.push(c.data.issue_category.id);
		}
		const versions: number[] = [];
		for (const [name, status] of [
			['v1.0', 'closed'],
			['v2.0 — next', 'open'],
		]) {
			const v = await api.post(`/projects/${projectId}/versions.json`, { version: { name, status: 'open' } });
			versions.push(v.data.version.id);
			if (status === 'closed') await api.put(`/versions/${v.data.version.id}.json`, { version: { status: 'closed' } });
		}
		const projectIssues: SeededIssue[] = [];
		for (let i = 0; i < spec.issuesPerProject; i++) {
			const author = seeded.users[i % seeded.users.length];
			const as = redmine(author.login);
			// Redmine refuses an open child of a closed parent: parents are picked among open issues.
			const parent =
				i % 7 === 3
					? projectIssues
							.slice(0, Math.floor(i / 2) + 1)
							.reverse()
							.find((x) => !x.closed)
					: undefined;
			const earlier = seeded.issues.length ? seeded.issues[(i * 13) % seeded.issues.length] : undefined;
			const subject = `${TITLES[i % TITLES.length]} ${p}/${i}`;
			const description = earlier
				? `Depends on the work in #${earlier.id}; see also #999999.`
				: `First issue of ${identifier}`;
			const uploads: Array<{ token: string; filename: string; content_type: string }> = [];
			const attachments: SeededIssue['attachments'] = [];
			const files: Array<[string, Buffer]> = [];
			if (p === 0 && i === 0 && spec.bigAttachment) files.push(['big file ✓.bin', randomBytes(spec.bigAttachment)]);
			if (p === 0 && i === 1 && spec.tooBig) files.push(['too big.bin', randomBytes(spec.tooBig)]);
			if (i % 10 === 5) files.push([`notes ${i}.txt`, Buffer.from(`attachment of issue ${i} ✓\n`)]);
			if (i % 25 === 7) files.push(['empty.txt', Buffer.alloc(0)]);
			for (const [name, bytes] of files) {
				const up = await as.post(`/uploads.json?filename=${encodeURIComponent(name)}`, bytes, {
					headers: { 'Content-Type': 'application/octet-stream' },
				});
				uploads.push({ token: up.data.upload.token, filename: name, content_type: 'application/octet-stream' });
				attachments.push({ name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
			}
			const { data: created } = await as.post('/issues.json', {
				issue: {
					project_id: projectId,
					tracker_id: 1 + (i % 3),
					subject,
					description,
					parent_issue_id: parent?.id,
					assigned_to_id: i % 4 === 0 ? seeded.users[(i + 1) % seeded.users.length].id : undefined,
					fixed_version_id: i % 3 === 0 ? versions[1] : undefined,
					category_id: i % 2 === 0 ? categories[i % 4 === 0 ? 0 : 1] : undefined,
					uploads,
				},
			});
			const issue: SeededIssue = {
				id: created.issue.id,
				project: identifier,
				subject,
				parent: parent?.id,
				closed: false,
				journals: [],
				attachments,
				description,
				author: author.login,
			};
			for (let j = 0; j < i % 3; j++) {
				const note = `Comment ${j} on ${i} — ✓ mentions #${issue.id}`;
				await redmine(seeded.users[(i + j) % seeded.users.length].login).put(`/issues/${issue.id}.json`, {
					issue: { notes: note },
				});
				issue.journals.push(note);
			}
			if (i % 6 === 1 && !projectIssues.some((x) => x.parent === issue.id)) {
				await api.put(`/issues/${issue.id}.json`, { issue: { status_id: 5 } });
				issue.closed = true;
			}
			projectIssues.push(issue);
			seeded.issues.push(issue);
		}
		for (let i = 2; i < projectIssues.length; i += 9) {
			const kind = ['relates', 'blocks', 'precedes', 'duplicates'][i % 4];
			const from = projectIssues[i];
			const to = projectIssues[i - 2];
			if (to.parent === from.id || from.parent === to.id) continue;
			const r = await api.post(`/issues/${from.id}/relations.json`, {
				relation: { issue_to_id: to.id, relation_type: kind },
			});
			// As Redmine keeps it: a symmetric "relates" is turned to start at the lower id.
			const kept = r.data.relation;
			seeded.relations.push({ id: kept.id, from: kept.issue_id, to: kept.issue_to_id, kind: kept.relation_type });
		}
	}
	return seeded;
}

/** What a test run names: the ID map's migration and run, the Gitea token and owner, the projects. */
export interface PlatformTestRun {
	migration: string;
	run: string;
	token: string;
	owner: string;
	projects: string[];
	redmineKey?: string;
	/** Gitea unless said. */
	destination?: 'gitea' | 'parse';
}

/** The engine's parts for a Redmine → Gitea (or → Parse Server) run of the test services. */
export function platformParts(run: PlatformTestRun, map: IdMap) {
	const sourcePreset = redmineSource(run.redmineKey ?? redmineKey());
	const toParse = run.destination === 'parse';
	const destinationPreset = toParse
		? parseDestination(run.token, { applicationId: parseSettings.applicationId })
		: giteaDestination(run.token);
	return {
		source: platformTransport(sourcePreset, { baseUrl: redmineSettings.url }),
		sourcePreset,
		destination: platformTransport(destinationPreset, { baseUrl: toParse ? parseSettings.url : giteaSettings.url }),
		destinationPreset,
		map,
		settings: { owner: run.owner },
		only: { project: run.projects },
	};
}
