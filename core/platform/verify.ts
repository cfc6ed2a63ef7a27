/**
 * Validate for platform migrations: the source walked again, every record looked up in the ID map
 * (missing: never migrated), every mapped record read back from the destination and compared field
 * by field with what the map says it should be now (so a relationship that points elsewhere, a title
 * that changed, a label that went missing is found), attachments hashed on both sides, links listed.
 */
import type { MapEntry } from './id-map';
import type { PlatformParts } from './parts';
import type { DestinationType, VerifyField } from './preset';
import type { PlatformRecord } from './records';
import { fill, fillPath, hasValue, placeholders, valueAt } from './template';
import { SourceWalk } from './walk';
import { digestOf, RecordWriter } from './writer';

export interface VerifyFigures {
	source: number;
	mapped: number;
	rejected: number;
	unmapped: number;
	missing: number;
	checked: number;
	mismatched: number;
	filesVerified: number;
	bytesVerified: number;
	linksVerified: number;
}

export interface VerifyProblem {
	type: string;
	id: string;
	what: string;
	expected?: unknown;
	actual?: unknown;
}

export interface PlatformVerification {
	passed: boolean;
	types: Record<string, VerifyFigures>;
	problems: VerifyProblem[];
	/** Problems beyond the first 200 are counted, not listed. */
	moreProblems: number;
}

export type VerifyParts = PlatformParts;

const LISTED = 200;

export async function verifyPlatform(parts: VerifyParts): Promise<PlatformVerification> {
	const types: Record<string, VerifyFigures> = {};
	const problems: VerifyProblem[] = [];
	let moreProblems = 0;
	const figures = (type: string) =>
		(types[type] ??= {
			source: 0,
			mapped: 0,
			rejected: 0,
			unmapped: 0,
			missing: 0,
			checked: 0,
			mismatched: 0,
			filesVerified: 0,
			bytesVerified: 0,
			linksVerified: 0,
		});
	const problem = (p: VerifyProblem) => (problems.length < LISTED ? problems.push(p) : moreProblems++);
	const writer = new RecordWriter({ ...parts, onReject: () => undefined, onBytes: () => undefined });

	const check = async (record: PlatformRecord): Promise<boolean> => {
		const f = figures(record.type);
		f.source++;
		const entry = await parts.map.get(record.type, record.id);
		// Users are matched, never migrated: one the source gained after the run is unmatched, not lost.
		if (!entry && parts.destinationPreset.types[record.type]?.lookup) {
			f.unmapped++;
			return false;
		}
		if (!entry || entry.state === 'creating') {
			f.missing++;
			problem({
				type: record.type,
				id: record.id,
				what: entry ? 'its creation never finished' : 'not migrated (no ID map entry)',
			});
			return false;
		}
		if (entry.state !== 'done') {
			f[entry.state === 'rejected' ? 'rejected' : 'unmapped']++;
			return false;
		}
		f.mapped++;
		const spec = parts.destinationPreset.types[record.type];
		const before = problems.length + moreProblems;
		if (spec.verify) await compare(record, entry, spec);
		if (parts.sourcePreset.types[record.type].file && spec.keep.url) await files(record, entry, f);
		if (spec.link?.kinds.includes(String(record.fields.kind))) await link(record, spec, f);
		f.checked++;
		if (problems.length + moreProblems > before) f.mismatched++;
		return true;
	};

	const compare = async (record: PlatformRecord, entry: MapEntry, spec: DestinationType) => {
		const context = await writer.context(record);
		for (const [k, v] of Object.entries(entry.kept)) context[`dest.${k}`] = v;
		const answer = await parts.destination
			.json({ method: 'GET', path: fillPath(spec.verify!.path, context, 'verify') })
			.catch((error: unknown) => ({ error }));
		if ('error' in answer) {
			problem({ type: record.type, id: record.id, what: `cannot be read back: ${(answer.error as Error).message}` });
			return;
		}
		const body = answer.body;
		for (const [name, field] of Object.entries(spec.verify!.fields)) {
			const rule: VerifyField = typeof field === 'string' ? { path: field } : field;
			const actual = read(body, rule.path);
			let expected: unknown;
			if (rule.equals !== undefined || rule.endsWith !== undefined) {
				const template = (rule.equals ?? rule.endsWith)!;
				if (placeholders(template).some((p) => !hasValue(context, p))) continue;
				expected = fill(template, context, 'verify');
				const ok = rule.equals !== undefined ? same(expected, actual) : String(actual ?? '').endsWith(String(expected));
				if (!ok) problem({ type: record.type, id: record.id, what: name, expected, actual });
				continue;
			}
			const bodyValue = spec.create?.body?.[name];
			if (bodyValue === undefined) continue;
			expected = await writer.value(record, bodyValue, context);
			const seen = rule.values ? rule.values[String(actual)] : actual;
			if (!same(expected, seen)) problem({ type: record.type, id: record.id, what: name, expected, actual: seen });
		}
	};

	const files = async (record: PlatformRecord, entry: MapEntry, f: VerifyFigures) => {
		const file = parts.sourcePreset.types[record.type].file!;
		const [source, destination] = await Promise.all([
			digestOf(parts.source, String(valueAt(record.raw, file.url))),
			digestOf(parts.destination, String(entry.kept.url)),
		]);
		if (source.sha256 !== destination.sha256 || source.size !== destination.size)
			problem({
				type: record.type,
				id: record.id,
				what: 'file content',
				expected: `${source.size} bytes sha256 ${source.sha256}`,
				actual: `${destination.size} bytes sha256 ${destination.sha256}`,
			});
		else {
			f.filesVerified++;
			f.bytesVerified += source.size;
		}
	};

	const link = async (record: PlatformRecord, spec: DestinationType, f: VerifyFigures) => {
		const l = spec.link!;
		const context = await writer.context(record);
		const target = context[`${l.target}.id`];
		let found = false;
		for await (const page of parts.destination.pages({ ...l.list, path: fillPath(l.list.path, context, 'link') }))
			if (page.some((x) => String(valueAt(x, l.listedId)) === String(target))) found = true;
		if (found) f.linksVerified++;
		else problem({ type: record.type, id: record.id, what: `link (${String(record.fields.kind)})`, expected: target });
	};

	await new SourceWalk(parts, {
		lookup: async (type, records) => {
			for await (const record of records) await check(record);
		},
		record: check,
		later: async (record) => {
			await check(record);
		},
	}).run();
	const passed = Object.values(types).every((t) => t.missing === 0 && t.mismatched === 0);
	return { passed, types, problems, moreProblems };
}

/** A value at a path; `a[].b` reads field b of every element of list a. */
function read(body: unknown, path: string): unknown {
	const [head, rest] = path.split('[].');
	const at = valueAt(body, head);
	if (rest === undefined) return at;
	return Array.isArray(at) ? at.map((x) => valueAt(x, rest)) : [];
}

/** Equal as the platforms mean it: lists as sets, absent and empty alike, numbers and their text alike. */
function same(expected: unknown, actual: unknown): boolean {
	const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
	if (empty(expected) && empty(actual)) return true;
	if (Array.isArray(expected) || Array.isArray(actual)) {
		const a = (Array.isArray(expected) ? expected : [expected]).map(String).sort();
		const b = (Array.isArray(actual) ? actual : [actual]).map(String).sort();
		return a.length === b.length && a.every((x, i) => x === b[i]);
	}
	return String(expected) === String(actual);
}
