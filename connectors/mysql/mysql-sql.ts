import { escapeId, format } from 'mysql2';
import type { Column, KeyRange, TableSchema } from '../../core/model/schema';
import { portableDefault } from '../../core/model/defaults';
import { INSTANT_COMMENT, mysqlTypeFor } from './mysql-types';

/** Statement builders: pure; identifiers through mysql2's escapeId, values bound with `?`. */
export const q = (name: string): string => escapeId(name, true);

export interface Statement {
	sql: string;
	values: unknown[];
}

/**
 * Tuple comparison expanded into `a > ? OR (a = ? AND b > ?)`, which the optimizer turns
 * into index ranges on the primary key.
 */
export function tupleCompare(key: string[], op: '>' | '<=', values: unknown[]): Statement {
	const strict = op === '>' ? '>' : '<';
	const alternatives: string[] = [];
	const bound: unknown[] = [];
	for (let i = 0; i < key.length; i++) {
		const last = i === key.length - 1;
		const terms = key.slice(0, i).map((k) => `${q(k)} = ?`);
		terms.push(`${q(key[i])} ${last ? op : strict} ?`);
		alternatives.push(`(${terms.join(' AND ')})`);
		bound.push(...values.slice(0, i + 1));
	}
	return { sql: `(${alternatives.join(' OR ')})`, values: bound };
}

export function rangePredicate(key: string[], range?: KeyRange): Statement {
	const parts: Statement[] = [];
	if (range?.after) parts.push(tupleCompare(key, '>', range.after));
	if (range?.upTo) parts.push(tupleCompare(key, '<=', range.upTo));
	if (!parts.length) return { sql: 'TRUE', values: [] };
	return { sql: parts.map((p) => p.sql).join(' AND '), values: parts.flatMap((p) => p.values) };
}

export function selectPage(table: TableSchema, columns: string[], range: KeyRange, limit: number): Statement {
	const where = rangePredicate(table.primaryKey, range);
	return {
		sql:
			`SELECT ${columns.map(q).join(', ')} FROM ${q(table.name)} WHERE ${where.sql} ` +
			`ORDER BY ${table.primaryKey.map(q).join(', ')} LIMIT ${Math.floor(limit)}`,
		values: where.values,
	};
}

export function countRows(table: TableSchema, range?: KeyRange): Statement {
	const where = rangePredicate(table.primaryKey, range);
	return { sql: `SELECT COUNT(*) AS n FROM ${q(table.name)} WHERE ${where.sql}`, values: where.values };
}

export function chunkBoundaries(table: TableSchema, rowsPerChunk: number): Statement {
	const key = table.primaryKey.map(q).join(', ');
	return {
		sql:
			`SELECT ${key} FROM (SELECT ${key}, ROW_NUMBER() OVER (ORDER BY ${key}) AS dm_rn FROM ${q(table.name)}) s ` +
			`WHERE dm_rn % ? = 0 ORDER BY ${key}`,
		values: [Math.floor(rowsPerChunk)],
	};
}

/** Canonical text of one column, matching core/canonical.ts (sessions run with time_zone +00:00). */
export function canonicalExpression(column: Column): string {
	const c = q(column.name);
	switch (column.logical) {
		case 'boolean':
			return `IF(${c} <> 0, '1', '0')`;
		case 'decimal':
			return `IF(LOCATE('.', ${c}) > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST(${c} AS CHAR))), CAST(${c} AS CHAR))`;
		case 'timestamptz':
			return `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%s.%fZ')`;
		case 'timestamp':
			return `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%s.%f')`;
		case 'time':
			return `TIME_FORMAT(${c}, '%H:%i:%s.%f')`;
		case 'date':
			return `DATE_FORMAT(${c}, '%Y-%m-%d')`;
		case 'binary':
			return `LOWER(HEX(${c}))`;
		default:
			return `CAST(${c} AS CHAR)`;
	}
}

export function checksumRange(table: TableSchema, range?: KeyRange): Statement {
	const where = rangePredicate(table.primaryKey, range);
	const row = table.columns
		.map((col) => `IF(${q(col.name)} IS NULL, 'N', CONCAT('V', ${canonicalExpression(col)}))`)
		.join(', CHAR(31), ');
	return {
		sql:
			`SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT(${row})), 1, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR) AS s ` +
			`FROM ${q(table.name)} WHERE ${where.sql}`,
		values: where.values,
	};
}

export function createTable(table: TableSchema, ifNotExists: boolean): string {
	const columns = table.columns.map((c) => {
		const type = mysqlTypeFor(
			c,
			table.primaryKey.includes(c.name) || table.indexes.some((i) => i.columns.includes(c.name)),
		);
		// DATETIME(6) has no zone; the comment keeps "this is a UTC instant" for introspection.
		const comment = c.logical === 'timestamptz' ? ` COMMENT '${INSTANT_COMMENT}'` : '';
		return `${q(c.name)} ${type}${mysqlDefault(c, type)}${c.nullable ? ' NULL' : ' NOT NULL'}${comment}`;
	});
	if (table.primaryKey.length) columns.push(`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
	for (const index of table.indexes) {
		columns.push(`${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} (${index.columns.map(q).join(', ')})`);
	}
	return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${q(table.name)} (${columns.join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
}

/** One multi-row INSERT from row literals built by `rowLiteral`. */
export function insertRows(table: string, columns: string[], literals: string[], upsertKey?: string[]): string {
	const head = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${literals.join(', ')}`;
	if (!upsertKey) return head;
	const updates = columns.filter((c) => !upsertKey.includes(c)).map((c) => `${q(c)} = VALUES(${q(c)})`);
	return `${head} ON DUPLICATE KEY UPDATE ${updates.length ? updates.join(', ') : `${q(upsertKey[0])} = ${q(upsertKey[0])}`}`;
}

/** A row's values escaped client-side by mysql2 (binary as X'..', strings quoted). */
export function rowLiteral(values: unknown[]): string {
	return format(`(${values.map(() => '?').join(', ')})`, values as never[]);
}

/** `(cursor, pk…) > (…) AND cursor <= horizon`: the change feed's position, compared as one tuple. */
export function changePredicate(
	table: TableSchema,
	cursorColumn: string,
	after: unknown[] | undefined,
	horizon: unknown,
): Statement {
	// A start position has a cursor and no key yet: then it compares the cursor alone.
	const columns = [cursorColumn, ...table.primaryKey].slice(0, after?.length);
	const tuple = rangePredicate(columns, after ? { after: after as never } : undefined);
	// A row without a cursor value has no place in the feed (the backfill carries it).
	const sql = `${q(cursorColumn)} IS NOT NULL AND ${tuple.sql}`;
	if (horizon === undefined) return { sql, values: tuple.values };
	return { sql: `${sql} AND ${q(cursorColumn)} <= ?`, values: [...tuple.values, horizon] };
}

export function selectChanges(
	table: TableSchema,
	cursorColumn: string,
	after: unknown[] | undefined,
	horizon: unknown,
	limit: number,
): Statement {
	const where = changePredicate(table, cursorColumn, after, horizon);
	return {
		sql:
			`SELECT ${table.columns.map((c) => q(c.name)).join(', ')} FROM ${q(table.name)} WHERE ${where.sql} ` +
			`ORDER BY ${[cursorColumn, ...table.primaryKey].map(q).join(', ')} LIMIT ${Math.floor(limit)}`,
		values: where.values,
	};
}

export function countChanges(
	table: TableSchema,
	cursorColumn: string,
	after: unknown[] | undefined,
	horizon: unknown,
): Statement {
	const where = changePredicate(table, cursorColumn, after, horizon);
	return { sql: `SELECT COUNT(*) AS n FROM ${q(table.name)} WHERE ${where.sql}`, values: where.values };
}

/** `(k1, k2) IN ((?, ?), …)` for `keys` key tuples. */
export function keyList(key: string[], keys: unknown[][]): Statement {
	const tuple = `(${key.map(() => '?').join(', ')})`;
	return { sql: `(${key.map(q).join(', ')}) IN (${keys.map(() => tuple).join(', ')})`, values: keys.flat() };
}

export function selectByKeys(table: TableSchema, keys: unknown[][]): Statement {
	const where = keyList(table.primaryKey, keys);
	return {
		sql: `SELECT ${table.columns.map((c) => q(c.name)).join(', ')} FROM ${q(table.name)} WHERE ${where.sql}`,
		values: where.values,
	};
}

export function deleteByKeys(table: TableSchema, keys: unknown[][]): Statement {
	const where = keyList(table.primaryKey, keys);
	return { sql: `DELETE FROM ${q(table.name)} WHERE ${where.sql}`, values: where.values };
}

/** ` DEFAULT …` for a default every engine reads alike; '' otherwise. The clock takes the column's precision. */
export function mysqlDefault(column: Column, type: string): string {
	const value = portableDefault(column);
	if (!value) return '';
	if (value.kind === 'now') {
		if (column.logical === 'date') return ' DEFAULT (CURRENT_DATE)';
		const precision = /\((\d)\)/.exec(type)?.[1];
		return ` DEFAULT CURRENT_TIMESTAMP${precision ? `(${precision})` : ''}`;
	}
	if (value.kind === 'boolean') return ` DEFAULT ${value.value ? 1 : 0}`;
	if (value.kind === 'number') return ` DEFAULT ${value.text}`;
	return ` DEFAULT ${format('?', [value.text])}`;
}
