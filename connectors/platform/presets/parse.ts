/**
 * Parse Server as a destination: every record an object of its class, ids strings (objectId), and
 * every relationship a pointer rewritten through the ID map: an issue's project, parent, milestone
 * and labels, a comment's issue, a relation's two issues; attachments stored as Parse files and
 * held by an Attachment object pointing at its issue. A record carries its marker in `dmMarker`, and
 * a lost creation is found by a `where` query on it. Users are matched by e-mail, then username.
 */
import type { BodyValue, DestinationPreset, DestinationType } from '../../../core/platform/preset';
import type { PlatformList } from '../../../core/ports/platform';

const query = (path: string): PlatformList => ({
	path,
	recordsPath: 'results',
	pagination: { style: 'offset', offsetParam: 'skip', sizeParam: 'limit' },
	pageSize: 100,
	query: { order: 'createdAt' },
});
const pointer = (ref: string, className: string): BodyValue => ({
	ref,
	keep: 'id',
	wrap: { __type: 'Pointer', className, objectId: '$' },
});

/** A class of objects: created, found (by marker, or by a natural key), read back, deleted. */
function objects(
	className: string,
	body: Record<string, BodyValue>,
	verify: DestinationType['verify'] extends infer V ? (V extends { fields: infer F } ? F : never) : never,
	naturalKey?: { field: string; equals: string },
): DestinationType {
	return {
		create: { path: `/classes/${className}`, body: { ...body, dmMarker: { marker: true } } },
		find: {
			list: query(`/classes/${className}`),
			match: naturalKey ?? { field: 'dmMarker', marker: true },
			where: {
				param: 'where',
				filter: naturalKey ? { [naturalKey.field]: naturalKey.equals } : { dmMarker: '{marker}' },
			},
		},
		id: 'objectId',
		keep: { mention: `${className}/{dest.id}` },
		verify: { path: `/classes/${className}/{dest.id}`, fields: verify },
		delete: { path: `/classes/${className}/{dest.id}` },
	};
}

export const parseDestination = (masterKey: string, settings: Record<string, string> = {}): DestinationPreset => ({
	name: 'Parse',
	authHeader: { name: 'X-Parse-Master-Key', value: masterKey },
	headers: { 'X-Parse-Application-Id': settings.applicationId ?? '' },
	apiPath: '',
	testPath: '/serverInfo',
	marker: 'dm:{source}:{type}:{id}',
	types: {
		user: {
			lookup: {
				list: query('/users'),
				by: [
					{ field: 'email', equals: '{email}' },
					{ field: 'username', equals: '{login}' },
				],
			},
			id: 'objectId',
			keep: { login: 'username' },
		},
		project: objects(
			'Project',
			{ identifier: '{identifier}', name: '{name}', description: { field: 'description' } },
			{ identifier: 'identifier', name: 'name', description: 'description' },
			{ field: 'identifier', equals: '{identifier}' },
		),
		tracker: objects(
			'Label',
			{ name: 'tracker/{name}' },
			{ name: 'name' },
			{ field: 'name', equals: 'tracker/{name}' },
		),
		status: objects('Label', { name: 'status/{name}' }, { name: 'name' }, { field: 'name', equals: 'status/{name}' }),
		category: objects(
			'Category',
			{ name: '{name}', project: pointer('project', 'Project') },
			{ name: 'name', project: { path: 'project.objectId', equals: '{project.id}' } },
		),
		milestone: objects(
			'Milestone',
			{
				title: '{title}',
				description: { field: 'description' },
				state: { field: 'state' },
				project: pointer('project', 'Project'),
			},
			{
				title: 'title',
				description: 'description',
				state: 'state',
				project: { path: 'project.objectId', equals: '{project.id}' },
			},
		),
		issue: {
			...objects(
				'Issue',
				{
					title: '{title}',
					body: { field: 'body', mentions: true, notes: true },
					closed: { present: 'closedAt' },
					project: pointer('project', 'Project'),
					parent: pointer('parent', 'Issue'),
					milestone: pointer('milestone', 'Milestone'),
					category: pointer('category', 'Category'),
					labels: {
						refs: ['tracker', 'status'],
						keep: 'id',
						wrap: { __type: 'Pointer', className: 'Label', objectId: '$' },
					},
					assignee: pointer('assignee', '_User'),
					author: pointer('author', '_User'),
				},
				{
					title: 'title',
					body: 'body',
					closed: 'closed',
					project: { path: 'project.objectId', equals: '{project.id}' },
					parent: { path: 'parent.objectId', equals: '{parent.id}' },
					milestone: { path: 'milestone.objectId', equals: '{milestone.id}' },
					category: { path: 'category.objectId', equals: '{category.id}' },
				},
			),
			patch: { path: '/classes/Issue/{dest.id}', field: 'body' },
		},
		comment: {
			...objects(
				'Comment',
				{ body: { field: 'body', mentions: true, notes: true }, issue: pointer('issue', 'Issue') },
				{ body: 'body', issue: { path: 'issue.objectId', equals: '{issue.id}' } },
			),
			patch: { path: '/classes/Comment/{dest.id}', field: 'body' },
		},
		attachment: {
			...objects(
				'Attachment',
				{
					name: '{name}',
					size: { field: 'size' },
					file: { ref: 'upload', keep: 'name', wrap: { __type: 'File', name: '$' } },
					issue: pointer('issue', 'Issue'),
				},
				{ name: 'name', issue: { path: 'issue.objectId', equals: '{issue.id}' } },
			),
			// Parse takes only plain file names (and prefixes its own hash): the source id names the file, the object keeps the real name.
			upload: { path: '/files/attachment-{id}.bin', field: 'file', raw: true },
			keep: { url: '{upload.url}|file.url', file: '{upload.name}|file.name' },
		},
		relation: objects(
			'Relation',
			{ kind: { field: 'kind' }, from: pointer('from', 'Issue'), to: pointer('to', 'Issue') },
			{
				kind: 'kind',
				from: { path: 'from.objectId', equals: '{from.id}' },
				to: { path: 'to.objectId', equals: '{to.id}' },
			},
		),
	},
});
