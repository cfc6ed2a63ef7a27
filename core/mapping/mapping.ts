import type { ChildTable } from './child-tables';
import type { ValuePolicies } from '../copy/row-check';
import { SchemaError } from '../model/errors';
import { requirePrimaryKey } from '../model/identifiers';
import { portableSchema } from '../copy/migrate';
import type { ForeignKeyInfo, LogicalType, TableSchema } from '../model/schema';

/** One table's mapping: what the source has and what the destination will be created as. */
export interface TableMapping {
	table: string;
	destinationTable: string;
	source: TableSchema;
	target: TableSchema;
	/** Added by Apply Foreign Keys after the load, so chunks can land in any order. */
	foreignKeys: ForeignKeyInfo[];
	/** Columns whose type was set by an override, as "column: from → to". */
	overridden: string[];
	/** Choices made from the data rather than the declared types, in words (the mapping document shows them). */
	notes?: string[];
	/** Nested documents were flattened by this separator (Batch Load reads a null subdocument as NULL leaves). */
	flatten?: string;
	/** What Batch Load does with a value the destination cannot hold exactly, per column. */
	policies?: ValuePolicies;
	/** Array fields stored as child tables, when mapped so. */
	children?: ChildTable[];
}

/** Where Apply DDL records each destination table's mapping, so Batch Load finds its child tables. */

export const LOGICAL_TYPES: LogicalType[] = [
	'boolean',
	'int16',
	'int32',
	'int64',
	'decimal',
	'float32',
	'float64',
	'string',
	'text',
	'uuid',
	'date',
	'time',
	'interval',
	'timestamp',
	'timestamptz',
	'binary',
	'json',
	'objectId',
];

/**
 * Maps source tables onto engine-neutral target schemas. Overrides are keyed "table.column" (or
 * "column" for every table) with a logical type; a column without a mapping stops the mapping.
 */
export function mapTables(sources: TableSchema[], overrides: Record<string, string> = {}, prefix = ''): TableMapping[] {
	for (const [where, type] of Object.entries(overrides)) {
		if (!LOGICAL_TYPES.includes(type as LogicalType))
			throw new SchemaError(
				'SCHEMA_ERROR',
				`Override ${where}: unknown type ${type} (one of ${LOGICAL_TYPES.join(', ')})`,
				{ column: where },
			);
	}
	return sources.map((source) => {
		requirePrimaryKey(source, 'source');
		const target = portableSchema(source);
		const overridden: string[] = [];
		const notes: string[] = [];
		target.columns = target.columns.map((column) => {
			const override = overrides[`${source.name}.${column.name}`] ?? overrides[column.name];
			if (override) {
				overridden.push(`${column.name}: ${column.logical} → ${override}`);
				return { ...column, logical: override as LogicalType };
			}
			if (source.columns.find((c) => c.name === column.name)?.nativeType === 'null')
				notes.push(`${column.name}: null in every sampled document, mapped to JSON (holds any later value exactly)`);
			if (column.logical === 'unknown') {
				throw new SchemaError(
					'UNSUPPORTED',
					`Column ${source.name}.${column.name} has native type ${source.columns.find((c) => c.name === column.name)?.nativeType} with no mapping; add a type override for "${source.name}.${column.name}"`,
					{ table: source.name, column: column.name },
				);
			}
			return column;
		});
		target.name = `${prefix}${source.name}`;
		target.indexes = target.indexes.map((i) => ({ ...i, name: `${prefix}${i.name}` }));
		const foreignKeys = source.foreignKeys.map((fk) => ({
			...fk,
			name: `${prefix}${fk.name}`,
			referencedTable: `${prefix}${fk.referencedTable}`,
		}));
		return { table: source.name, destinationTable: target.name, source, target, foreignKeys, overridden, notes };
	});
}
