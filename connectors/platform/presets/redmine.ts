/**
 * Redmine 5 as a source: users, projects, their versions and categories, trackers and statuses,
 * issues (with parent, author, assignee) and, from each issue's detail, its journals, attachments
 * and relations. Offset/limit pagination; `#123` in text names issue 123.
 */
import type { SourcePreset } from '../../../core/platform/preset';

const offset = (path: string, recordsPath: string, query: Record<string, string> = {}) => ({
	path,
	recordsPath,
	pagination: { style: 'offset' as const, offsetParam: 'offset', sizeParam: 'limit' },
	pageSize: 100,
	query,
});
const whole = (path: string, recordsPath: string) => ({
	path,
	recordsPath,
	pagination: { style: 'none' as const },
	pageSize: 0,
});

export const redmineSource = (apiKey: string): SourcePreset => ({
	name: 'Redmine',
	authHeader: { name: 'X-Redmine-API-Key', value: apiKey },
	apiPath: '',
	testPath: '/users/current.json',
	mentions: { pattern: '(?<![\\w/&])#(\\d+)\\b', type: 'issue' },
	types: {
		user: {
			list: offset('/users.json', 'users', { status: '' }),
			id: 'id',
			fields: { login: 'login', email: 'mail', firstName: 'firstname', lastName: 'lastname' },
			label: '{firstName} {lastName} ({login})',
		},
		project: {
			list: offset('/projects.json', 'projects'),
			selectBy: 'identifier',
			id: 'id',
			fields: { identifier: 'identifier', name: 'name', description: 'description' },
		},
		tracker: { list: whole('/trackers.json', 'trackers'), id: 'id', fields: { name: 'name' } },
		status: {
			list: whole('/issue_statuses.json', 'issue_statuses'),
			id: 'id',
			fields: { name: 'name', closed: 'is_closed' },
		},
		category: {
			list: whole('/projects/{within}/issue_categories.json', 'issue_categories'),
			within: 'project',
			id: 'id',
			fields: { name: 'name' },
			refs: { project: { type: 'project', path: 'project.id' } },
		},
		milestone: {
			list: offset('/projects/{within}/versions.json', 'versions'),
			within: 'project',
			id: 'id',
			fields: { title: 'name', description: 'description', state: 'status' },
			refs: { project: { type: 'project', path: 'project.id' } },
		},
		membership: {
			list: offset('/projects/{within}/memberships.json', 'memberships'),
			within: 'project',
			id: 'id',
			fields: {},
			refs: { project: { type: 'project', path: 'project.id' }, user: { type: 'user', path: 'user.id' } },
		},
		issue: {
			// Per project (its subprojects' issues apart), every status, oldest first.
			list: offset('/issues.json', 'issues', {
				project_id: '{within}',
				subproject_id: '!*',
				status_id: '*',
				sort: 'id',
			}),
			within: 'project',
			detail: { path: '/issues/{id}.json', recordPath: 'issue', query: { include: 'journals,attachments,relations' } },
			id: 'id',
			// What no destination field holds (priority, dates, estimates, custom fields) goes into the record's notes.
			fields: {
				title: 'subject',
				body: 'description',
				createdAt: 'created_on',
				closedAt: 'closed_on',
				priority: 'priority.name',
				startDate: 'start_date',
				dueDate: 'due_date',
				estimatedHours: 'estimated_hours',
				doneRatio: 'done_ratio',
				private: 'is_private',
				customFields: 'custom_fields',
			},
			refs: {
				project: { type: 'project', path: 'project.id' },
				parent: { type: 'issue', path: 'parent.id' },
				author: { type: 'user', path: 'author.id' },
				assignee: { type: 'user', path: 'assigned_to.id' },
				milestone: { type: 'milestone', path: 'fixed_version.id' },
				tracker: { type: 'tracker', path: 'tracker.id' },
				status: { type: 'status', path: 'status.id' },
				category: { type: 'category', path: 'category.id' },
			},
		},
		comment: {
			inDetailOf: { type: 'issue', path: 'journals' },
			id: 'id',
			skipWhenEmpty: 'notes',
			fields: { body: 'notes', createdAt: 'created_on' },
			refs: { author: { type: 'user', path: 'user.id' } },
		},
		attachment: {
			inDetailOf: { type: 'issue', path: 'attachments' },
			id: 'id',
			fields: { name: 'filename', size: 'filesize', contentType: 'content_type', createdAt: 'created_on' },
			refs: { author: { type: 'user', path: 'author.id' } },
			file: { url: 'content_url', name: 'filename', size: 'filesize', contentType: 'content_type' },
		},
		relation: {
			inDetailOf: { type: 'issue', path: 'relations' },
			id: 'id',
			fields: { kind: 'relation_type' },
			refs: { from: { type: 'issue', path: 'issue_id' }, to: { type: 'issue', path: 'issue_to_id' } },
		},
	},
});
