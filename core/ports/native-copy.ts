import type { Readable } from 'node:stream';
import type { Column, KeyRange } from '../model/schema';
import type { StateEntry } from './state-store';
import type { WriteMode } from './table-sink';

/**
 * A database that moves rows in its own bulk text (PostgreSQL's COPY), read back exactly by the same
 * engine when both tables have the same column types: a same-engine chunk then never becomes rows
 * in Node. Optional: core takes this path only where both ends have it (see core/copy/native-copy.ts).
 */
export interface NativeCopy {
	readonly system: string;
	/** True when this engine's bulk text of a `source` column reads back into `destination` unchanged (same type, or a wider precision). */
	copiesExactly(source: Column, destination: Column): boolean;
	/** Streams a key range in key order to `consume`, in text the same engine reads back exactly. */
	copyOut<T>(table: string, range: KeyRange, columns: string[], consume: (rows: Readable) => Promise<T>): Promise<T>;
	/** Writes that text in one transaction with the checkpoint `checkpoint(rows)`; returns the rows written. */
	copyIn(
		table: string,
		columns: string[],
		rows: Readable,
		options: { mode: WriteMode; checkpoint?: (rows: number) => StateEntry },
	): Promise<number>;
}

export function hasNativeCopy(system: object): system is NativeCopy {
	return (
		typeof (system as Partial<NativeCopy>).copyOut === 'function' &&
		typeof (system as Partial<NativeCopy>).copyIn === 'function'
	);
}
