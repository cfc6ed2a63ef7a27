import type { TableSource } from '../ports';
import { requireColumns } from '../model/identifiers';
import type { ForeignKeyInfo, TableSchema } from '../model/schema';

/**
 * The foreign keys of `table` still missing in the destination, after checking every column and
 * referenced table against introspection (no identifier reaches SQL unchecked).
 */
export async function missingForeignKeys(
	destination: Pick<TableSource, 'introspect' | 'system'>,
	table: TableSchema,
	wanted: ForeignKeyInfo[],
): Promise<ForeignKeyInfo[]> {
	const missing: ForeignKeyInfo[] = [];
	for (const fk of wanted) {
		requireColumns(table, fk.columns, destination.system);
		const [referenced] = await destination.introspect([fk.referencedTable]);
		requireColumns(referenced, fk.referencedColumns, destination.system);
		if (!table.foreignKeys.some((existing) => existing.name === fk.name)) missing.push(fk);
	}
	return missing;
}
