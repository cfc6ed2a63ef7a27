import { ExactNumber } from '../model/json-text';
import type { Column, JsonValue, LogicalType, Row, TableSchema, Value } from '../model/schema';

const fitsInt64 = (digits: string) => BigInt(digits) >= -(2n ** 63n) && BigInt(digits) < 2n ** 63n;

/** Nested objects become one field per leaf (`address_city`); arrays and scalars stay as they are. */
export function flattenRow(row: Row, separator: string): Row {
	const out: Row = {};
	const visit = (prefix: string, value: Value) => {
		if (
			value &&
			typeof value === 'object' &&
			!Array.isArray(value) &&
			!Buffer.isBuffer(value) &&
			!(value instanceof ExactNumber)
		) {
			for (const [k, v] of Object.entries(value as Record<string, JsonValue>)) visit(`${prefix}${separator}${k}`, v);
		} else out[prefix] = value;
	};
	for (const [field, value] of Object.entries(row)) visit(field, value);
	return out;
}

export function logicalOfJson(value: Value): LogicalType | undefined {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'boolean') return 'boolean';
	if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int64' : 'float64';
	if (typeof value === 'string') return 'text';
	if (Buffer.isBuffer(value)) return 'binary';
	// A JSON number a double would round (parsed from an API's body): an integer or an exact decimal.
	if (value instanceof ExactNumber) return value.integer && fitsInt64(value.text) ? 'int64' : 'decimal';
	return 'json';
}

/** The type both of two values seen in one field fit: mixed types widen to text or JSON, never a lossy guess. */
export function widenLogical(before: LogicalType | undefined, seen: LogicalType | undefined): LogicalType | undefined {
	if (!before) return seen;
	if (!seen || before === seen) return before;
	if (before === 'int64' && seen === 'float64') return 'float64';
	if (before === 'float64' && seen === 'int64') return 'float64';
	// A decimal seen beside other numbers keeps every digit of both.
	const numbers: Array<LogicalType | undefined> = ['int64', 'float64', 'decimal'];
	if (numbers.includes(before) && numbers.includes(seen)) return 'decimal';
	return seen === 'json' || before === 'json' ? 'json' : 'text';
}

/**
 * The schema of flattened rows, from a sample: JSON columns that held objects become one nullable
 * column per leaf, typed from the values seen (mixed types fall back to text or JSON, never a guess
 * that would alter a value). Leaves outside the sample are rejected by Batch Load, never dropped.
 */
export function flattenSchema(schema: TableSchema, sample: Row[], separator: string): TableSchema {
	const nested = new Set(schema.columns.filter((c) => c.logical === 'json').map((c) => c.name));
	const types = new Map<string, LogicalType | undefined>();
	for (const row of sample) {
		for (const [field, value] of Object.entries(flattenRow(row, separator))) {
			const root = field.split(separator)[0];
			if (!nested.has(root) || field === root) continue;
			const seen = logicalOfJson(value);
			types.set(field, widenLogical(types.get(field), seen));
		}
	}
	const flattenedRoots = new Set([...types.keys()].map((f) => f.split(separator)[0]));
	const columns: Column[] = [];
	for (const column of schema.columns) {
		if (!flattenedRoots.has(column.name)) {
			columns.push(column);
			continue;
		}
		for (const [field, logical] of types) {
			if (field.split(separator)[0] === column.name)
				columns.push({ name: field, nativeType: '', logical: logical ?? 'text', nullable: true });
		}
	}
	return { ...schema, columns };
}

/**
 * A flattened row whose subdocument was null or absent: its leaves are NULL (the document had none),
 * so the row lands instead of being refused for a column the flattened table does not have. A leaf
 * the sample never showed stays, and is refused by name.
 */
export function nullMissingSubdocuments(row: Row, schema: TableSchema, separator: string): Row {
	let out: Row | undefined;
	for (const [field, value] of Object.entries(row)) {
		if (value !== null || schema.columns.some((c) => c.name === field)) continue;
		const leaves = schema.columns.filter((c) => c.name.startsWith(`${field}${separator}`));
		if (!leaves.length) continue;
		out ??= { ...row };
		delete out[field];
		for (const leaf of leaves) if (!(leaf.name in out)) out[leaf.name] = null;
	}
	return out ?? row;
}
