/**
 * Schema Mapper's work, free of n8n: design the mapping documents of a source's tables, create
 * their tables in a destination (recording each document there), add their indexes and foreign keys
 * after the load, and read back a table's child-table design.
 */
import { isMigrationError, SchemaError } from '../model/errors';
import type { IndexInfo, Row } from '../model/schema';
import type { Stateful, TableSink, TableSource } from '../ports';
import { MAPPING_NAMESPACE } from '../state/namespaces';
import { childTablesFor, type ChildTable } from './child-tables';
import { flattenRow, flattenSchema } from './flatten';
import { mapTables, type TableMapping } from './mapping';
import type { ValuePolicies } from '../copy/row-check';

export interface DesignOptions {
	/** Logical type per column (`table.column`), over what introspection found. */
	overrides: Record<string, string>;
	prefix: string;
	/** What Batch Load does with a value the destination cannot hold exactly, per column (default: refuse the row). */
	policies?: Record<string, string>;
	/** Nested documents become one column per leaf, joined by the separator. */
	flatten: boolean;
	/** Array fields become child tables (inferred from a sample). */
	childTables: boolean;
	separator: string;
}

/** The mapping document of each table (none named: every table of the source). */
export async function designMappings(
	source: Pick<TableSource, 'introspect' | 'read' | 'holdsOnly'>,
	tables: string[],
	options: DesignOptions,
): Promise<TableMapping[]> {
	const found = await source.introspect(tables.length ? tables : undefined);
	const samples = new Map<string, Row[]>();
	const { flatten, separator } = options;
	if (flatten || options.childTables)
		for (const schema of found) {
			const sample = await sampleRows(source, schema.name);
			samples.set(schema.name, flatten ? sample.map((row) => flattenRow(row, separator)) : sample);
		}
	const schemas = flatten ? found.map((schema) => flattenSchema(schema, samples.get(schema.name)!, separator)) : found;
	const policies = checkPolicies(options.policies ?? {});
	const mappings = mapTables(schemas, options.overrides, options.prefix).map((m) => ({
		...m,
		policies,
		...(flatten ? { flatten: separator } : {}),
	}));
	for (const mapping of mappings) await assessFlags(source, mapping, options.overrides);
	return mappings.map((mapping) => {
		if (!options.childTables) return mapping;
		const { parent, children } = childTablesFor(mapping.target, samples.get(mapping.table)!, separator);
		return { ...mapping, target: parent, children };
	});
}

/**
 * A MySQL TINYINT(1) is an integer; it becomes boolean only when every stored value is 0 or 1 (a 2
 * would otherwise land as true, pgloader's flaw). Said in the document's notes either way.
 */
async function assessFlags(
	source: Pick<TableSource, 'holdsOnly'>,
	mapping: TableMapping,
	overrides: Record<string, string>,
) {
	for (const column of mapping.source.columns) {
		if (!/^tinyint\(1\)/i.test(column.nativeType) || column.logical !== 'int16' || !source.holdsOnly) continue;
		if (overrides[`${mapping.table}.${column.name}`] ?? overrides[column.name]) continue;
		const target = mapping.target.columns.find((c) => c.name === column.name);
		if (!target) continue;
		if (await source.holdsOnly(mapping.table, column.name, [0, 1])) {
			target.logical = 'boolean';
			(mapping.notes ??= []).push(`${column.name}: TINYINT(1) holding only 0 and 1, mapped to boolean`);
		} else
			(mapping.notes ??= []).push(
				`${column.name}: TINYINT(1) holding values other than 0 and 1, kept as an integer (smallint)`,
			);
	}
}

/** When a created table's non-unique indexes are built: after the load (one build), or with the table. */
export type IndexTiming = 'afterLoad' | 'withTable';

/** Whether the table is there; any failure but "no such table" is the caller's to see. */
function exists(destination: TableSink, table: string): Promise<boolean> {
	return destination.introspect([table]).then(
		() => true,
		(error: unknown) => {
			if (isMigrationError(error) && error.code === 'UNKNOWN_TABLE') return false;
			return Promise.reject(error);
		},
	);
}

/**
 * Creates a mapping's tables (parent and children) and records the document for the steps after.
 * Keys and unique indexes come with the table (they are constraints: a duplicate is refused row by
 * row); with `afterLoad` the other indexes of a table created here wait for Apply Foreign Keys. A
 * table that exists already (a live destination) is left as it is.
 */
export async function applyDdl(
	destination: TableSink & Stateful,
	mapping: TableMapping,
	options: { indexes?: IndexTiming } = {},
) {
	const { markdown: _, ...recorded } = mapping as TableMapping & { markdown?: string };
	const existed = await exists(destination, mapping.destinationTable);
	const indexes = mapping.target.indexes;
	const deferred = existed || options.indexes === 'withTable' ? [] : indexes.filter((i) => !i.unique);
	const document = { ...recorded, deferredIndexes: deferred };
	await destination.createTable(mapping.target, {
		ifNotExists: true,
		indexes: existed ? [] : indexes.filter((i) => !deferred.includes(i)),
	});
	for (const child of mapping.children ?? []) await destination.createTable(child.schema, { ifNotExists: true });
	// Batch Load reads the child-table design from here, so the chunk worker needs no extra input.
	await destination.state.set(MAPPING_NAMESPACE, mapping.destinationTable, document);
	return {
		table: mapping.destinationTable,
		sourceTable: mapping.table,
		created: true,
		columns: mapping.target.columns.length,
		indexes: mapping.target.indexes.length,
		indexesAfterLoad: deferred.map((i) => i.name),
		childTables: (mapping.children ?? []).map((c) => c.table),
	};
}

/**
 * After the load: the indexes Apply DDL left for now (before the foreign keys, which MySQL would
 * otherwise back with an index of its own), then the mapping's foreign keys not there yet.
 */
export async function applyForeignKeys(destination: TableSink & Stateful, mapping: TableMapping) {
	const recorded = await destination.state.get<{ deferredIndexes?: IndexInfo[] }>(
		MAPPING_NAMESPACE,
		mapping.destinationTable,
	);
	const indexes = await destination.addIndexes(mapping.destinationTable, recorded?.deferredIndexes ?? []);
	let added = await destination.addForeignKeys(mapping.destinationTable, mapping.foreignKeys ?? []);
	for (const child of mapping.children ?? [])
		added += await destination.addForeignKeys(child.table, child.schema.foreignKeys);
	return {
		table: mapping.destinationTable,
		foreignKeys: mapping.foreignKeys?.length ?? 0,
		added,
		indexesAdded: indexes,
	};
}

function checkPolicies(policies: Record<string, string>): ValuePolicies {
	for (const [where, policy] of Object.entries(policies))
		if (policy !== 'reject' && policy !== 'null')
			throw new SchemaError('SCHEMA_ERROR', `Invalid Values ${where}: "${policy}" is not one of "reject", "null"`, {
				column: where,
			});
	return policies as ValuePolicies;
}

/**
 * What Batch Load applies of the mapping Apply DDL recorded for a table, read once: invalid-value
 * policies, the flattening separator and, when asked for, the child tables (refused if none).
 */
export async function recordedLoadRules(
	destination: Stateful,
	table: string,
	/** true: the child tables, refused if none is recorded; 'recorded': whatever is recorded. */
	options: { childTables: boolean | 'recorded' },
): Promise<{ policies?: ValuePolicies; flattened?: string; children?: ChildTable[] }> {
	const mapping = await destination.state.get<TableMapping>(MAPPING_NAMESPACE, table);
	if (options.childTables === true && !mapping?.children?.length)
		throw new SchemaError(
			'SCHEMA_ERROR',
			`No child tables are recorded for ${table}: run Schema Mapper Map with Arrays "Child Tables", then Apply DDL on this database`,
			{ table },
		);
	return {
		policies: mapping?.policies,
		flattened: mapping?.flatten,
		children: options.childTables ? mapping?.children : undefined,
	};
}

/** The first rows in key order: what flattening infers leaf columns from. */
async function sampleRows(source: Pick<TableSource, 'read'>, table: string, size = 1000): Promise<Row[]> {
	for await (const rows of source.read(table, {}, { batchSize: size })) return rows;
	return [];
}
