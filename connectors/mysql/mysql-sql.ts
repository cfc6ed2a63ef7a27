import { escapeId, format } from 'mysql2';
import type { Column, IndexInfo, KeyRange, TableSchema } from '../../core/model/schema';
import { portableDefault } from '../../core/model/defaults';
import { SqlCompiler, type Params, type Statement } from '../sql/sql-compiler';
import { ZERO_BITS } from '../../core/validate/digest';
import { INTERNAL_PREFIX } from './mysql-introspector';
import { logicalComment, mysqlTypeFor } from './mysql-types';

export type { Statement };

/** Identifiers through mysql2's escapeId, values bound with `?`. */
export const q = (name: string): string => escapeId(name, true);

/** MySQL/MariaDB's statements: `?` placeholders, one database, key comparisons expanded for the optimizer. */
export class MysqlSql extends SqlCompiler {
	readonly stateTable = `${INTERNAL_PREFIX}state`;
	readonly clock = "SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ') AS now";
	// Sessions run in UTC; applications write DATETIME in the server's own zone (SYSTEM, an offset, a name).
	readonly wallClock =
		"SELECT DATE_FORMAT(CONVERT_TZ(UTC_TIMESTAMP(6), '+00:00', @@global.time_zone), '%Y-%m-%dT%H:%i:%s.%f') AS now, @@global.time_zone AS zone";

	q(name: string): string {
		return q(name);
	}

	table(name: string): string {
		return q(name);
	}

	protected placeholder(): string {
		return '?';
	}

	/** `a > ? OR (a = ? AND b > ?)`, which the optimizer turns into index ranges on the primary key. */
	protected tupleCompare(key: string[], op: '>' | '<=', bound: unknown[], params: Params): string {
		const strict = op === '>' ? '>' : '<';
		const alternatives: string[] = [];
		for (let i = 0; i < key.length; i++) {
			const last = i === key.length - 1;
			const terms = key.slice(0, i).map((k, j) => `${q(k)} = ${params.bind(bound[j])}`);
			terms.push(`${q(key[i])} ${last ? op : strict} ${params.bind(bound[i])}`);
			alternatives.push(`(${terms.join(' AND ')})`);
		}
		return `(${alternatives.join(' OR ')})`;
	}

	/** Canonical text of one column, matching core/model/canonical.ts (sessions run with time_zone +00:00). */
	canonicalExpression(column: Column): string {
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

	/**
	 * MariaDB and MySQL have no function for a double's bits, so they are computed: the exponent by
	 * LOG2, nudged by one where LOG2 rounded across a power of two, and the 52-bit fraction by exact
	 * division by a power of two. Subnormals are a multiple of 2^-1074. DOUBLE holds no NaN or infinity.
	 */
	protected float64Bits(c: string): string {
		const abs = `ABS(${c})`;
		const log = `LEAST(GREATEST(FLOOR(LOG2(${abs})), -1074), 1023)`;
		const exponent = `(${log} + (${abs} / POW(2, ${log}) >= 2) - (${abs} / POW(2, ${log}) < 1))`;
		const normal = `(CAST(${exponent} + 1023 AS UNSIGNED) << 52) | CAST((${abs} / POW(2, ${exponent}) - 1) * 4503599627370496 AS UNSIGNED)`;
		const subnormal = `CAST(${abs} / POW(2, -1074) AS UNSIGNED)`;
		const bits = `((${c} < 0) << 63) | IF(${abs} < 2.2250738585072014e-308, ${subnormal}, ${normal})`;
		return `IF(${c} = 0, '${ZERO_BITS}', LOWER(LPAD(HEX(${bits}), 16, '0')))`;
	}

	checksumRange(table: TableSchema, range?: KeyRange): Statement {
		const params = this.params();
		const where = this.rangePredicate(table.primaryKey, range, params);
		const row = table.columns
			.map((col) => `IF(${q(col.name)} IS NULL, 'N', CONCAT('V', ${this.digestExpression(col)}))`)
			.join(', CHAR(31), ');
		return {
			text:
				`SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT(${row})), 1, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR) AS s ` +
				`FROM ${q(table.name)} WHERE ${where}`,
			values: params.values,
		};
	}

	createTable(table: TableSchema, ifNotExists: boolean, indexes = table.indexes): string[] {
		const columns = table.columns.map((c) => {
			const type = mysqlTypeFor(
				c,
				table.primaryKey.includes(c.name) || table.indexes.some((i) => i.columns.includes(c.name)),
			);
			// One MySQL type, two logical ones (a UTC instant, a boolean, a time of day): the comment keeps which.
			const marker = logicalComment(c.logical);
			const comment = marker ? ` COMMENT '${marker}'` : '';
			return `${q(c.name)} ${type}${mysqlDefault(c, type)}${c.nullable ? ' NULL' : ' NOT NULL'}${comment}`;
		});
		if (table.primaryKey.length) columns.push(`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
		for (const index of indexes) {
			columns.push(`${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} (${index.columns.map(q).join(', ')})`);
		}
		return [
			`CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${q(table.name)} (${columns.join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
		];
	}

	createIndex(table: string, index: IndexInfo): string {
		return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} ON ${q(table)} (${index.columns.map(q).join(', ')})`;
	}

	copyTable(table: TableSchema, copy: string): string[] {
		return [
			`DROP TABLE IF EXISTS ${q(copy)}`,
			`CREATE TABLE ${q(copy)} LIKE ${q(table.name)}`,
			`INSERT INTO ${q(copy)} SELECT * FROM ${q(table.name)}`,
		];
	}

	createNamespace(name: string): string {
		return `CREATE DATABASE ${q(name)} DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`;
	}

	dropNamespace(name: string): string {
		return `DROP DATABASE IF EXISTS ${q(name)}`;
	}

	createStateTable(): string {
		return (
			`CREATE TABLE IF NOT EXISTS ${q(this.stateTable)} (namespace VARCHAR(190) NOT NULL, \`key\` VARCHAR(190) NOT NULL, ` +
			`value LONGTEXT, updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (namespace, \`key\`)) ` +
			`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
		);
	}

	setState(namespace: string, key: string, json: string): Statement {
		return {
			text:
				`INSERT INTO ${q(this.stateTable)} (namespace, \`key\`, value) VALUES (?, ?, ?) ` +
				`ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = CURRENT_TIMESTAMP(6)`,
			values: [namespace, key, json],
		};
	}

	takeLease(namespace: string, key: string, owner: string, ttlSeconds: number): Statement {
		const now = "DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ')";
		const until = "DATE_FORMAT(UTC_TIMESTAMP(6) + INTERVAL ? SECOND, '%Y-%m-%dT%H:%i:%s.%fZ')";
		// In ON DUPLICATE KEY UPDATE, `value` still names the old row: the lease changes hands only when free.
		return {
			text:
				`INSERT INTO ${q(this.stateTable)} (namespace, \`key\`, value) VALUES (?, ?, JSON_OBJECT('owner', ?, 'until', ${until})) ` +
				`ON DUPLICATE KEY UPDATE value = IF(JSON_UNQUOTE(JSON_EXTRACT(value, '$.owner')) = ? ` +
				`OR JSON_UNQUOTE(JSON_EXTRACT(value, '$.until')) < ${now}, VALUES(value), value)`,
			values: [namespace, key, owner, ttlSeconds, owner],
		};
	}

	protected stateField(field: string): string {
		return `JSON_UNQUOTE(JSON_EXTRACT(value, '$.${field}'))`;
	}
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
