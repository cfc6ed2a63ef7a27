import type { TableMapping } from '../mapping/mapping';

export interface LoadOrder {
	/** Tables in the order a load that honours foreign keys takes: referenced tables first. */
	order: string[];
	/** Foreign keys on a cycle (or on the table itself): they can only be added after the load. */
	deferred: Array<{ table: string; columns: string[]; references: string }>;
}

/**
 * The load order from the foreign-key graph (Kahn's algorithm). Where only cycles are left, the
 * table with the fewest unmet references goes next and those references are deferred: the keys
 * are added after the load, when every row is in.
 */
export function loadOrder(mappings: TableMapping[]): LoadOrder {
	const tables = new Set(mappings.map((m) => m.destinationTable));
	const edges = mappings.flatMap((m) =>
		m.foreignKeys
			.filter((fk) => tables.has(fk.referencedTable))
			.map((fk) => ({ table: m.destinationTable, columns: fk.columns, references: fk.referencedTable })),
	);
	const order: string[] = [];
	const deferred: LoadOrder['deferred'] = [];
	const placed = new Set<string>();
	const unmet = (table: string) =>
		edges.filter((e) => e.table === table && !placed.has(e.references) && !deferred.includes(e));
	while (placed.size < tables.size) {
		const waiting = [...tables].filter((t) => !placed.has(t));
		const ready = waiting.filter((t) => unmet(t).length === 0);
		if (ready.length) {
			for (const table of ready.sort()) {
				order.push(table);
				placed.add(table);
			}
			continue;
		}
		const next = waiting.sort((a, b) => unmet(a).length - unmet(b).length || a.localeCompare(b))[0];
		deferred.push(...unmet(next));
		order.push(next);
		placed.add(next);
	}
	// A table referencing itself can never be loaded after its own rows.
	deferred.push(...edges.filter((e) => e.table === e.references && !deferred.includes(e)));
	return {
		order,
		deferred: deferred.map((e) => ({ table: e.table, columns: e.columns, references: e.references })),
	};
}
