/**
 * Gitea 1.2x as a destination: everything goes into one organization (`owner`, made when missing):
 * projects become repositories, trackers and statuses organization labels, categories repository
 * labels, versions milestones, issues issues (closed as they were), journals comments, attachments
 * issue assets, blocking relations issue dependencies (every relation also a comment that names the
 * other issue). Users are looked up by e-mail, then login, never created; authors post through
 * `sudo`. Page/limit pagination with a Link header; ids are integers apart from per-repository numbers.
 */
import type { DestinationPreset } from '../../../core/platform/preset';
import type { PlatformList } from '../../../core/ports/platform';

const pages = (path: string, query: Record<string, string> = {}): PlatformList => ({
	path,
	recordsPath: '',
	pagination: { style: 'linkHeader', sizeParam: 'limit' },
	pageSize: 50,
	query,
});
const colour = (hex: string) => ({ constant: hex });

export const giteaDestination = (token: string): DestinationPreset => ({
	name: 'Gitea',
	authHeader: { name: 'Authorization', value: `token ${token}` },
	apiPath: '/api/v1',
	testPath: '/user',
	marker: '<!-- dm:{source}:{type}:{id} -->',
	container: {
		find: '/orgs/{owner}',
		create: { path: '/orgs', body: { username: '{owner}', visibility: { constant: 'public' } } },
		delete: { path: '/orgs/{owner}' },
	},
	types: {
		user: {
			lookup: {
				list: pages('/admin/users'),
				by: [
					{ field: 'email', equals: '{email}' },
					{ field: 'login', equals: '{login}' },
				],
			},
			id: 'id',
			keep: { login: 'login' },
		},
		project: {
			create: { path: '/orgs/{owner}/repos', body: { name: '{identifier}', description: { field: 'description' } } },
			find: { list: pages('/orgs/{owner}/repos'), match: { field: 'name', equals: '{identifier}' } },
			id: 'id',
			keep: { name: 'name' },
			verify: { path: '/repos/{owner}/{dest.name}', fields: { name: 'name', description: 'description' } },
			delete: { path: '/repos/{owner}/{dest.name}' },
		},
		tracker: {
			create: { path: '/orgs/{owner}/labels', body: { name: 'tracker/{name}', color: colour('#1d76db') } },
			find: { list: pages('/orgs/{owner}/labels'), match: { field: 'name', equals: 'tracker/{name}' } },
			id: 'id',
			keep: {},
			verify: { path: '/orgs/{owner}/labels/{dest.id}', fields: { name: 'name' } },
			delete: { path: '/orgs/{owner}/labels/{dest.id}' },
		},
		status: {
			create: { path: '/orgs/{owner}/labels', body: { name: 'status/{name}', color: colour('#5319e7') } },
			find: { list: pages('/orgs/{owner}/labels'), match: { field: 'name', equals: 'status/{name}' } },
			id: 'id',
			keep: {},
			verify: { path: '/orgs/{owner}/labels/{dest.id}', fields: { name: 'name' } },
			delete: { path: '/orgs/{owner}/labels/{dest.id}' },
		},
		category: {
			create: {
				path: '/repos/{owner}/{project.name}/labels',
				body: { name: 'category/{name}', color: colour('#0e8a16') },
			},
			find: {
				list: pages('/repos/{owner}/{project.name}/labels'),
				match: { field: 'name', equals: 'category/{name}' },
			},
			id: 'id',
			keep: { repo: '{project.name}' },
			verify: { path: '/repos/{owner}/{dest.repo}/labels/{dest.id}', fields: { name: 'name' } },
			delete: { path: '/repos/{owner}/{dest.repo}/labels/{dest.id}' },
		},
		milestone: {
			create: {
				path: '/repos/{owner}/{project.name}/milestones',
				body: {
					title: '{title}',
					description: { field: 'description' },
					state: { field: 'state', values: { open: 'open', locked: 'open', closed: 'closed' } },
				},
			},
			find: {
				list: pages('/repos/{owner}/{project.name}/milestones', { state: 'all' }),
				match: { field: 'title', equals: '{title}' },
			},
			id: 'id',
			keep: { repo: '{project.name}' },
			verify: {
				path: '/repos/{owner}/{dest.repo}/milestones/{dest.id}',
				fields: { title: 'title', description: 'description', state: 'state' },
			},
			delete: { path: '/repos/{owner}/{dest.repo}/milestones/{dest.id}' },
		},
		// Project members become collaborators with write access: what lets an issue posted as its
		// author keep its labels, milestone and assignees (Gitea drops them for a mere reader).
		membership: {
			create: {
				method: 'PUT',
				path: '/repos/{owner}/{project.name}/collaborators/{user.login}',
				body: { permission: { constant: 'write' } },
			},
			id: '{project.name}/{user.login}',
			keep: { repo: '{project.name}', login: '{user.login}' },
			verify: {
				path: '/repos/{owner}/{dest.repo}/collaborators/{dest.login}/permission',
				fields: { permission: 'permission' },
			},
			delete: { path: '/repos/{owner}/{dest.repo}/collaborators/{dest.login}' },
		},
		issue: {
			create: {
				path: '/repos/{owner}/{project.name}/issues',
				body: {
					title: '{title}',
					body: { field: 'body', mentions: true, notes: true },
					labels: { refs: ['tracker', 'status', 'category'], keep: 'id' },
					milestone: { ref: 'milestone', keep: 'id' },
					assignees: { ref: 'assignee', keep: 'login', many: true },
					closed: { present: 'closedAt' },
				},
			},
			asUser: { ref: 'author', keep: 'login', query: 'sudo' },
			find: {
				list: pages('/repos/{owner}/{project.name}/issues', { state: 'all', type: 'issues' }),
				match: { field: 'body', marker: true },
			},
			id: 'id',
			keep: { number: 'number', repo: '{project.name}', mention: '{owner}/{project.name}#{dest.number}' },
			noteRefs: { parent: 'Parent' },
			verify: {
				path: '/repos/{owner}/{dest.repo}/issues/{dest.number}',
				fields: {
					title: 'title',
					body: 'body',
					labels: 'labels[].id',
					milestone: 'milestone.id',
					assignees: 'assignees[].login',
					closed: { path: 'state', values: { open: false, closed: true } },
					author: { path: 'user.login', equals: '{author.login}' },
				},
			},
			patch: { path: '/repos/{owner}/{dest.repo}/issues/{dest.number}', field: 'body' },
			delete: { path: '/repos/{owner}/{dest.repo}/issues/{dest.number}' },
		},
		comment: {
			create: {
				path: '/repos/{owner}/{issue.repo}/issues/{issue.number}/comments',
				body: { body: { field: 'body', mentions: true, notes: true } },
			},
			asUser: { ref: 'author', keep: 'login', query: 'sudo' },
			find: {
				list: pages('/repos/{owner}/{issue.repo}/issues/{issue.number}/comments'),
				match: { field: 'body', marker: true },
			},
			id: 'id',
			keep: { repo: '{issue.repo}' },
			verify: {
				path: '/repos/{owner}/{dest.repo}/issues/comments/{dest.id}',
				fields: {
					body: 'body',
					issue: { path: 'issue_url', endsWith: '/{issue.repo}/issues/{issue.number}' },
					author: { path: 'user.login', equals: '{author.login}' },
				},
			},
			patch: { path: '/repos/{owner}/{dest.repo}/issues/comments/{dest.id}', field: 'body' },
			delete: { path: '/repos/{owner}/{dest.repo}/issues/comments/{dest.id}' },
		},
		attachment: {
			upload: {
				path: '/repos/{owner}/{issue.repo}/issues/{issue.number}/assets',
				query: { name: '{name}' },
				field: 'attachment',
			},
			find: {
				list: { ...pages('/repos/{owner}/{issue.repo}/issues/{issue.number}/assets'), pagination: { style: 'none' } },
				match: { field: 'name', equals: '{name}' },
			},
			id: 'id',
			keep: { repo: '{issue.repo}', number: '{issue.number}', url: 'browser_download_url', size: 'size' },
			verify: {
				path: '/repos/{owner}/{issue.repo}/issues/{issue.number}/assets/{dest.id}',
				fields: { name: { path: 'name', equals: '{name}' }, size: { path: 'size', equals: '{size}' } },
			},
			delete: { path: '/repos/{owner}/{dest.repo}/issues/{dest.number}/assets/{dest.id}' },
		},
		relation: {
			create: {
				path: '/repos/{owner}/{from.repo}/issues/{from.number}/comments',
				body: { body: { text: 'Relation: {kind} {to.mention}', notes: true } },
			},
			find: {
				list: pages('/repos/{owner}/{from.repo}/issues/{from.number}/comments'),
				match: { field: 'body', marker: true },
			},
			id: 'id',
			keep: { repo: '{from.repo}' },
			verify: {
				path: '/repos/{owner}/{dest.repo}/issues/comments/{dest.id}',
				fields: { body: 'body', issue: { path: 'issue_url', endsWith: '/{from.repo}/issues/{from.number}' } },
			},
			delete: { path: '/repos/{owner}/{dest.repo}/issues/comments/{dest.id}' },
			// "A blocks B" and "A precedes B": B depends on A.
			link: {
				kinds: ['blocks', 'precedes'],
				create: {
					path: '/repos/{owner}/{to.repo}/issues/{to.number}/dependencies',
					body: { owner: '{owner}', repo: '{from.repo}', index: { ref: 'from', keep: 'number' } },
				},
				list: pages('/repos/{owner}/{to.repo}/issues/{to.number}/dependencies'),
				listedId: 'id',
				of: 'to',
				target: 'from',
			},
		},
	},
});
