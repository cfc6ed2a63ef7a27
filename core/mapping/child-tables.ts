import { SchemaError } from '../model/errors';
import { flattenRow, logicalOfJson, widenLogical } from './flatten';
import type { Rejection } from '../copy/row-check';
import type { Column, JsonValue, LogicalType, Row, TableSchema, Value } from '../model/schema';

/**
 * An array field stored as a child table: one row per element, keyed by the parent's key and the
 * element's position. Plain JSON, so it travels in the mapping document and the state store.
 */
export interface ChildTable {
	/** The parent's field holding the array. */
	field: string;
	table: string;
	/** Parent key column → child column holding it. */
	parentKey: Array<{ parent: string; child: string }>;
	/** Where the parent keeps the element count: NULL when the field was null or absent, so [] ≠ null. */
	countColumn: string;
	/** Scalar elements go to `value`; object elements to one column per leaf (path → column). */
	elements: { value: string } | { leaves: Record<string, string> };
	/** Joins nested element paths into leaf names, as in flattening. */
	separator: string;
	schema: TableSchema;
}

export const POSITION_COLUMN = 'position';
const VALUE_COLUMN = 'value';

const isObject = (v: unknown): v is Record<string, JsonValue> =>
	!!v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);

/**
 * Finds the JSON columns whose sampled values are all arrays and designs a child table for each;
 * the parent schema loses the array column and gains its count column.
 */
export function childTablesFor(
	parent: TableSchema,
	sample: Row[],
	separator: string,
): { parent: TableSchema; children: ChildTable[] } {
	const children: ChildTable[] = [];
	const columns: Column[] = [];
	const taken = new Set(parent.columns.map((c) => c.name));
	for (const column of parent.columns) {
		const values = sample.map((row) => row[column.name]).filter((v) => v !== null && v !== undefined);
		if (column.logical !== 'json' || !values.length || !values.every(Array.isArray)) {
			columns.push(column);
			continue;
		}
		const countColumn = `${column.name}${separator}count`;
		const table = `${parent.name}${separator}${column.name}`;
		if (taken.has(countColumn))
			throw new SchemaError(
				'SCHEMA_ERROR',
				`Column ${parent.name}.${countColumn} exists; cannot hold the count of array ${column.name}`,
				{
					table: parent.name,
					column: countColumn,
				},
			);
		columns.push({ name: countColumn, nativeType: '', logical: 'int32', nullable: true });
		children.push(designChild(parent, column.name, table, (values as JsonValue[][]).flat(), separator));
	}
	return { parent: { ...parent, columns }, children };
}

function designChild(
	parent: TableSchema,
	field: string,
	table: string,
	elements: JsonValue[],
	separator: string,
): ChildTable {
	const parentKey = parent.primaryKey.map((k) => ({ parent: k, child: `parent${separator}${k}` }));
	const keyColumns: Column[] = parentKey.map(({ parent: p, child }) => ({
		...parent.columns.find((c) => c.name === p)!,
		name: child,
		nullable: false,
		autoIncrement: false,
		defaultExpression: undefined,
	}));
	const reserved = new Set([...parentKey.map((k) => k.child), POSITION_COLUMN]);
	const elementColumns: Column[] = [];
	let shape: ChildTable['elements'];
	// Objects map to leaf columns only when every element is one; a null among them would be lost.
	if (elements.length && elements.every(isObject)) {
		const types = new Map<string, LogicalType | undefined>();
		for (const element of elements)
			for (const [path, value] of Object.entries(flattenRow(element as Row, separator)))
				types.set(path, widenLogical(types.get(path), logicalOfJson(value)));
		const leaves: Record<string, string> = {};
		for (const [path, logical] of types) {
			const name = reserved.has(path) ? `${VALUE_COLUMN}${separator}${path}` : path;
			leaves[path] = name;
			elementColumns.push({ name, nativeType: '', logical: logical ?? 'text', nullable: true });
		}
		shape = { leaves };
	} else {
		let logical: LogicalType | undefined;
		for (const element of elements) logical = widenLogical(logical, logicalOfJson(element));
		elementColumns.push({ name: VALUE_COLUMN, nativeType: '', logical: logical ?? 'text', nullable: true });
		shape = { value: VALUE_COLUMN };
	}
	const childKey = [...parentKey.map((k) => k.child), POSITION_COLUMN];
	return {
		field,
		table,
		parentKey,
		countColumn: `${field}${separator}count`,
		elements: shape,
		separator,
		schema: {
			name: table,
			columns: [
				...keyColumns,
				{ name: POSITION_COLUMN, nativeType: '', logical: 'int32', nullable: false },
				...elementColumns,
			],
			primaryKey: childKey,
			indexes: [],
			foreignKeys: [
				{
					name: `fk_${table}`.slice(0, 60),
					columns: parentKey.map((k) => k.child),
					referencedTable: parent.name,
					referencedColumns: parentKey.map((k) => k.parent),
				},
			],
			rowEstimate: 0,
		},
	};
}

/** A document split for loading: the parent row and, per child table, its element rows. */
export interface SplitRow {
	parent: Row;
	children: Record<string, Row[]>;
}

/**
 * Splits one row into parent and child rows. A field that is not an array where an array is
 * expected, or an element not shaped like the sample's, is a rejection: never a silent change.
 */
export function splitRow(row: Row, parentTable: TableSchema, children: ChildTable[]): SplitRow | Rejection {
	const parent: Row = { ...row };
	const out: Record<string, Row[]> = {};
	const reject = (column: string, value: Value, reason: string): Rejection => ({
		table: parentTable.name,
		key: parentTable.primaryKey.map((k) => row[k] ?? null),
		column,
		value: value === null || value === undefined ? null : JSON.stringify(value).slice(0, 80),
		reason,
	});
	for (const child of children) {
		const value = row[child.field];
		delete parent[child.field];
		parent[child.countColumn] = Array.isArray(value) ? value.length : null;
		out[child.table] = [];
		if (value === null || value === undefined) continue;
		if (!Array.isArray(value)) return reject(child.field, value, `not an array (child table ${child.table})`);
		for (const [position, element] of value.entries()) {
			const childRow: Row = { [POSITION_COLUMN]: position };
			for (const { parent: p, child: c } of child.parentKey) childRow[c] = row[p];
			if ('value' in child.elements) childRow[child.elements.value] = element;
			else {
				if (!isObject(element))
					return reject(child.field, element, `element ${position} is not an object (child table ${child.table})`);
				for (const [path, leaf] of Object.entries(flattenRow(element as Row, child.separator))) {
					const column = child.elements.leaves[path];
					if (!column) return reject(`${child.field}[${position}].${path}`, leaf, `no column for it in ${child.table}`);
					childRow[column] = leaf;
				}
			}
			out[child.table].push(childRow);
		}
	}
	return { parent, children: out };
}

export function isRejection(value: SplitRow | Rejection): value is Rejection {
	return 'reason' in value;
}
