/**
 * A record source's resource as a table, for Map: its columns inferred from the records of its
 * first pages (types from the JSON values; mixed types widen to text or JSON, never a lossy
 * guess), its id field as the primary key. The sample then stands in for the source, so Map's own
 * design (flattening, child tables, overrides) applies to an API as to MongoDB.
 */
import { SchemaError } from '../model/errors';
import type { Column, KeyRange, LogicalType, Row, TableSchema } from '../model/schema';
import type { ReadOptions, RecordSource, TableSource } from '../ports';
import { ExactNumber } from '../model/json-text';
import { logicalOfJson, widenLogical } from './flatten';

/** The records of the first `pages` pages of a resource (fewer when it has fewer). */
export async function sampleRecords(source: RecordSource, resource: string, pages: number): Promise<Row[]> {
	const records: Row[] = [];
	let cursor: string | number | null = null;
	for (let n = 0; n < pages; n++) {
		const page = await source.readPage(resource, { cursor });
		records.push(...page.records);
		if (!page.next) break;
		cursor = page.next.cursor;
	}
	return records;
}

/** What a parsed JSON value is: a number (exact or not), a string, a boolean, or an object or array. */
function jsonKind(value: unknown): string {
	if (value instanceof ExactNumber) return 'number';
	return typeof value;
}

/**
 * The table of a resource from a sample of its records: a column per field seen, typed from its
 * values (`logicalOfJson`; a field seen with values of several kinds is JSON), NOT NULL only where
 * every sampled record has it, the id field as the primary key (a record without one is refused).
 */
export function recordTable(name: string, records: Row[], idField: string): TableSchema {
	const types = new Map<string, LogicalType | undefined>([[idField, undefined]]);
	const seen = new Map<string, number>();
	const kinds = new Map<string, Set<string>>();
	for (const [i, record] of records.entries()) {
		const id = record[idField];
		if (id === null || id === undefined || (typeof id === 'object' && !('text' in id)))
			throw new SchemaError(
				'NO_PRIMARY_KEY',
				`Record ${i + 1} of ${name}'s sample has no usable id field "${idField}" (got ${JSON.stringify(id ?? null)}); name the field that identifies a record`,
				{ table: name, column: idField },
			);
		for (const [field, value] of Object.entries(record)) {
			types.set(field, widenLogical(types.get(field), logicalOfJson(value)));
			if (value === null || value === undefined) continue;
			seen.set(field, (seen.get(field) ?? 0) + 1);
			(kinds.get(field) ?? kinds.set(field, new Set()).get(field)!).add(jsonKind(value));
		}
	}
	// A field holding JSON values of different kinds (1 and "1", true and "yes") keeps each as it was: a JSON column.
	for (const [field, seenKinds] of kinds) if (seenKinds.size > 1 && field !== idField) types.set(field, 'json');
	const columns: Column[] = [...types].map(([field, logical]) => ({
		name: field,
		// 'null': nothing but null was seen, mapped to JSON (Map's notes say so).
		nativeType: logical ?? 'null',
		logical: field === idField && logical === 'text' ? 'string' : (logical ?? 'json'),
		nullable: field !== idField && (seen.get(field) ?? 0) < records.length,
	}));
	return { name, columns, primaryKey: [idField], indexes: [], foreignKeys: [], rowEstimate: records.length };
}

async function* once(rows: Row[]): AsyncGenerator<Row[]> {
	yield await Promise.resolve(rows);
}

/** The sample as a table source: what Map reads (introspect, then rows for flattening and child tables). */
export function sampledTable(schema: TableSchema, records: Row[]): Pick<TableSource, 'introspect' | 'read'> {
	return {
		introspect: async () => [schema],
		read: (_table: string, _range: KeyRange, _options: ReadOptions) => once(records),
	};
}
