import { requireTable } from './identifiers';
import type { Row, TableSchema } from './schema';

/**
 * Introspected tables of one connection. Every table name from a parameter is resolved here,
 * so an unknown (or malicious) name is refused before any statement is built with it.
 */
export class TableCatalog {
	private tables?: Map<string, TableSchema>;

	constructor(
		private readonly system: string,
		/** Introspects the given tables, or all of them; a loader may ignore the names. */
		private readonly load: (names?: string[]) => Promise<TableSchema[]>,
	) {}

	async all(): Promise<TableSchema[]> {
		const tables = await this.load();
		this.tables = new Map(tables.map((t) => [t.name, t]));
		return tables;
	}

	/** Looks a table up, introspecting it when it is not (yet) known. */
	async get(name: string): Promise<TableSchema> {
		if (!this.tables?.has(name)) {
			this.tables ??= new Map();
			for (const table of await this.load([name])) this.tables.set(table.name, table);
		}
		return requireTable(this.tables, name, this.system);
	}

	async exists(name: string): Promise<boolean> {
		return (await this.all()).some((t) => t.name === name);
	}

	invalidate(): void {
		this.tables = undefined;
	}
}

/** The row with only the given columns (the key may have been read only to continue the keyset). */
export function pickColumns(row: Row, columns: string[]): Row {
	const out: Row = {};
	for (const c of columns) out[c] = row[c];
	return out;
}

/** The columns to select: those asked for plus the primary key, which continues the keyset. */
export function columnsWithKey(columns: string[], primaryKey: string[]): string[] {
	return [...columns, ...primaryKey.filter((k) => !columns.includes(k))];
}
