import { SchemaError } from './errors';
import type { TableSchema } from './schema';

/**
 * Identifiers from parameters are only ever used after they were found by introspection;
 * these checks run before any statement is built with them.
 */
export function requireTable(tables: Map<string, TableSchema>, name: string, system: string): TableSchema {
	const table = tables.get(name);
	if (!table) {
		throw new SchemaError('UNKNOWN_TABLE', `Table ${JSON.stringify(name)} does not exist in the ${system} database`, {
			system,
			table: name,
		});
	}
	return table;
}

export function requireColumns(table: TableSchema, columns: string[], system: string): void {
	for (const column of columns) {
		if (!table.columns.some((c) => c.name === column)) {
			throw new SchemaError(
				'UNKNOWN_COLUMN',
				`Column ${JSON.stringify(column)} does not exist in table ${JSON.stringify(table.name)} (${system})`,
				{ system, table: table.name, column },
			);
		}
	}
}

export function requirePrimaryKey(table: TableSchema, system: string): string[] {
	if (table.primaryKey.length === 0) {
		throw new SchemaError(
			'NO_PRIMARY_KEY',
			`Table ${JSON.stringify(table.name)} has no primary key (${system}); keyset chunking needs one`,
			{
				system,
				table: table.name,
			},
		);
	}
	return table.primaryKey;
}

/** The table narrowed to `columns` (checked against introspection); the whole table without them. */
export function onlyColumns(table: TableSchema, columns: string[] | undefined, system: string): TableSchema {
	if (!columns) return table;
	requireColumns(table, columns, system);
	return { ...table, columns: table.columns.filter((c) => columns.includes(c.name)) };
}

/** Key lists split so one statement stays far below every driver's parameter limit. */
export function inParts<T>(items: T[], size = 500): T[][] {
	const parts: T[][] = [];
	for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
	return parts;
}
