/**
 * The source-id → destination-id map of a platform migration, kept in a state database (the
 * destination platform has no `_dm_state`). An entry is written before the next record is created:
 * `creating` before the request goes out, `done` with the destination id once it answered. A rerun
 * skips what is done and looks for what was `creating` (its answer may have been lost) before it
 * creates it again.
 */
import { ID_MAP_NAMESPACE, PLATFORM_PENDING_NAMESPACE } from '../state/namespaces';
import type { StateStore } from '../ports/state-store';

export type MapState = 'creating' | 'done' | 'unmapped' | 'rejected';

export interface MapEntry {
	state: MapState;
	/** The destination id (done). */
	dest?: string | number;
	/** Values kept for templates and mentions (repository name, issue number). */
	kept: Record<string, unknown>;
	/** Made by a run of this migration (rollback deletes it); false for records found as they were. */
	created: boolean;
	run: string;
	/** Order of creation, for a rollback in reverse. */
	seq: number;
	at: string;
	/** Rejected or unmapped: why. */
	reason?: string;
	/** What the source called it (a user's name, for notes). */
	label?: string;
}

/** The map's type for the container a run made (an organization): deleted last by a rollback. */
export const CONTAINER = 'container';

export const mapKey = (type: string, id: string | number) => `${type}/${id}`;

export class IdMap {
	private readonly cache = new Map<string, MapEntry>();
	private seq = Date.now() * 1000;

	constructor(
		private readonly state: StateStore,
		readonly migration: string,
		readonly run: string,
	) {}

	private get namespace(): string {
		return `${ID_MAP_NAMESPACE}:${this.migration}`;
	}

	private get pendingNamespace(): string {
		return `${PLATFORM_PENDING_NAMESPACE}:${this.migration}`;
	}

	async get(type: string, id: string | number): Promise<MapEntry | undefined> {
		const key = mapKey(type, id);
		const cached = this.cache.get(key);
		if (cached) return cached;
		const entry = await this.state.get<MapEntry>(this.namespace, key);
		if (entry) this.cache.set(key, entry);
		return entry;
	}

	/** The mapped entry, only when done. */
	async done(type: string, id: string | number): Promise<MapEntry | undefined> {
		const entry = await this.get(type, id);
		return entry?.state === 'done' ? entry : undefined;
	}

	async put(type: string, id: string | number, entry: Omit<MapEntry, 'run' | 'seq' | 'at'>): Promise<MapEntry> {
		const full: MapEntry = { ...entry, run: this.run, seq: this.seq++, at: new Date().toISOString() };
		await this.state.set(this.namespace, mapKey(type, id), full);
		this.cache.set(mapKey(type, id), full);
		return full;
	}

	/** Every entry of the migration (rollback, validation). */
	async entries(): Promise<Array<{ type: string; id: string; entry: MapEntry }>> {
		const all = await this.state.list<MapEntry>(this.namespace);
		return all.map(({ key, value }) => {
			const cut = key.indexOf('/');
			return { type: key.slice(0, cut), id: key.slice(cut + 1), entry: value };
		});
	}

	/** Work waiting until every record exists (a link, a text to patch), kept so a rerun finds it. */
	async defer(kind: string, type: string, id: string | number, value: unknown): Promise<void> {
		await this.state.set(this.pendingNamespace, `${kind}/${mapKey(type, id)}`, value);
	}

	async pending<T>(kind: string): Promise<Array<{ type: string; id: string; value: T }>> {
		const all = await this.state.list<T>(this.pendingNamespace);
		return all
			.filter(({ key }) => key.startsWith(`${kind}/`))
			.map(({ key, value }) => {
				const rest = key.slice(kind.length + 1);
				const cut = rest.indexOf('/');
				return { type: rest.slice(0, cut), id: rest.slice(cut + 1), value };
			});
	}

	async settle(kind: string, type: string, id: string | number): Promise<void> {
		await this.state.delete(this.pendingNamespace, `${kind}/${mapKey(type, id)}`);
	}

	/** Forgets the migration's map and pending work (after a rollback). */
	async clear(): Promise<void> {
		await this.state.delete(this.namespace);
		await this.state.delete(this.pendingNamespace);
		this.cache.clear();
	}
}
