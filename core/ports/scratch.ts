import type { ChangeSource } from './change-source';
import type { Snapshots } from './snapshots';
import type { Stateful } from './state-store';
import type { TableSink } from './table-sink';

/** A namespace beside the real tables (a PostgreSQL schema, a MySQL database) and a connector writing there. */
export interface ScratchSpace {
	readonly name: string;
	readonly connector: ChangeSource & TableSink & Snapshots & Stateful;
	/** Closes the connector and drops the namespace with everything in it. */
	drop(): Promise<void>;
}

/**
 * A database that can open a throwaway namespace on the same server: a dry run writes there, so the
 * real tables are never touched. Optional (a document store has none).
 */
export interface ScratchSpaces {
	/** Creates `name` afresh (a leftover of a killed run of the same name is dropped first). */
	openScratch(name: string): Promise<ScratchSpace>;
}

export function hasScratchSpaces(system: object): system is ScratchSpaces {
	return typeof (system as Partial<ScratchSpaces>).openScratch === 'function';
}

/** The scratch namespace of a run: `dm_dry_` and the run name in lower case, within 63 characters. */
export function scratchName(migration: string): string {
	const slug = migration.toLowerCase().replace(/[^a-z0-9]+/g, '_');
	let hash = 0;
	for (const c of migration) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) >>> 0;
	// Two run names that differ only in case or punctuation get two namespaces.
	return `dm_dry_${slug.slice(0, 46)}_${hash.toString(36)}`;
}

/** What a scratch namespace may be called: nothing but ours is ever dropped. */
export const SCRATCH_NAME = /^dm_dry_[a-z0-9_]{1,56}$/;
