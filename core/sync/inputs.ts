/**
 * What each sync step takes from the step before it, checked before anything runs: a wrong wiring
 * in the editor is named, not turned into a wrong watermark.
 */
import { SchemaError, StateError } from '../model/errors';
import { canonicalKeyValue } from '../model/canonical';
import { findColumn, keyOf, type KeyTuple, type Row, type TableSchema } from '../model/schema';
import type { ChangeBatch, SyncState } from './sync';

/** Begin Sync's item (sync, owner, watermark), for Read Changes of `table`. */
export function beginItem(json: Record<string, unknown>, table: string) {
	if (typeof json.owner !== 'string' || typeof json.sync !== 'string')
		throw new SchemaError(
			'SCHEMA_ERROR',
			'Read Changes takes the item of Begin Sync (sync, owner, watermark) as input',
			{},
		);
	if (json.table && json.table !== table)
		throw new SchemaError('SCHEMA_ERROR', `The watermark item is for table ${String(json.table)}, not ${table}`, {
			table,
		});
	return { sync: json.sync, owner: json.owner, after: (json.watermark as ChangeBatch['from']) ?? null };
}

/** Read Changes' Batch output. */
export function changeBatch(value: unknown): ChangeBatch {
	const batch = value as ChangeBatch;
	if (!batch || typeof batch.sync !== 'string' || !('from' in batch))
		throw new SchemaError('SCHEMA_ERROR', 'Batch must be the Batch output of Read Changes', {});
	return batch;
}

/** A batch whose load rejected rows is not committed: the rejected rows would be skipped for good. */
export function refuseRejected(rejected: number, table: string): void {
	if (rejected > 0)
		throw new StateError(
			`${rejected} row(s) of this batch were rejected by the load (see its Rejected output): the watermark of ${table} is not committed`,
			{ table },
		);
}

/** Mark Start's item, for Commit Start. */
export function startItem(json: Record<string, unknown>): SyncState & { sync: string } {
	const start = json as unknown as SyncState & { sync: string };
	if (typeof start.table !== 'string' || typeof start.cursorColumn !== 'string')
		throw new SchemaError('SCHEMA_ERROR', 'Commit Start takes the item of Mark Start as input', {});
	return start;
}

/**
 * The keys of rows to replay: rows (from an error output) carry their key columns; rejections
 * (a Rejected output) carry `key`. Every one needs its whole primary key.
 */
export function replayKeys(schema: TableSchema, inputs: Array<{ row: Row; key?: unknown }>): KeyTuple[] {
	const keys = inputs.map(({ row, key }) =>
		schema.primaryKey.every((k) => k in row) || !Array.isArray(key) ? keyOf(row, schema.primaryKey) : (key as KeyTuple),
	);
	if (keys.some((k) => k.some((v) => v === null)))
		throw new SchemaError(
			'NO_PRIMARY_KEY',
			`Every queued row needs its primary key (${schema.primaryKey.join(', ')})`,
			{
				table: schema.name,
			},
		);
	// Queued in one canonical form: the sync compares it with the row read back, and deletes by it.
	const columns = schema.primaryKey.map((k) => findColumn(schema, k)!);
	return keys.map((key) => key.map((v, i) => canonicalKeyValue(v, columns[i].logical)));
}
