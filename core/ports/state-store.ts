/**
 * The package's own state (checkpoints, plans, audit, snapshots, watermarks, leases), kept in the
 * system it concerns (`_dm_state`); every namespace is named in core/state/namespaces.ts. Stands apart
 * from the data ports so it can be injected on its own.
 */
export interface StateStore {
	get<T = unknown>(namespace: string, key: string): Promise<T | undefined>;
	set(namespace: string, key: string, value: unknown): Promise<void>;
	/** Every entry of a namespace, or only those whose key starts with `prefix` (one run's), in key order. */
	list<T = unknown>(namespace: string, prefix?: string): Promise<Array<{ key: string; value: T }>>;
	delete(namespace: string, key?: string): Promise<void>;
	/**
	 * Takes or renews a lease atomically: granted when free, expired (by the database's clock) or
	 * already `owner`'s; returns whoever holds it afterwards.
	 */
	lease(namespace: string, key: string, owner: string, ttlSeconds: number): Promise<{ owner: string; until: string }>;
	/** Gives a lease back, only if `owner` still holds it. */
	release(namespace: string, key: string, owner: string): Promise<void>;
}

/** A system that keeps the package's state. */
export interface Stateful {
	readonly state: StateStore;
}

/** A state entry written in the same transaction as the rows, where the system allows it. */
export interface StateEntry {
	namespace: string;
	key: string;
	value: unknown;
}
