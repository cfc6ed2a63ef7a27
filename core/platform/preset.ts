/**
 * A platform described as data: where each object type is listed, what its id is, which fields
 * mean what, which other objects it points at, and — on the destination side — how one is created,
 * found again, linked and deleted. Adding a platform is a preset (connectors/platform/presets/),
 * not an engine change. Paths and bodies are templates: `{project.name}` is a value the ID map kept
 * for the record's mapped `project`, `{id}` the source id, `{owner}` a run setting.
 */
import type { PlatformList } from '../ports/platform';

/** A related record: its type and where its source id is in the record (`project.id`). */
export interface RefSpec {
	type: string;
	path: string;
}

/** Source side of one object type. */
export interface SourceType {
	/** Listed on its own (users, projects, issues). */
	list?: PlatformList;
	/** Listed once per migrated record of another type (versions per project): `{within}` (path or query) is its id. */
	within?: string;
	/** Held in the detail of another type's record, at this path (journals of an issue). */
	inDetailOf?: { type: string; path: string };
	/** A per-record GET whose body (at `recordPath`) is the full record. */
	detail?: { path: string; recordPath: string; query?: Record<string, string> };
	/** Path of the source id. */
	id: string;
	/** The field a run's selection names records by (`only: { project: ['web', 'api'] }`). */
	selectBy?: string;
	/** Canonical field → path in the source record. */
	fields: Record<string, string>;
	refs?: Record<string, RefSpec>;
	/** How notes name a record of this type (`{firstName} {lastName} ({login})`). */
	label?: string;
	/** Records left out, e.g. journals that only changed attributes (no notes). */
	skipWhenEmpty?: string;
	/** An attachment: where its bytes, name, size and type are. */
	file?: { url: string; name: string; size: string; contentType: string };
}

export interface SourcePreset {
	name: string;
	/** How the credential goes with each request: `X-Redmine-API-Key: {key}`. */
	authHeader: { name: string; value: string };
	/** Headers sent with every request that are no secret (Parse's application id). */
	headers?: Record<string, string>;
	/** Added to the platform's URL for every API request (`/api/v1`). */
	apiPath: string;
	testPath: string;
	/** In dependency order is not required: the engine orders types by their refs. */
	types: Record<string, SourceType>;
	/** A mention of another record in text (`#123` in Redmine): its pattern (group 1: the id) and type. */
	mentions?: { pattern: string; type: string };
}

/**
 * A value of a destination body. A string is a template: `{name}` a canonical field, `{project.name}`
 * a value kept for the mapped ref `project`, `{dest.number}` a value kept for this record, `{owner}` a
 * setting, `{id}` the source id.
 */
export type BodyValue =
	| string
	/**
	 * Text from a canonical field (or a template): `mentions` rewrites mentions through the map, `notes`
	 * appends the run's notes (origin, unmapped users, note refs) and the marker; `values` maps values.
	 */
	| { field?: string; text?: string; mentions?: boolean; notes?: boolean; values?: Record<string, unknown> }
	/** Whether a canonical field has a value. */
	| { present: string }
	/**
	 * A mapped ref's kept value (absent: left out; `many`: as a one-element list); `wrap` puts it in an
	 * object, `$` standing for the value (a Parse pointer: `{ __type: 'Pointer', className: 'Issue', objectId: '$' }`).
	 */
	| { ref: string; keep: string; many?: boolean; wrap?: Record<string, unknown> }
	/** The kept values of several refs, as a list (labels from tracker, status, category), each wrapped if asked. */
	| { refs: string[]; keep: string; wrap?: Record<string, unknown> }
	/** The record's marker (a field of its own where the destination has no text to put it in). */
	| { marker: true }
	| { constant: unknown };

/** A request template: a path and, for JSON requests, a body. */
export interface RequestSpec {
	/** POST unless said (a PUT that adds a collaborator). */
	method?: 'POST' | 'PUT';
	path: string;
	body?: Record<string, BodyValue>;
	query?: Record<string, string>;
}

export interface VerifyField {
	path: string;
	values?: Record<string, unknown>;
	equals?: string;
	endsWith?: string;
}

/** Destination side of one object type. */
export interface DestinationType {
	/** How one record is made. */
	create?: RequestSpec;
	/**
	 * An attachment: its bytes uploaded as multipart field `field`, or as the raw body (`raw`). With a
	 * `create` too, the upload comes first and the create's templates read its answer as `upload.*`.
	 */
	upload?: RequestSpec & { field: string; raw?: boolean };
	/** Sends the request as the mapped user of this ref (`sudo=login` on Gitea). */
	asUser?: { ref: string; keep: string; query: string };
	/** The created (or found) record's id: a path in the answer, or a template (an answer without a body). */
	id: string;
	/**
	 * Values kept in the ID map: a path in the answer, or a template (`{issue.repo}`, `{dest.number}`).
	 * `mention` is how other records' text names this one (`{owner}/{project.name}#{dest.number}`).
	 */
	keep: Record<string, string>;
	/** Where a record is looked for when its creation may have happened (answer lost) or it exists already. */
	find?: {
		list: PlatformList;
		match: { field: string; equals: string } | { field: string; marker: true };
		/** A query parameter holding a JSON filter (Parse's `where`), its strings templates (`{marker}` too). */
		where?: { param: string; filter: Record<string, string> };
	};
	/** Looked up only, never created (users): the first rule that matches wins. */
	lookup?: { list: PlatformList; by: Array<{ field: string; equals: string }> };
	/**
	 * How Validate reads a migrated record back (`{dest.*}` in the path) and compares it: a field named
	 * like a body value of `create` is compared with that value recomputed through the map, read at a
	 * path of the answer (`labels[].id` reads a list; `values` translates what it reads); or with a
	 * template (`equals`, `endsWith`; skipped when the template has no value, e.g. an unmatched author).
	 */
	verify?: { path: string; fields: Record<string, string | VerifyField> };
	/** How a created record is deleted (rollback). */
	delete?: RequestSpec;
	/** Rewrites a text field once every record exists (mentions of records created later). */
	patch?: RequestSpec & { field: string };
	/** Refs written as a line of the notes (`Parent: org/repo#5`). */
	noteRefs?: Record<string, string>;
	/**
	 * Kinds of this type that are also made as a link once all records exist (issue dependencies):
	 * `list` names the links of ref `of`, whose `listedId` must equal the mapped id of ref `target`.
	 */
	link?: { kinds: string[]; create: RequestSpec; list: PlatformList; listedId: string; of: string; target: string };
}

export interface DestinationPreset {
	name: string;
	authHeader: { name: string; value: string };
	/** Headers sent with every request that are no secret (Parse's application id). */
	headers?: Record<string, string>;
	apiPath: string;
	testPath: string;
	/** The container every record goes into (an organization), made when missing. */
	container?: { find: string; create: RequestSpec; delete?: RequestSpec };
	types: Record<string, DestinationType>;
	/** The marker written into a record's text (`<!-- dm:{source}:{type}:{id} -->`): how a lost creation is found. */
	marker: string;
}
