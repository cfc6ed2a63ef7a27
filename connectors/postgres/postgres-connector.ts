import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import type {
	DatabaseConnector,
	ReadOptions,
	SegmentDigest,
	StateStore,
	TableSnapshot,
	SequenceState,
	StateEntry,
	WriteOptions,
	WriteResult,
} from '../../core/ports';
import { capabilities, copiedSnapshot, requireSnapshotSchema, type ChangeQuery } from '../../core/ports';
import { addJsonParts, DigestAccumulator, scalarColumns } from '../../core/validate/digest';
import { TableCatalog, columnsWithKey, pickColumns } from '../../core/model/catalog';
import { requireColumns, requirePrimaryKey } from '../../core/model/identifiers';
import { missingForeignKeys } from '../../core/mapping/foreign-keys';
import { assertPositiveInteger, keysetPages, rangesFromBoundaries } from '../../core/model/keyset';
import type { ForeignKeyInfo, KeyRange, KeyTuple, Row, TableSchema } from '../../core/model/schema';
import { inParts, onlyColumns } from '../../core/model/identifiers';
import { requireCursorColumn } from '../../core/sync/sync';
import { translatePostgresError } from './postgres-errors';
import { INTERNAL_PREFIX, introspectPostgres } from './postgres-introspector';
import * as sql from './postgres-sql';
import { copyText, postgresParam } from './postgres-types';

export interface PostgresConnectorOptions {
	schema?: string;
	/** Removed from every error message (the password). */
	secrets?: string[];
	/** host:port, named in messages about a server that cannot be reached. */
	endpoint?: string;
}

const STATE_TABLE = `${INTERNAL_PREFIX}state`;

export class PostgresConnector implements DatabaseConnector {
	readonly system = 'postgres';
	readonly capabilities = capabilities({
		supportsTransactions: true,
		checksumInDatabase: true,
		maxIdentifier: { length: 63, unit: 'bytes' },
	});
	readonly schema: string;
	readonly state: StateStore;
	private readonly secrets: string[];
	private readonly endpoint?: string;
	private readonly catalog: TableCatalog;

	constructor(
		private readonly pool: Pool,
		options: PostgresConnectorOptions = {},
	) {
		this.schema = options.schema ?? 'public';
		this.secrets = options.secrets ?? [];
		this.endpoint = options.endpoint;
		this.state = new PostgresStateStore(this);
		this.catalog = new TableCatalog(this.system, () => this.run(() => introspectPostgres(this.pool, this.schema)));
	}

	/** Runs a driver call, translating its errors once. */
	async run<T>(work: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
		try {
			return await work();
		} catch (error) {
			throw translatePostgresError(error, this.secrets, { endpoint: this.endpoint, ...context });
		}
	}

	async introspect(tables?: string[]): Promise<TableSchema[]> {
		const all = await this.catalog.all();
		return tables ? Promise.all(tables.map((name) => this.catalog.get(name))) : all;
	}

	/** The introspected table; unknown names are refused before any statement is built. */
	table(name: string): Promise<TableSchema> {
		return this.catalog.get(name);
	}

	async ping(): Promise<void> {
		await this.run(() => this.pool.query('SELECT 1'));
	}

	async count(tableName: string, range?: KeyRange): Promise<number> {
		const table = await this.table(tableName);
		if (range) requirePrimaryKey(table, this.system);
		const statement = sql.countRows(this.schema, table, range ? this.keyParams(table, range) : undefined);
		const result = await this.run(() => this.pool.query(statement), { table: tableName });
		return Number(result.rows[0].n);
	}

	async planChunks(tableName: string, rowsPerChunk: number): Promise<KeyRange[]> {
		assertPositiveInteger(rowsPerChunk, 'rowsPerChunk');
		const table = await this.table(tableName);
		const key = requirePrimaryKey(table, this.system);
		const result = await this.run(() => this.pool.query(sql.chunkBoundaries(this.schema, table, rowsPerChunk)), {
			table: tableName,
		});
		return rangesFromBoundaries(result.rows.map((row) => key.map((k) => row[k])));
	}

	async *read(tableName: string, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]> {
		yield* this.readTable(await this.table(tableName), range, options);
	}

	/** Reads a table described by `table` (a live table, or a snapshot copy under the live table's schema). */
	private async *readTable(table: TableSchema, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]> {
		const tableName = table.name;
		assertPositiveInteger(options.batchSize, 'batchSize');
		requirePrimaryKey(table, this.system);
		const columns = options.columns ?? table.columns.map((c) => c.name);
		requireColumns(table, columns, this.system);
		const selected = columnsWithKey(columns, table.primaryKey);
		const pages = keysetPages(range, table.primaryKey, options.batchSize, async (page, limit) => {
			const statement = sql.selectPage(this.schema, table, selected, this.keyParams(table, page), limit);
			return (await this.run(() => this.pool.query(statement), { table: tableName })).rows;
		});
		for await (const rows of pages) {
			yield selected.length === columns.length ? rows : rows.map((r) => pickColumns(r, columns));
		}
	}

	async checksum(tableName: string, range?: KeyRange, columns?: string[]): Promise<SegmentDigest> {
		return this.checksumTable(onlyColumns(await this.table(tableName), columns, this.system), range);
	}

	async readChanges(tableName: string, query: ChangeQuery): Promise<Row[]> {
		const { table, after, horizon } = await this.changeParams(tableName, query);
		const statement = sql.selectChanges(this.schema, table, query.cursorColumn, after, horizon, query.limit);
		return (await this.run(() => this.pool.query(statement), { table: tableName })).rows;
	}

	async countChanges(tableName: string, query: Omit<ChangeQuery, 'limit'>): Promise<number> {
		const { table, after, horizon } = await this.changeParams(tableName, query);
		const statement = sql.countChanges(this.schema, table, query.cursorColumn, after, horizon);
		return Number((await this.run(() => this.pool.query(statement), { table: tableName })).rows[0].n);
	}

	private async changeParams(tableName: string, query: Omit<ChangeQuery, 'limit'>) {
		const table = await this.table(tableName);
		const cursor = requireCursorColumn(table, query.cursorColumn);
		const tuple = { ...table, primaryKey: [cursor.name, ...table.primaryKey] };
		const after = query.after
			? this.keyParams(tuple, { after: [query.after.cursor, ...query.after.key] }).after
			: undefined;
		const horizon = query.horizon === undefined ? undefined : postgresParam(query.horizon, cursor);
		return { table, after, horizon };
	}

	async readByKeys(tableName: string, keys: KeyTuple[]): Promise<Row[]> {
		const table = await this.table(tableName);
		requirePrimaryKey(table, this.system);
		const rows: Row[] = [];
		for (const part of inParts(keys)) {
			const statement = sql.selectByKeys(
				this.schema,
				table,
				part.map((k) => this.keyParams(table, { after: k }).after!),
			);
			rows.push(...(await this.run(() => this.pool.query(statement), { table: tableName })).rows);
		}
		return rows;
	}

	async deleteRows(tableName: string, keys: KeyTuple[], checkpoint?: StateEntry): Promise<number> {
		const table = await this.table(tableName);
		requirePrimaryKey(table, this.system);
		return this.transaction(
			async (client) => {
				let deleted = 0;
				for (const part of inParts(keys)) {
					const statement = sql.deleteByKeys(
						this.schema,
						table,
						part.map((k) => this.keyParams(table, { after: k }).after!),
					);
					deleted += (await client.query(statement)).rowCount ?? 0;
				}
				if (checkpoint)
					await setState(this.pool, client, this.schema, checkpoint.namespace, checkpoint.key, checkpoint.value);
				return deleted;
			},
			{ table: tableName },
		);
	}

	async clock(): Promise<string> {
		const result = await this.run(() =>
			this.pool.query(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`),
		);
		return result.rows[0].now;
	}

	private async checksumTable(table: TableSchema, range?: KeyRange): Promise<SegmentDigest> {
		const tableName = table.name;
		requirePrimaryKey(table, this.system);
		const scalar = { ...table, columns: scalarColumns(table.columns) };
		const statement = sql.checksumRange(this.schema, scalar, range ? this.keyParams(table, range) : undefined);
		const digest = new DigestAccumulator(table.columns, table.primaryKey);
		// The database sums the scalar part while the JSON part streams on another connection.
		const [result] = await Promise.all([
			this.run(() => this.pool.query(statement), { table: tableName }),
			addJsonParts({ read: (_name, r, o) => this.readTable(table, r, o) }, table, range, digest),
		]);
		digest.addAggregate(Number(result.rows[0].n), result.rows[0].s);
		return digest.result();
	}

	async createTable(table: TableSchema, options: { ifNotExists?: boolean } = {}): Promise<void> {
		await this.run(() => this.pool.query(sql.createTable(this.schema, table, options.ifNotExists ?? false)), {
			table: table.name,
		});
		for (const index of table.indexes) {
			const statement =
				`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${sql.q(index.name)} ` +
				`ON ${sql.qualified(this.schema, table.name)} (${index.columns.map(sql.q).join(', ')})`;
			await this.run(() => this.pool.query(statement), { table: table.name });
		}
		this.catalog.invalidate();
	}

	async dropTable(tableName: string): Promise<void> {
		const table = await this.table(tableName);
		await this.run(() => this.pool.query(`DROP TABLE ${sql.qualified(this.schema, table.name)}`), { table: tableName });
		this.catalog.invalidate();
	}

	async addForeignKeys(tableName: string, foreignKeys: ForeignKeyInfo[]): Promise<number> {
		const table = await this.table(tableName);
		const missing = await missingForeignKeys(this, table, foreignKeys);
		for (const fk of missing) {
			await this.run(
				() =>
					this.pool.query(
						`ALTER TABLE ${sql.qualified(this.schema, table.name)} ADD CONSTRAINT ${sql.q(fk.name)} FOREIGN KEY (${fk.columns.map(sql.q).join(', ')}) ` +
							`REFERENCES ${sql.qualified(this.schema, fk.referencedTable)} (${fk.referencedColumns.map(sql.q).join(', ')})`,
					),
				{ table: tableName },
			);
		}
		this.catalog.invalidate();
		return missing.length;
	}

	async orphans(tableName: string, fk: ForeignKeyInfo): Promise<number> {
		const table = await this.table(tableName);
		const parent = await this.table(fk.referencedTable);
		requireColumns(table, fk.columns, this.system);
		requireColumns(parent, fk.referencedColumns, this.system);
		const set = fk.columns.map((c) => `c.${sql.q(c)} IS NOT NULL`).join(' AND ');
		const match = fk.columns.map((c, i) => `p.${sql.q(fk.referencedColumns[i])} = c.${sql.q(c)}`).join(' AND ');
		const result = await this.run(
			() =>
				this.pool.query(
					`SELECT count(*)::text AS n FROM ${sql.qualified(this.schema, table.name)} c WHERE ${set} ` +
						`AND NOT EXISTS (SELECT 1 FROM ${sql.qualified(this.schema, parent.name)} p WHERE ${match})`,
				),
			{ table: tableName },
		);
		return Number(result.rows[0].n);
	}

	/**
	 * Bulk write through COPY; upserts go through a staging table unless none of their keys is stored
	 * yet (a chunk's first load). One transaction with the checkpoint.
	 */
	async write(tableName: string, rows: Row[], options: WriteOptions): Promise<WriteResult> {
		const table = await this.table(tableName);
		const columns = table.columns.filter((c) => rows.some((r) => r[c.name] !== undefined));
		const unknown = rows.length ? Object.keys(rows[0]).filter((k) => !table.columns.some((c) => c.name === k)) : [];
		requireColumns(table, unknown, this.system);
		const key = options.key ?? table.primaryKey;
		if (options.mode === 'upsert')
			requireColumns(table, requirePrimaryKey({ ...table, primaryKey: key }, this.system), this.system);
		return this.transaction(
			async (client) => {
				if (rows.length && columns.length) {
					const names = columns.map((c) => c.name);
					// Hundreds of rows per stream chunk: one small write per row costs more than formatting it.
					const lines = function* () {
						let block = '';
						for (let i = 0; i < rows.length; i++) {
							const row = rows[i];
							let line = '';
							for (let j = 0; j < columns.length; j++)
								line += (j ? '\t' : '') + copyText(row[columns[j].name], columns[j]);
							block += line + '\n';
							if (block.length > 1 << 16) {
								yield block;
								block = '';
							}
						}
						if (block) yield block;
					};
					if (options.mode === 'insert' || (await noneStored(client, this.schema, table, key, rows))) {
						await pipeline(
							Readable.from(lines()),
							client.query(copyFromStream(sql.copyFrom(this.schema, table.name, names))),
						);
					} else {
						const staging = `${INTERNAL_PREFIX}stage_${table.name}`.slice(0, 63);
						await client.query(
							`CREATE TEMP TABLE ${sql.q(staging)} ON COMMIT DROP AS SELECT ${names.map(sql.q).join(', ')} ` +
								`FROM ${sql.qualified(this.schema, table.name)} WITH NO DATA`,
						);
						await pipeline(
							Readable.from(lines()),
							client.query(copyFromStream(`COPY ${sql.q(staging)} (${names.map(sql.q).join(', ')}) FROM STDIN`)),
						);
						await client.query(sql.upsertFromStaging(this.schema, table.name, staging, names, key));
					}
				}
				if (options.checkpoint)
					await setState(
						this.pool,
						client,
						this.schema,
						options.checkpoint.namespace,
						options.checkpoint.key,
						options.checkpoint.value,
					);
				return { written: rows.length };
			},
			{ table: tableName },
		);
	}

	async transaction<T>(work: (client: PoolClient) => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
		const client = await this.run(() => this.pool.connect(), context);
		let failed: Error | undefined;
		try {
			await client.query('BEGIN');
			const result = await work(client);
			await client.query('COMMIT');
			return result;
		} catch (error) {
			failed = error as Error;
			await client.query('ROLLBACK').catch(() => undefined);
			throw translatePostgresError(error, this.secrets, { endpoint: this.endpoint, ...context });
		} finally {
			// A connection that failed is not given back to the pool for reuse.
			client.release(failed);
		}
	}

	async snapshot(tableName: string, runId: string): Promise<TableSnapshot> {
		const exists = await this.catalog.exists(tableName);
		if (!exists) return { table: tableName, createdByMigration: true, rows: 0 };
		const table = await this.table(tableName);
		const copyName = snapshotName(runId, table.name);
		const copy = sql.qualified(this.schema, copyName);
		const sequences: SequenceState[] = [];
		await this.transaction(
			async (client) => {
				await client.query(`DROP TABLE IF EXISTS ${copy}`);
				// LIKE keeps column order and types; the key makes the copy's checksum a keyed read.
				await client.query(`CREATE TABLE ${copy} (LIKE ${sql.qualified(this.schema, table.name)})`);
				if (table.primaryKey.length)
					await client.query(`ALTER TABLE ${copy} ADD PRIMARY KEY (${table.primaryKey.map(sql.q).join(', ')})`);
				await client.query(`INSERT INTO ${copy} SELECT * FROM ${sql.qualified(this.schema, table.name)}`);
				for (const column of table.columns) {
					const found = await client.query(`SELECT pg_get_serial_sequence($1, $2) AS seq`, [
						sql.qualified(this.schema, table.name),
						column.name,
					]);
					const sequence = found.rows[0].seq as string | null;
					if (!sequence) continue;
					const state = await client.query(`SELECT last_value::text AS value, is_called FROM ${sequence}`);
					sequences.push({ column: column.name, value: state.rows[0].value, isCalled: state.rows[0].is_called });
				}
			},
			{ table: tableName },
		);
		return copiedSnapshot(table, copyName, await this.checksum(table.name), sequences);
	}

	async snapshotChecksum(snapshot: TableSnapshot): Promise<SegmentDigest> {
		return this.checksumTable({ ...requireSnapshotSchema(snapshot), name: snapshot.copyName! });
	}

	/** Idempotent, one transaction: the table holds exactly the copy's rows and its sequences their old values. */
	async restore(snapshot: TableSnapshot): Promise<void> {
		const exists = await this.catalog.exists(snapshot.table);
		if (snapshot.createdByMigration) {
			if (exists) await this.dropTable(snapshot.table);
			return;
		}
		if (!exists) await this.createTable(requireSnapshotSchema(snapshot));
		const table = await this.table(snapshot.table);
		const target = sql.qualified(this.schema, table.name);
		const cols = table.columns.map((c) => sql.q(c.name)).join(', ');
		await this.transaction(
			async (client) => {
				await client.query(`DELETE FROM ${target}`);
				await client.query(
					`INSERT INTO ${target} (${cols}) SELECT ${cols} FROM ${sql.qualified(this.schema, snapshot.copyName!)}`,
				);
				for (const sequence of snapshot.sequences ?? []) {
					await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3::bigint, $4)`, [
						target,
						sequence.column,
						sequence.value,
						sequence.isCalled,
					]);
				}
			},
			{ table: snapshot.table },
		);
	}

	async discardSnapshot(snapshot: TableSnapshot): Promise<void> {
		if (!snapshot.copyName) return;
		await this.run(() => this.pool.query(`DROP TABLE IF EXISTS ${sql.qualified(this.schema, snapshot.copyName!)}`));
	}

	async close(): Promise<void> {
		await this.pool.end();
	}

	private keyParams(table: TableSchema, range: KeyRange): KeyRange {
		const keyColumns = table.primaryKey.map((k) => table.columns.find((c) => c.name === k)!);
		const convert = (tuple?: unknown[]) =>
			tuple?.map((v, i) => postgresParam(v as never, keyColumns[i])) as KeyRange['after'];
		return { after: convert(range.after), upTo: convert(range.upTo) };
	}
}

export function snapshotName(runId: string, table: string): string {
	return `${INTERNAL_PREFIX}snap_${createHash('sha1').update(`${runId}\0${table}`).digest('hex').slice(0, 16)}`;
}

/** Schemas whose `_dm_state` this pool has seen or made: the table is created once, not before every call. */
const stateReady = new WeakMap<Pool, Set<string>>();

/**
 * Creates `_dm_state` once, race-free: concurrent first uses (parallel chunks, two migrations, n8n
 * workers) would otherwise collide in the catalog (`pg_type_typname_nsp_index`). Creation runs on a
 * connection of its own under a transaction-scoped advisory lock, never inside a caller's transaction.
 */
async function ensureStateTable(pool: Pool, schema: string): Promise<void> {
	if (stateReady.get(pool)?.has(schema)) return;
	const client = await pool.connect();
	let committed = false;
	try {
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`dm_state:${schema}`]);
		await client.query(
			`CREATE TABLE IF NOT EXISTS ${sql.qualified(schema, STATE_TABLE)} (namespace text NOT NULL, key text NOT NULL, ` +
				`value jsonb, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (namespace, key))`,
		);
		await client.query('COMMIT');
		committed = true;
	} finally {
		if (!committed) await client.query('ROLLBACK').catch(() => undefined);
		client.release();
	}
	if (!stateReady.has(pool)) stateReady.set(pool, new Set());
	stateReady.get(pool)!.add(schema);
}

async function setState(
	pool: Pool,
	client: Pick<Pool, 'query'>,
	schema: string,
	namespace: string,
	key: string,
	value: unknown,
): Promise<void> {
	await ensureStateTable(pool, schema);
	await client.query(
		`INSERT INTO ${sql.qualified(schema, STATE_TABLE)} (namespace, key, value) VALUES ($1, $2, $3) ` +
			`ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
		[namespace, key, JSON.stringify(value ?? null)],
	);
}

/** Checkpoints and watermarks in the destination itself, in `_dm_state`. */
class PostgresStateStore implements StateStore {
	constructor(private readonly connector: PostgresConnector) {}

	private get pool(): Pool {
		return (this.connector as unknown as { pool: Pool }).pool;
	}

	async get<T>(namespace: string, key: string): Promise<T | undefined> {
		return this.connector.run(async () => {
			await ensureStateTable(this.pool, this.connector.schema);
			const r = await this.pool.query(
				`SELECT value FROM ${sql.qualified(this.connector.schema, STATE_TABLE)} WHERE namespace = $1 AND key = $2`,
				[namespace, key],
			);
			return r.rows.length ? (r.rows[0].value as T) : undefined;
		});
	}

	async set(namespace: string, key: string, value: unknown): Promise<void> {
		await this.connector.run(() => setState(this.pool, this.pool, this.connector.schema, namespace, key, value));
	}

	async list<T>(namespace: string): Promise<Array<{ key: string; value: T }>> {
		return this.connector.run(async () => {
			await ensureStateTable(this.pool, this.connector.schema);
			const r = await this.pool.query(
				`SELECT key, value FROM ${sql.qualified(this.connector.schema, STATE_TABLE)} WHERE namespace = $1 ORDER BY key`,
				[namespace],
			);
			return r.rows.map((row) => ({ key: row.key, value: row.value as T }));
		});
	}

	async lease(namespace: string, key: string, owner: string, ttlSeconds: number) {
		return this.connector.run(async () => {
			await ensureStateTable(this.pool, this.connector.schema);
			const table = sql.qualified(this.connector.schema, STATE_TABLE);
			const until = `to_char((clock_timestamp() + $4 * interval '1 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
			await this.pool.query(
				`INSERT INTO ${table} (namespace, key, value) VALUES ($1, $2, jsonb_build_object('owner', $3::text, 'until', ${until})) ` +
					`ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now() ` +
					`WHERE ${table}.value->>'owner' = $3 OR (${table}.value->>'until')::timestamptz < clock_timestamp()`,
				[namespace, key, owner, ttlSeconds],
			);
			const r = await this.pool.query(`SELECT value FROM ${table} WHERE namespace = $1 AND key = $2`, [namespace, key]);
			return r.rows[0].value as { owner: string; until: string };
		});
	}

	async release(namespace: string, key: string, owner: string): Promise<void> {
		await this.connector.run(async () => {
			await ensureStateTable(this.pool, this.connector.schema);
			await this.pool.query(
				`DELETE FROM ${sql.qualified(this.connector.schema, STATE_TABLE)} WHERE namespace = $1 AND key = $2 AND value->>'owner' = $3`,
				[namespace, key, owner],
			);
		});
	}

	async delete(namespace: string, key?: string): Promise<void> {
		await this.connector.run(async () => {
			await ensureStateTable(this.pool, this.connector.schema);
			await this.pool.query(
				`DELETE FROM ${sql.qualified(this.connector.schema, STATE_TABLE)} WHERE namespace = $1${key === undefined ? '' : ' AND key = $2'}`,
				key === undefined ? [namespace] : [namespace, key],
			);
		});
	}
}

/** Key types whose JSON form is the stored value's text exactly, so `= ANY` finds what would conflict. */
const PROBED_KEY_TYPES = new Set(['int16', 'int32', 'int64', 'string', 'text', 'uuid']);

/**
 * True when no row with one of these keys is stored: the upsert is then a plain COPY. Checked in the
 * write's transaction through the key's unique index; a row that lands meanwhile makes the COPY fail
 * loudly on that index, never overwrite silently.
 */
async function noneStored(client: PoolClient, schema: string, table: TableSchema, key: string[], rows: Row[]) {
	const column = key.length === 1 ? table.columns.find((c) => c.name === key[0]) : undefined;
	if (!column || !PROBED_KEY_TYPES.has(column.logical)) return false;
	const keys = rows.map((row) => row[column.name]);
	if (keys.some((value) => typeof value !== 'string' && typeof value !== 'number')) return false;
	const result = await client.query(
		`SELECT EXISTS (SELECT 1 FROM ${sql.qualified(schema, table.name)} WHERE ${sql.q(column.name)} = ANY($1)) AS found`,
		[keys],
	);
	return !result.rows[0].found;
}
