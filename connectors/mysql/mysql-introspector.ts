import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Column, ForeignKeyInfo, IndexInfo, TableSchema } from '../../core/model/schema';
import { logicalFromMysql } from './mysql-types';

export const INTERNAL_PREFIX = '_dm_';

async function rows(pool: Pool, sql: string, values: unknown[]): Promise<RowDataPacket[]> {
	const [result] = await pool.query<RowDataPacket[]>(sql, values);
	return result;
}

export async function introspectMysql(pool: Pool): Promise<TableSchema[]> {
	const [tables, columns, checks, keys, fks] = await Promise.all([
		rows(
			pool,
			`SELECT TABLE_NAME AS name, TABLE_ROWS AS estimate, DATA_LENGTH + INDEX_LENGTH AS size
			   FROM information_schema.TABLES
			  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT LIKE '\\_dm\\_%'
			  ORDER BY TABLE_NAME`,
			[],
		),
		rows(
			pool,
			`SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
			        IS_NULLABLE = 'YES' AS nullable, CHARACTER_MAXIMUM_LENGTH AS len, NUMERIC_PRECISION AS prec,
			        NUMERIC_SCALE AS scale, EXTRA AS extra, COLUMN_DEFAULT AS def, COLUMN_COMMENT AS comment
			   FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
			  ORDER BY TABLE_NAME, ORDINAL_POSITION`,
			[],
		),
		// MariaDB's JSON is LONGTEXT guarded by CHECK (json_valid(col)).
		rows(
			pool,
			`SELECT TABLE_NAME AS tbl, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
			  WHERE CONSTRAINT_SCHEMA = DATABASE() AND CHECK_CLAUSE LIKE 'json_valid(%'`,
			[],
		),
		rows(
			pool,
			`SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, NON_UNIQUE = 0 AS uniq, COLUMN_NAME AS col, SEQ_IN_INDEX AS seq
			   FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
			  ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
			[],
		),
		rows(
			pool,
			`SELECT k.TABLE_NAME AS tbl, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col,
			        k.REFERENCED_TABLE_NAME AS refTable, k.REFERENCED_COLUMN_NAME AS refCol
			   FROM information_schema.KEY_COLUMN_USAGE k
			  WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
			  ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
			[],
		),
	]);

	return tables.map((t): TableSchema => {
		const jsonColumns = new Set(
			checks.filter((c) => c.tbl === t.name).map((c) => /json_valid\(`?([^`)]+)`?\)/i.exec(c.clause)?.[1]),
		);
		const cols: Column[] = columns
			.filter((c) => c.tbl === t.name)
			.map((c) => {
				const logical = logicalFromMysql({
					dataType: c.dataType,
					columnType: c.columnType,
					jsonChecked: jsonColumns.has(c.name),
					comment: c.comment,
				});
				return {
					name: c.name,
					nativeType: c.columnType,
					logical,
					nullable: Boolean(c.nullable),
					...(c.len != null && logical !== 'binary' ? { length: Number(c.len) } : {}),
					...(c.dataType === 'decimal' ? { precision: Number(c.prec), scale: Number(c.scale) } : {}),
					...(/auto_increment/i.test(c.extra) ? { autoIncrement: true } : {}),
					...(c.def != null ? { defaultExpression: String(c.def) } : {}),
				};
			});
		const indexMap = new Map<string, IndexInfo>();
		for (const k of keys.filter((k) => k.tbl === t.name)) {
			const index: IndexInfo = indexMap.get(k.name) ?? { name: k.name, columns: [], unique: Boolean(k.uniq) };
			index.columns.push(k.col);
			indexMap.set(k.name, index);
		}
		const fkMap = new Map<string, ForeignKeyInfo>();
		for (const f of fks.filter((f) => f.tbl === t.name)) {
			const fk: ForeignKeyInfo = fkMap.get(f.name) ?? {
				name: f.name,
				columns: [],
				referencedTable: f.refTable,
				referencedColumns: [],
			};
			fk.columns.push(f.col);
			fk.referencedColumns.push(f.refCol);
			fkMap.set(f.name, fk);
		}
		return {
			name: t.name,
			columns: cols,
			primaryKey: indexMap.get('PRIMARY')?.columns ?? [],
			indexes: [...indexMap.values()].filter((i) => i.name !== 'PRIMARY'),
			foreignKeys: [...fkMap.values()],
			rowEstimate: Number(t.estimate ?? 0),
			sizeBytes: Number(t.size ?? 0),
		};
	});
}
