import type { Pool } from 'pg';
import type { Column, ForeignKeyInfo, IndexInfo, TableSchema } from '../../core/model/schema';
import { logicalFromPostgres } from './postgres-types';

/** Internal tables of this package (state, snapshots) are never offered as migration tables. */
export const INTERNAL_PREFIX = '_dm_';

export async function introspectPostgres(pool: Pool, schema: string): Promise<TableSchema[]> {
	const [tables, columns, keys, indexes, fks] = await Promise.all([
		pool.query(
			`SELECT c.relname AS name, greatest(c.reltuples, 0)::bigint::text AS estimate,
			        pg_total_relation_size(c.oid)::text AS size
			   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE '\\_dm\\_%'
			  ORDER BY c.relname`,
			[schema],
		),
		pool.query(
			`SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
			        NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default_expr,
			        a.attidentity <> '' AS identity,
			        information_schema._pg_char_max_length(a.atttypid, a.atttypmod) AS length,
			        information_schema._pg_numeric_precision(a.atttypid, a.atttypmod) AS precision,
			        information_schema._pg_numeric_scale(a.atttypid, a.atttypmod) AS scale
			   FROM pg_attribute a
			   JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			   LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
			  ORDER BY c.relname, a.attnum`,
			[schema],
		),
		pool.query(
			`SELECT c.relname AS table, array_agg(a.attname ORDER BY k.ord)::text[] AS columns
			   FROM pg_constraint con
			   JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			   CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
			   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
			  WHERE n.nspname = $1 AND con.contype = 'p'
			  GROUP BY c.relname`,
			[schema],
		),
		pool.query(
			`SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique,
			        array_agg(a.attname ORDER BY k.ord)::text[] AS columns
			   FROM pg_index ix
			   JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
			   JOIN pg_namespace n ON n.oid = t.relnamespace
			   CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
			   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
			  WHERE n.nspname = $1 AND NOT ix.indisprimary
			  GROUP BY t.relname, i.relname, ix.indisunique ORDER BY i.relname`,
			[schema],
		),
		pool.query(
			`SELECT c.relname AS table, con.conname AS name, rc.relname AS referenced,
			        array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
			              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns,
			        array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
			              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS refcolumns
			   FROM pg_constraint con
			   JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
			   JOIN pg_namespace n ON n.oid = c.relnamespace
			  WHERE n.nspname = $1 AND con.contype = 'f'`,
			[schema],
		),
	]);

	return tables.rows.map((t): TableSchema => {
		const cols: Column[] = columns.rows
			.filter((c) => c.table === t.name)
			.map((c) => ({
				name: c.name,
				nativeType: c.type,
				logical: logicalFromPostgres(c.type),
				nullable: c.nullable,
				...(c.length != null ? { length: Number(c.length) } : {}),
				...(c.precision != null && /^numeric\(/.test(c.type)
					? { precision: Number(c.precision), scale: Number(c.scale) }
					: {}),
				...(c.identity || /^nextval\(/.test(c.default_expr ?? '') ? { autoIncrement: true } : {}),
				...(c.default_expr ? { defaultExpression: c.default_expr } : {}),
			}));
		const index: IndexInfo[] = indexes.rows
			.filter((i) => i.table === t.name)
			.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique }));
		const foreignKeys: ForeignKeyInfo[] = fks.rows
			.filter((f) => f.table === t.name)
			.map((f) => ({
				name: f.name,
				columns: f.columns,
				referencedTable: f.referenced,
				referencedColumns: f.refcolumns,
			}));
		return {
			name: t.name,
			columns: cols,
			primaryKey: keys.rows.find((k) => k.table === t.name)?.columns ?? [],
			indexes: index,
			foreignKeys,
			rowEstimate: Number(t.estimate),
			sizeBytes: Number(t.size),
		};
	});
}
