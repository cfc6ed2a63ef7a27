/**
 * A platform → platform migration: the source walked in dependency order (core/platform/walk.ts),
 * each record created once through the ID map (core/platform/writer.ts). Relations and texts that
 * mention records not made yet wait for a second pass, kept in the state database so a rerun finds
 * them. Memory: one page or one detail at a time, plus the (id, parent) pairs of a self-referencing
 * type to order it.
 */
import { MigrationError } from '../model/errors';
import { CONTAINER, type MapEntry } from './id-map';
import type { PlatformParts } from './parts';
import type { DestinationPreset, SourcePreset } from './preset';
import { recordOf, type PlatformRecord } from './records';
import { SourceWalk } from './walk';
import { fill, fillPath, valueAt } from './template';
import { RecordWriter, Refused, type Outcome, type PlatformReject } from './writer';

export interface TypeFigures {
	read: number;
	created: number;
	found: number;
	skipped: number;
	rejected: number;
	unmapped: number;
	linked: number;
	patched: number;
	bytes: number;
}

export interface PlatformRunReport {
	migration: string;
	run: string;
	source: string;
	destination: string;
	startedAt: string;
	finishedAt: string;
	seconds: number;
	types: Record<string, TypeFigures>;
	/** Source types the destination preset has no place for. */
	notMigrated: string[];
	rejects: PlatformReject[];
	/** Users without a match on the destination (their records carry a note). */
	unmappedUsers: Array<{ id: string; label?: string }>;
}

export interface PlatformRunParts extends PlatformParts {
	onProgress?(figures: Record<string, TypeFigures>): void;
	/** Stops after this many records are created (tests: a kill at a known point). */
	stopAfter?: number;
}

const LINK = 'link';
interface PendingPatch {
	raw: Record<string, unknown>;
	refs?: PlatformRecord['refs'];
	waiting: Array<{ type: string; id: string }>;
}
const PATCH = 'patch';

const blank = (): TypeFigures => ({
	read: 0,
	created: 0,
	found: 0,
	skipped: 0,
	rejected: 0,
	unmapped: 0,
	linked: 0,
	patched: 0,
	bytes: 0,
});

export class PlatformMigration {
	private readonly figures: Record<string, TypeFigures> = {};
	private readonly rejects: PlatformReject[] = [];
	private readonly writer: RecordWriter;
	private bytesType = '';
	private createdCount = 0;

	constructor(private readonly parts: PlatformRunParts) {
		this.writer = new RecordWriter({
			...parts,
			onReject: (reject) => this.rejects.push(reject),
			onBytes: (bytes) => (this.count(this.bytesType).bytes += bytes),
		});
	}

	private count(type: string): TypeFigures {
		return (this.figures[type] ??= blank());
	}

	private get source(): SourcePreset {
		return this.parts.sourcePreset;
	}

	private get destination(): DestinationPreset {
		return this.parts.destinationPreset;
	}

	async run(): Promise<PlatformRunReport> {
		const started = new Date();
		await this.ensureContainer();
		const walk = new SourceWalk(this.parts, {
			lookup: (type, records) => this.lookupType(type, records),
			record: (record) => this.one(record),
			later: (record) => this.parts.map.defer(LINK, record.type, record.id, record.raw),
		});
		await walk.run();
		await this.secondPass();
		const finished = new Date();
		const unmappedUsers = (await this.parts.map.entries())
			.filter((e) => e.entry.state === 'unmapped' && this.destination.types[e.type]?.lookup)
			.map((e) => ({ id: e.id, label: e.entry.label }));
		return {
			migration: this.parts.map.migration,
			run: this.parts.map.run,
			source: this.source.name,
			destination: this.destination.name,
			startedAt: started.toISOString(),
			finishedAt: finished.toISOString(),
			seconds: (finished.getTime() - started.getTime()) / 1000,
			types: this.figures,
			notMigrated: walk.notMigrated(),
			rejects: this.rejects,
			unmappedUsers,
		};
	}

	/** The organization (or project space) records go into, made when missing. */
	private async ensureContainer(): Promise<void> {
		const container = this.destination.container;
		if (!container) return;
		const path = fillPath(container.find, this.parts.settings, 'container');
		const exists = await this.parts.destination.json({ method: 'GET', path }).then(
			() => true,
			(error: unknown) =>
				error instanceof MigrationError && error.context.status === 404 ? false : Promise.reject(error),
		);
		if (exists) return;
		const json: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(container.create.body ?? {}))
			json[name] =
				typeof value === 'string'
					? fill(value, this.parts.settings, 'container')
					: 'constant' in value
						? value.constant
						: undefined;
		await this.parts.map.put(CONTAINER, this.parts.settings.owner ?? '', {
			state: 'creating',
			kept: {},
			created: true,
		});
		await this.parts.destination.json({ method: 'POST', path: container.create.path, json });
		await this.parts.map.put(CONTAINER, this.parts.settings.owner ?? '', { state: 'done', kept: {}, created: true });
	}

	/** Users: matched against the destination's (e-mail, then login), never created. */
	private async lookupType(type: string, records: AsyncIterable<PlatformRecord>): Promise<void> {
		const spec = this.destination.types[type];
		const lookup = spec.lookup!;
		const index = new Map<string, Record<string, unknown>>();
		for await (const page of this.parts.destination.pages(lookup.list))
			for (const user of page)
				for (const rule of lookup.by) {
					const value = valueAt(user, rule.field);
					if (value) index.set(`${rule.field}:${String(value).toLowerCase()}`, user);
				}
		const label = this.source.types[type].label;
		for await (const record of records) {
			this.count(type).read++;
			const loose = (template: string) =>
				template.replace(/\{(\w+)\}/g, (_w, n: string) => String(record.fields[n] ?? ''));
			const match = lookup.by
				.map((rule) => {
					const wanted = loose(rule.equals);
					return wanted ? index.get(`${rule.field}:${wanted.toLowerCase()}`) : undefined;
				})
				.find(Boolean);
			const kept: Record<string, unknown> = {};
			if (match) for (const [name, path] of Object.entries(spec.keep)) kept[name] = valueAt(match, path);
			await this.parts.map.put(type, record.id, {
				state: match ? 'done' : 'unmapped',
				dest: match ? (valueAt(match, spec.id) as number | string) : undefined,
				kept,
				created: false,
				label: label ? loose(label) : undefined,
				reason: match ? undefined : `no ${this.destination.name} user with this e-mail or login`,
			});
			this.count(type)[match ? 'found' : 'unmapped']++;
		}
	}

	/** One record: made (or found, or skipped as mapped); its detail children follow when it is mapped. */
	private async one(record: PlatformRecord): Promise<boolean> {
		const figures = this.count(record.type);
		figures.read++;
		this.bytesType = record.type;
		const { outcome, entry } = await this.writer.ensure(record);
		this.tally(figures, outcome);
		if (outcome === 'created' || outcome === 'found') {
			const waiting = await this.writer.unresolved(record);
			if (waiting.length)
				await this.parts.map.defer(PATCH, record.type, record.id, { raw: record.raw, refs: record.refs, waiting });
		}
		this.parts.onProgress?.(this.figures);
		return entry?.state === 'done';
	}

	private tally(figures: TypeFigures, outcome: Outcome): void {
		figures[outcome]++;
		if (outcome === 'created' && this.parts.stopAfter !== undefined && ++this.createdCount >= this.parts.stopAfter)
			throw new MigrationError('QUERY_FAILED', `Stopped after ${this.createdCount} creations (stopAfter)`);
	}

	/** Relations and links once every record exists; then texts that mentioned records made later. */
	private async secondPass(): Promise<void> {
		for (const { type, id, value } of await this.parts.map.pending<Record<string, unknown>>(LINK)) {
			const record = recordOf(type, this.source.types[type], value);
			const figures = this.count(type);
			figures.read++;
			const { outcome, entry } = await this.writer.ensure(record);
			this.tally(figures, outcome);
			if (entry?.state === 'done' && (await this.link(record, entry))) figures.linked++;
			await this.parts.map.settle(LINK, type, id);
			this.parts.onProgress?.(this.figures);
		}
		for (const { type, id, value } of await this.parts.map.pending<PendingPatch>(PATCH)) {
			const record = recordOf(type, this.source.types[type], value.raw);
			for (const [name, ref] of Object.entries(value.refs ?? {})) record.refs[name] ??= ref;
			// Only where a record it waited for now exists: a mention of something never migrated stays as written.
			const now = await Promise.all(value.waiting.map((w) => this.parts.map.done(w.type, w.id)));
			if (!now.some(Boolean)) {
				await this.parts.map.settle(PATCH, type, id);
				continue;
			}
			await this.writer.patch(record).catch((error: unknown) => {
				if (!(error instanceof Refused)) return Promise.reject(error);
				this.rejects.push({ type, id, reason: `its text could not be rewritten: ${error.reason}` });
				return undefined;
			});
			this.count(type).patched++;
			await this.parts.map.settle(PATCH, type, id);
		}
	}

	/** The link a relation of a linking kind stands for (an issue dependency), made when missing. */
	private async link(record: PlatformRecord, entry: MapEntry): Promise<boolean> {
		const link = this.destination.types[record.type].link;
		if (!link || !link.kinds.includes(String(record.fields.kind))) return false;
		if (entry.kept.linked) return true;
		const context = await this.writer.context(record);
		const target = context[`${link.target}.id`];
		const list = { ...link.list, path: fillPath(link.list.path, context, `${record.type} ${record.id}`) };
		let exists = false;
		for await (const page of this.parts.destination.pages(list))
			if (page.some((linked) => String(valueAt(linked, link.listedId)) === String(target))) exists = true;
		if (!exists) {
			const json: Record<string, unknown> = {};
			for (const [name, value] of Object.entries(link.create.body ?? {}))
				json[name] =
					typeof value === 'string'
						? fill(value, context, 'link')
						: 'ref' in value
							? context[`${value.ref}.${value.keep}`]
							: 'constant' in value
								? value.constant
								: undefined;
			await this.parts.destination.json({ method: 'POST', path: fillPath(link.create.path, context, 'link'), json });
		}
		await this.parts.map.put(record.type, record.id, { ...entry, kept: { ...entry.kept, linked: true } });
		return true;
	}
}
