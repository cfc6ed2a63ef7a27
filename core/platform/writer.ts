/**
 * Creates one record on the destination platform, exactly once across reruns: the ID map entry is
 * written `creating` before the request and `done` with the answer; a record already done is left,
 * one left `creating` (its answer lost) or one with a natural key is looked for first. Refs are
 * rewritten through the map, mentions in text too, and the notes say where the record came from and
 * which users had no match. A refusal of the record itself (4xx) rejects it with the reason; any
 * other failure stops the run, to be rerun.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isMigrationError } from '../model/errors';
import type { PlatformRequest, PlatformTransport } from '../ports/platform';
import type { MapEntry } from './id-map';
import type { PlatformParts } from './parts';
import type { BodyValue, DestinationType } from './preset';
import type { PlatformRecord } from './records';
import { fill, fillPath, hasValue, placeholders, valueAt, type TemplateContext } from './template';

/** Answers that refuse the record itself: it goes to Rejected and the run goes on. */
const RECORD_REFUSALS = new Set([400, 404, 409, 413, 422]);

export interface PlatformReject {
	type: string;
	id: string;
	reason: string;
	status?: number;
}

export type Outcome = 'created' | 'found' | 'skipped' | 'rejected' | 'unmapped';

export interface WriterParts extends PlatformParts {
	onReject(reject: PlatformReject): void;
	onBytes(bytes: number): void;
}

/** A record that cannot be written as it is: rejected with this reason. */
class Refused extends Error {
	constructor(
		readonly reason: string,
		readonly status?: number,
		/** Refused only because a user it needs has no match: counted with the unmapped, not rejected. */
		readonly unmapped = false,
	) {
		super(reason);
	}
}

export class RecordWriter {
	constructor(private readonly parts: WriterParts) {}

	private spec(type: string): DestinationType {
		return this.parts.destinationPreset.types[type];
	}

	/** Makes sure the record exists on the destination and is mapped; what happened to it. */
	async ensure(record: PlatformRecord): Promise<{ outcome: Outcome; entry?: MapEntry }> {
		const { map } = this.parts;
		const known = await map.get(record.type, record.id);
		if (known?.state === 'done') return { outcome: 'skipped', entry: known };
		const made = await this.findOrCreate(record, known).then(
			(result) => result,
			(error: unknown) => (error instanceof Refused ? error : Promise.reject(error)),
		);
		if (!(made instanceof Refused)) return made;
		const state = made.unmapped ? 'unmapped' : 'rejected';
		await map.put(record.type, record.id, { state, kept: {}, created: false, reason: made.reason });
		if (!made.unmapped)
			this.parts.onReject({ type: record.type, id: record.id, reason: made.reason, status: made.status });
		return { outcome: state };
	}

	private async findOrCreate(
		record: PlatformRecord,
		known: MapEntry | undefined,
	): Promise<{ outcome: Outcome; entry: MapEntry }> {
		const context = await this.context(record);
		const found = await this.find(record, context, known?.state === 'creating');
		if (found) {
			const entry = await this.parts.map.put(record.type, record.id, {
				state: 'done',
				dest: found.id,
				kept: this.kept(record.type, found.body, context),
				created: known?.state === 'creating',
			});
			return { outcome: 'found', entry };
		}
		return { outcome: 'created', entry: await this.create(record, context) };
	}

	/**
	 * The values templates read: fields, the source id, settings, and for each mapped ref its id and
	 * kept values (`project.name`). A ref that is not mapped is simply absent: a template needing it
	 * refuses the record, naming the ref.
	 */
	async context(record: PlatformRecord): Promise<TemplateContext> {
		const context: TemplateContext = { ...this.parts.settings, ...record.fields, id: record.id };
		for (const [name, ref] of Object.entries(record.refs)) {
			const entry = await this.parts.map.get(ref.type, ref.id);
			if (entry?.state === 'unmapped') context[`${name}.unmapped`] = true;
			if (entry?.state !== 'done') continue;
			context[`${name}.id`] = entry.dest;
			for (const [k, v] of Object.entries(entry.kept)) context[`${name}.${k}`] = v;
		}
		return context;
	}

	/** Fills a template, refusing the record when a ref it needs is not mapped. */
	private filled(record: PlatformRecord, template: string, context: TemplateContext, path = false): string {
		const missing = placeholders(template).find((name) => !hasValue(context, name));
		if (missing !== undefined) {
			const refName = missing.split('.')[0];
			const ref = record.refs[refName];
			if (ref && context[`${refName}.unmapped`])
				throw new Refused(
					`its ${refName} (${this.parts.sourcePreset.name} ${ref.type} ${ref.id}) has no match on ${this.parts.destinationPreset.name}`,
					undefined,
					true,
				);
			throw new Refused(
				ref
					? `its ${refName} (${this.parts.sourcePreset.name} ${ref.type} ${ref.id}) was not migrated`
					: `it has no ${missing} (needed by "${template}")`,
			);
		}
		const what = `${record.type} ${record.id}`;
		return path ? fillPath(template, context, what) : fill(template, context, what);
	}

	/** The record on the destination: by its natural key, or by its marker when a creation may have happened. */
	private async find(
		record: PlatformRecord,
		context: TemplateContext,
		mayExist: boolean,
	): Promise<{ id: string | number; body: Record<string, unknown> } | undefined> {
		const find = this.spec(record.type).find;
		if (!find) return undefined;
		const byMarker = 'marker' in find.match;
		if (byMarker && !mayExist) return undefined;
		const wanted = byMarker
			? this.marker(record)
			: this.filled(record, (find.match as { equals: string }).equals, context);
		const list = { ...find.list, path: this.filled(record, find.list.path, context, true) };
		if (find.where) {
			const withMarker = { ...context, marker: this.marker(record) };
			const filter = Object.fromEntries(
				Object.entries(find.where.filter).map(([k, v]) => [k, this.filled(record, v, withMarker)]),
			);
			list.query = { ...list.query, [find.where.param]: JSON.stringify(filter) };
		}
		for await (const page of this.parts.destination.pages(list)) {
			for (const candidate of page) {
				const value = valueAt(candidate, find.match.field);
				if (byMarker ? typeof value === 'string' && value.includes(wanted) : String(value) === wanted)
					return { id: valueAt(candidate, this.spec(record.type).id) as string | number, body: candidate };
			}
		}
		return undefined;
	}

	private async create(record: PlatformRecord, context: TemplateContext): Promise<MapEntry> {
		const spec = this.spec(record.type);
		const { map, destination } = this.parts;
		const send = (request: PlatformRequest) =>
			destination.json(request).catch((error: unknown) => Promise.reject(refusal(error)));
		let digest: (() => { sha256: string; size: number }) | undefined;
		let body: Record<string, unknown> = {};
		if (spec.upload) {
			const upload = await this.uploadRequest(record, context, spec);
			digest = upload.digest;
			await map.put(record.type, record.id, { state: 'creating', kept: {}, created: true });
			body = ((await send(upload.request)).body ?? {}) as Record<string, unknown>;
			// A create after the upload (a Parse object holding the file) reads its answer as `upload.*`.
			for (const [k, v] of Object.entries(body)) context[`upload.${k}`] = v;
		}
		if (spec.create) {
			const request = await this.createRequest(record, context, spec);
			if (!spec.upload) await map.put(record.type, record.id, { state: 'creating', kept: {}, created: true });
			body = ((await send(request)).body ?? {}) as Record<string, unknown>;
		}
		const kept = this.kept(record.type, body, context);
		if (digest) Object.assign(kept, await this.verifyUpload(record, kept, digest()));
		return map.put(record.type, record.id, { state: 'done', dest: kept.id as string | number, kept, created: true });
	}

	private async createRequest(
		record: PlatformRecord,
		context: TemplateContext,
		spec: DestinationType,
	): Promise<PlatformRequest> {
		const create = spec.create;
		if (!create) throw new Refused(`${this.parts.destinationPreset.name} has no way to create a ${record.type}`);
		const json: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(create.body ?? {})) {
			const filled = await this.value(record, value, context);
			if (filled !== undefined) json[name] = filled;
		}
		return {
			method: create.method ?? 'POST',
			path: this.filled(record, create.path, context, true),
			query: this.query(record, spec, context),
			json,
		};
	}

	/** An attachment: the source's bytes streamed into a multipart upload, hashed on the way. */
	private async uploadRequest(
		record: PlatformRecord,
		context: TemplateContext,
		spec: DestinationType,
	): Promise<{ request: PlatformRequest; digest: () => { sha256: string; size: number } }> {
		const upload = spec.upload!;
		const file = this.parts.sourcePreset.types[record.type].file;
		if (!file) throw new Refused(`${this.parts.sourcePreset.name} ${record.type} has no file`);
		const path = this.filled(record, upload.path, context, true);
		const size = Number(valueAt(record.raw, file.size));
		const { stream } = await this.parts.source.download(String(valueAt(record.raw, file.url)));
		const hash = createHash('sha256');
		let seen = 0;
		// Hashed as it passes (a 'data' listener would start the flow before the upload reads it).
		const counted = new Transform({
			transform: (chunk: Buffer, _encoding, done) => {
				hash.update(chunk);
				seen += chunk.length;
				this.parts.onBytes(chunk.length);
				done(null, chunk);
			},
		});
		stream.on('error', (error) => counted.destroy(error));
		stream.pipe(counted);
		const query: Record<string, string> = { ...this.query(record, spec, context) };
		for (const [k, v] of Object.entries(upload.query ?? {})) query[k] = this.filled(record, v, context);
		return {
			request: {
				method: 'POST',
				path,
				query,
				file: {
					field: upload.field,
					name: String(valueAt(record.raw, file.name)),
					contentType: String(valueAt(record.raw, file.contentType) ?? ''),
					size,
					stream: counted,
					raw: upload.raw,
				},
			},
			digest: () => ({ sha256: hash.digest('hex'), size: seen }),
		};
	}

	/** The uploaded file read back from the destination: same size and SHA-256 as the source's, or rejected. */
	private async verifyUpload(
		record: PlatformRecord,
		kept: Record<string, unknown>,
		source: { sha256: string; size: number },
	): Promise<Record<string, unknown>> {
		const back = await digestOf(this.parts.destination, String(kept.url));
		if (back.sha256 !== source.sha256 || back.size !== source.size)
			throw new Refused(
				`the uploaded file differs from the source: source ${source.size} bytes sha256 ${source.sha256}, destination ${back.size} bytes sha256 ${back.sha256}`,
			);
		return { sha256: source.sha256, size: source.size };
	}

	/** The query that makes the request as the record's mapped user (`sudo`), when the preset says so. */
	private query(record: PlatformRecord, spec: DestinationType, context: TemplateContext): Record<string, string> {
		const as = spec.asUser;
		if (!as) return {};
		const login = context[`${as.ref}.${as.keep}`] ?? this.parts.settings.fallbackUser;
		return hasValue({ login }, 'login') ? { [as.query]: String(login) } : {};
	}

	/** A body value for this record as the map stands now (creation, patches, Validate's expectation). */
	async value(record: PlatformRecord, value: BodyValue, context: TemplateContext): Promise<unknown> {
		if (typeof value === 'string') return this.filled(record, value, context);
		if ('constant' in value) return value.constant;
		if ('present' in value) return hasValue(context, value.present);
		if ('marker' in value) return this.marker(record);
		if ('refs' in value)
			return value.refs
				.map((r) => context[`${r}.${value.keep}`])
				.filter((v) => v !== undefined)
				.map((v) => wrapped(v, value.wrap));
		if ('ref' in value) {
			const v = context[`${value.ref}.${value.keep}`];
			return v === undefined ? undefined : value.many ? [wrapped(v, value.wrap)] : wrapped(v, value.wrap);
		}
		const raw = value.text !== undefined ? this.filled(record, value.text, context) : record.fields[value.field ?? ''];
		if (value.values) return raw === undefined || raw === null ? undefined : value.values[String(raw)];
		let text = raw === undefined || raw === null ? '' : String(raw);
		if (value.mentions) text = (await this.mentions(record, text)).text;
		if (value.notes) text = `${text}${await this.notes(record, context)}`;
		return text;
	}

	/** Mentions (`#123`) rewritten to the destination's (`org/repo#7`); those not mapped yet are left and listed. */
	async mentions(record: PlatformRecord, text: string): Promise<{ text: string; unresolved: string[] }> {
		const mentions = this.parts.sourcePreset.mentions;
		if (!mentions || !text) return { text, unresolved: [] };
		const pattern = new RegExp(mentions.pattern, 'gu');
		const unresolved: string[] = [];
		const targets = new Map<string, string | undefined>();
		for (const match of text.matchAll(pattern)) {
			if (targets.has(match[1])) continue;
			const entry = await this.parts.map.done(mentions.type, match[1]);
			targets.set(match[1], entry?.kept.mention as string | undefined);
			if (!entry) unresolved.push(match[1]);
		}
		const rewritten = text.replace(pattern, (whole: string, id: string) => {
			const to = targets.get(id);
			return to ? whole.replace(`#${id}`, to) : whole;
		});
		return { text: rewritten, unresolved };
	}

	/** Where the record came from, users without a match, note refs, and the marker. */
	async notes(record: PlatformRecord, context: TemplateContext): Promise<string> {
		const source = this.parts.sourcePreset;
		const spec = this.spec(record.type);
		const lines = [
			`_Migrated from ${source.name} ${record.type} ${record.id}${record.fields.createdAt ? `, created ${String(record.fields.createdAt)}` : ''}_`,
		];
		for (const [name, ref] of Object.entries(record.refs)) {
			if (source.types[ref.type] && ref.type === 'user' && !(await this.parts.map.done(ref.type, ref.id))) {
				const entry = await this.parts.map.get(ref.type, ref.id);
				lines.push(
					`${capital(name)}: ${entry?.label ?? `${source.name} user ${ref.id}`}, no ${this.parts.destinationPreset.name} user matched`,
				);
			}
		}
		for (const [name, label] of Object.entries(spec.noteRefs ?? {})) {
			const ref = record.refs[name];
			if (!ref) continue;
			const mention = context[`${name}.mention`];
			lines.push(`${label}: ${mention ? String(mention) : `${source.name} ${ref.type} ${ref.id} (not migrated yet)`}`);
		}
		// Every field the destination has no place for is carried here: nothing the preset reads is dropped unseen.
		const held = heldFields(spec);
		for (const [name, value] of Object.entries(record.fields))
			if (name !== 'createdAt' && !held.has(name) && !blank(value)) lines.push(`${words(name)}: ${shown(value)}`);
		return `\n\n---\n${lines.join('\n')}\n${this.marker(record)}`;
	}

	marker(record: PlatformRecord): string {
		return fill(
			this.parts.destinationPreset.marker,
			{ source: this.parts.sourcePreset.name.toLowerCase(), type: record.type, id: record.id },
			'marker',
		);
	}

	/**
	 * The values kept for a record: paths in the answer, templates over its context and `dest.*`; a
	 * template that has no value here may name a path to read instead (`{upload.url}|file.url`).
	 */
	private kept(type: string, body: Record<string, unknown>, context: TemplateContext): Record<string, unknown> {
		const spec = this.spec(type);
		const kept: Record<string, unknown> = {};
		const templates: Array<[string, string]> = [];
		for (const [name, path] of Object.entries(spec.keep)) {
			if (path.includes('{')) templates.push([name, path]);
			else kept[name] = valueAt(body, path);
		}
		kept.id = spec.id.includes('{') ? fill(spec.id, context, `${type} id`) : valueAt(body, spec.id);
		const withDest: TemplateContext = { ...context };
		for (const [k, v] of Object.entries(kept)) withDest[`dest.${k}`] = v;
		for (const [name, choice] of templates) {
			const [template, orPath] = choice.split('|');
			kept[name] = placeholders(template).every((p) => hasValue(withDest, p))
				? fill(template, withDest, `${type} kept value ${name}`)
				: orPath
					? valueAt(body, orPath)
					: undefined;
		}
		return kept;
	}

	/** Rewrites a text field in place, now that the records it mentions exist. */
	async patch(record: PlatformRecord): Promise<void> {
		const spec = this.spec(record.type);
		const entry = await this.parts.map.done(record.type, record.id);
		if (!spec.patch || !entry) return;
		const context = await this.context(record);
		for (const [k, v] of Object.entries(entry.kept)) context[`dest.${k}`] = v;
		const bodyValue = Object.entries(spec.create?.body ?? {}).find(([name]) => name === spec.patch!.field)?.[1];
		if (!bodyValue) return;
		const text = await this.value(record, bodyValue, context);
		await this.parts.destination
			.json({
				method: 'PATCH',
				path: fillPath(spec.patch.path, context, `${record.type} ${record.id}`),
				json: { [spec.patch.field]: text },
			})
			.catch((error: unknown) => Promise.reject(refusal(error)));
	}

	/** The records a record's text names (mentions, note refs) that were not mapped when it was written. */
	async unresolved(record: PlatformRecord): Promise<Array<{ type: string; id: string }>> {
		const spec = this.spec(record.type);
		const field =
			spec.patch && Object.entries(spec.create?.body ?? {}).find(([name]) => name === spec.patch!.field)?.[1];
		if (!field || typeof field === 'string' || !('notes' in field || 'mentions' in field)) return [];
		const waiting: Array<{ type: string; id: string }> = [];
		const mentions = this.parts.sourcePreset.mentions;
		if (field.mentions && field.field && mentions)
			for (const id of (await this.mentions(record, String(record.fields[field.field] ?? ''))).unresolved)
				waiting.push({ type: mentions.type, id });
		for (const name of Object.keys(spec.noteRefs ?? {})) {
			const ref = record.refs[name];
			if (ref && !(await this.parts.map.done(ref.type, ref.id))) waiting.push(ref);
		}
		return waiting;
	}
}

/** A value put in its wrapper, `$` standing for it (a Parse pointer); the value itself without one. */
function wrapped(value: unknown, wrap: Record<string, unknown> | undefined): unknown {
	if (!wrap) return value;
	return Object.fromEntries(Object.entries(wrap).map(([k, v]) => [k, v === '$' ? value : v]));
}

/** A 4xx that refuses the record itself becomes a reject; anything else goes on as the failure it is. */
function refusal(error: unknown): unknown {
	if (isMigrationError(error) && RECORD_REFUSALS.has(Number(error.context.status)))
		return new Refused(error.message, Number(error.context.status));
	return error;
}

export async function digestOf(platform: PlatformTransport, url: string): Promise<{ sha256: string; size: number }> {
	const { stream } = await platform.download(url);
	const hash = createHash('sha256');
	let size = 0;
	await pipeline(stream, async function* (chunks: AsyncIterable<Buffer>) {
		for await (const chunk of chunks) {
			hash.update(chunk);
			size += chunk.length;
		}
		yield* [];
	});
	return { sha256: hash.digest('hex'), size };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `startDate` → `Start date`. */
const words = (name: string) =>
	capital(name.replace(/([a-z])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`));

const blank = (value: unknown) =>
	value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** A value as a note shows it: `name = value` pairs for a list of named values (custom fields), else JSON for objects. */
function shown(value: unknown): string {
	if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && 'name' in v))
		return value
			.map(
				(v: { name: unknown; value?: unknown }) =>
					`${String(v.name)} = ${typeof v.value === 'string' ? v.value : JSON.stringify(v.value ?? null)}`,
			)
			.join('; ');
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The canonical fields a destination type's create body holds (directly or in a template; a present/absent flag holds only the fact). */
function heldFields(spec: DestinationType): Set<string> {
	const held = new Set<string>();
	for (const value of Object.values(spec.create?.body ?? {})) {
		if (typeof value === 'string') placeholders(value).forEach((p) => held.add(p));
		else if ('field' in value && value.field) held.add(value.field);
		else if ('text' in value && value.text) placeholders(value.text).forEach((p) => held.add(p));
	}
	return held;
}

export { Refused };
