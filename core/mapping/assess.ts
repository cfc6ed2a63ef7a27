import type { TableSource } from '../ports';
import type { TableSchema } from '../model/schema';

export interface TableAssessment {
	table: string;
	rows: number;
	rowsExact: boolean;
	sizeBytes: number | null;
	columns: number;
	primaryKey: string[];
	indexes: number;
	foreignKeys: Array<{ columns: string[]; references: string }>;
	/** What would stop or alter a migration of this table, in words. */
	issues: string[];
}

/** What a data engineer checks before a migration: sizes, keys and what will not cross as is. */
export async function assessTables(
	source: TableSource,
	tables?: string[],
	options: { exactCounts?: boolean } = {},
): Promise<TableAssessment[]> {
	const schemas = await source.introspect(tables && tables.length ? tables : undefined);
	const out: TableAssessment[] = [];
	for (const schema of schemas) {
		// A table never analysed has no estimate (PostgreSQL says -1, others 0): it is counted instead.
		const exact = Boolean(options.exactCounts) || !(schema.rowEstimate > 0);
		const rows = exact ? await source.count(schema.name) : schema.rowEstimate;
		out.push({
			table: schema.name,
			rows,
			rowsExact: exact,
			sizeBytes: schema.sizeBytes ?? null,
			columns: schema.columns.length,
			primaryKey: schema.primaryKey,
			indexes: schema.indexes.length,
			foreignKeys: schema.foreignKeys.map((fk) => ({
				columns: fk.columns,
				references: `${fk.referencedTable}(${fk.referencedColumns.join(', ')})`,
			})),
			issues: tableIssues(schema),
		});
	}
	return out;
}

export function tableIssues(schema: TableSchema): string[] {
	const issues: string[] = [];
	if (schema.primaryKey.length === 0)
		issues.push('no primary key: cannot be read in keyset chunks or upserted idempotently');
	for (const column of schema.columns) {
		if (column.logical === 'unknown')
			issues.push(`column ${column.name}: native type ${column.nativeType} has no mapping`);
	}
	return issues;
}
