import { createHash } from 'node:crypto';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TableCatalog, columnsWithKey, pickColumns } from '../../core/model/catalog';
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
import { ValueError } from '../../core/model/errors';
import { inParts, onlyColumns, requireColumns, requirePrimaryKey } from '../../core/model/identifiers';
import { requireCursorColumn } from '../../core/sync/sync';
import { missingForeignKeys } from '../../core/mapping/foreign-keys';
import { assertPositiveInteger, keysetPages, rangesFromBoundaries } from '../../core/model/keyset';
import type { Column, ForeignKeyInfo, KeyRange, KeyTuple, Row, TableSchema } from '../../core/model/schema';
import { translateMysqlError } from './mysql-errors';
import { INTERNAL_PREFIX, introspectMysql } from './mysql-introspector';
import * as sql from './mysql-sql';
import { fromMysql, toMysql } from './mysql-types';

export interface MysqlConnectorOptions {
	secrets?: string[];
	/** host:port, named in messages about a server that cannot be reached. */
	endpoint?: string;
}

const STATE_TABLE = `${INTERNAL_PREFIX}state`;
/** Room left in max_allowed_packet for the statement head and the ON DUPLICATE KEY clause. */
const PACKET_MARGIN = 64 * 1024;

type Queryable = Pick<Pool, 'query'> | PoolConnection;

export class MysqlConnector implements DatabaseConnector {
	readonly system = 'mysql';
	readonly capabilities = capabilities({
		supportsTransactions: true,
		checksumInDatabase: true,
		maxIdentifier: { length: 64, unit: 'characters' },
	});
	readonly state: StateStore;
	private readonly catalog: TableCatalog;
	private readonly secrets: string[];
	private readonly endpoint?: string;
	private maxPacket?: number;

	constructor(
		private readonly pool: Pool,
		options: MysqlConnectorOptions = {},
	) {
		this.secrets = options.secrets ?? [];
		this.endpoint = options.endpoint;
		this.catalog = new TableCatalog(this.system, () => this.run(() => introspectMysql(this.pool)));
		this.state = new MysqlStateStore(this);
	}

	async run<T>(work: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
		try {
			return await work();
		} catch (error) {
			throw translateMysqlError(error, this.secrets, { endpoint: this.endpoint, ...context });
		}
	}

	/** A pooled connection of its own, for work that must stay on one connection (named locks). */
	connection(): Promise<PoolConnection> {
		return this.pool.getConnection();
	}

	async query<T extends RowDataPacket[] | ResultSetHeader>(
		statement: string,
		values: unknown[] = [],
		on: Queryable = this.pool,
	): Promise<T> {
		const [result] = await on.query<T>(statement, values);
		return result;
	}

	async introspect(tables?: string[]): Promise<TableSchema[]> {
		const all = await this.catalog.all();
		return tables ? Promise.all(tables.map((name) => this.catalog.get(name))) : all;
	}

	table(name: string): Promise<TableSchema> {
		return this.catalog.get(name);
	}

	async ping(): Promise<void> {
		await this.run(() => this.query('SELECT 1'));
	}

	async count(tableName: string, range?: KeyRange): Promise<number> {
		const table = await this.table(tableName);
		if (range) requirePrimaryKey(table, this.system);
		const { sql: text, values } = sql.countRows(table, range && this.keyParams(table, range));
		const result = await this.run(() => this.query<RowDataPacket[]>(text, values), { table: tableName });
		return Number(result[0].n);
	}

	async planChunks(tableName: string, rowsPerChunk: number): Promise<KeyRange[]> {
		assertPositiveInteger(rowsPerChunk, 'rowsPerChunk');
		const table = await this.table(tableName);
		const key = requirePrimaryKey(table, this.system);
		const { sql: text, values } = sql.chunkBoundaries(table, rowsPerChunk);
		const result = await this.run(() => this.query<RowDataPacket[]>(text, values), { table: tableName });
		return rangesFromBoundaries(result.map((row) => key.map((k) => fromMysql(row[k], column(table, k)))));
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
		const selectedColumns = selected.map((name) => column(table, name));
		const pages = keysetPages(range, table.primaryKey, options.batchSize, async (page, limit) => {
			const { sql: text, values } = sql.selectPage(table, selected, this.keyParams(table, page), limit);
			const raw = await this.run(() => this.query<RowDataPacket[]>(text, values), { table: tableName });
			// Converted in place: a second object per row is garbage the n8n process collects at 1M rows.
			for (const r of raw) for (const c of selectedColumns) r[c.name] = fromMysql(r[c.name], c);
			return raw as Row[];
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
		const { sql: text, values } = sql.selectChanges(table, query.cursorColumn, after, horizon, query.limit);
		const raw = await this.run(() => this.query<RowDataPacket[]>(text, values), { table: tableName });
		return raw.map((r) => rowFromMysql(r, table));
	}

	async countChanges(tableName: string, query: Omit<ChangeQuery, 'limit'>): Promise<number> {
		const { table, after, horizon } = await this.changeParams(tableName, query);
		const { sql: text, values } = sql.countChanges(table, query.cursorColumn, after, horizon);
		return Number((await this.run(() => this.query<RowDataPacket[]>(text, values), { table: tableName }))[0].n);
	}

	private async changeParams(tableName: string, query: Omit<ChangeQuery, 'limit'>) {
		const table = await this.table(tableName);
		const cursor = requireCursorColumn(table, query.cursorColumn);
		const tuple = { ...table, primaryKey: [cursor.name, ...table.primaryKey] };
		const after = query.after
			? this.keyParams(tuple, { after: [query.after.cursor, ...query.after.key] }).after
			: undefined;
		const horizon = query.horizon === undefined ? undefined : toMysql(query.horizon, cursor);
		return { table, after, horizon };
	}

	async readByKeys(tableName: string, keys: KeyTuple[]): Promise<Row[]> {
		const table = await this.table(tableName);
		requirePrimaryKey(table, this.system);
		const rows: Row[] = [];
		for (const part of inParts(keys)) {
			const { sql: text, values } = sql.selectByKeys(
				table,
				part.map((k) => this.keyParams(table, { after: k }).after!),
			);
			const raw = await this.run(() => this.query<RowDataPacket[]>(text, values), { table: tableName });
			rows.push(...raw.map((r) => rowFromMysql(r, table)));
		}
		return rows;
	}

	async deleteRows(tableName: string, keys: KeyTuple[], checkpoint?: StateEntry): Promise<number> {
		const table = await this.table(tableName);
		requirePrimaryKey(table, this.system);
		return this.transaction(
			async (connection) => {
				let deleted = 0;
				for (const part of inParts(keys)) {
					const { sql: text, values } = sql.deleteByKeys(
						table,
						part.map((k) => this.keyParams(table, { after: k }).after!),
					);
					deleted += (await this.query<ResultSetHeader>(text, values, connection)).affectedRows;
				}
				if (checkpoint) await setState(this, connection, checkpoint.namespace, checkpoint.key, checkpoint.value);
				return deleted;
			},
			{ table: tableName },
		);
	}

	async clock(): Promise<string> {
		const result = await this.run(() =>
			this.query<RowDataPacket[]>("SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ') AS now"),
		);
		return String(result[0].now);
	}

	private async checksumTable(table: TableSchema, range?: KeyRange): Promise<SegmentDigest> {
		const tableName = table.name;
		requirePrimaryKey(table, this.system);
		const scalar = { ...table, columns: scalarColumns(table.columns) };
		const { sql: text, values } = sql.checksumRange(scalar, range && this.keyParams(table, range));
		const digest = new DigestAccumulator(table.columns, table.primaryKey);
		// The database sums the scalar part while the JSON part streams on another connection.
		const [result] = await Promise.all([
			this.run(() => this.query<RowDataPacket[]>(text, values), { table: tableName }),
			addJsonParts({ read: (_name, r, o) => this.readTable(table, r, o) }, table, range, digest),
		]);
		digest.addAggregate(Number(result[0].n), result[0].s);
		return digest.result();
	}

	async createTable(table: TableSchema, options: { ifNotExists?: boolean } = {}): Promise<void> {
		const statement = sql.createTable(table, options.ifNotExists ?? false);
		await this.run(() => this.query(statement), { table: table.name });
		this.catalog.invalidate();
	}

	async dropTable(tableName: string): Promise<void> {
		const table = await this.table(tableName);
		await this.run(() => this.query(`DROP TABLE ${sql.q(table.name)}`), { table: tableName });
		this.catalog.invalidate();
	}

	async addForeignKeys(tableName: string, foreignKeys: ForeignKeyInfo[]): Promise<number> {
		const table = await this.table(tableName);
		const missing = await missingForeignKeys(this, table, foreignKeys);
		for (const fk of missing) {
			await this.run(
				() =>
					this.query(
						`ALTER TABLE ${sql.q(table.name)} ADD CONSTRAINT ${sql.q(fk.name)} FOREIGN KEY (${fk.columns.map(sql.q).join(', ')}) ` +
							`REFERENCES ${sql.q(fk.referencedTable)} (${fk.referencedColumns.map(sql.q).join(', ')})`,
					),
				{ table: tableName },
			);
		}
		this.catalog.invalidate();
		return missing.length;
	}

	/** Multi-row INSERTs sized under max_allowed_packet, in one transaction with the checkpoint. */
	async write(tableName: string, rows: Row[], options: WriteOptions): Promise<WriteResult> {
		const table = await this.table(tableName);
		const unknown = rows.length ? Object.keys(rows[0]).filter((k) => !table.columns.some((c) => c.name === k)) : [];
		requireColumns(table, unknown, this.system);
		const columns = table.columns.filter((c) => rows.some((r) => r[c.name] !== undefined));
		const key = options.key ?? table.primaryKey;
		if (options.mode === 'upsert')
			requireColumns(table, requirePrimaryKey({ ...table, primaryKey: key }, this.system), this.system);
		const limit = (await this.maxAllowedPacket()) - PACKET_MARGIN;
		return this.transaction(
			async (connection) => {
				const names = columns.map((c) => c.name);
				let literals: string[] = [];
				let size = 0;
				const flush = async () => {
					if (!literals.length) return;
					const statement = sql.insertRows(table.name, names, literals, options.mode === 'upsert' ? key : undefined);
					const result = await this.query<ResultSetHeader>(statement, [], connection);
					if (result.warningStatus > 0) await this.failOnWarnings(connection, table.name);
					literals = [];
					size = 0;
				};
				for (const row of rows) {
					const literal = sql.rowLiteral(columns.map((c) => toMysql(row[c.name], c)));
					if (size + literal.length + 2 > limit) await flush();
					literals.push(literal);
					size += Buffer.byteLength(literal) + 2;
				}
				await flush();
				if (options.checkpoint)
					await setState(
						this,
						connection,
						options.checkpoint.namespace,
						options.checkpoint.key,
						options.checkpoint.value,
					);
				return { written: rows.length };
			},
			{ table: tableName },
		);
	}

	/** MySQL rounds or truncates some values with only a warning; a warning here is a refused value. */
	private async failOnWarnings(connection: PoolConnection, table: string): Promise<never> {
		const warnings = await this.query<RowDataPacket[]>('SHOW WARNINGS', [], connection);
		const first = warnings[0];
		throw new ValueError(`MySQL/MariaDB changed a value while writing ${table}: ${first?.Message ?? 'warning'}`, {
			system: this.system,
			table,
			warnings: warnings.map((w) => w.Message),
		});
	}

	async transaction<T>(
		work: (connection: PoolConnection) => Promise<T>,
		context: Record<string, unknown> = {},
	): Promise<T> {
		const connection = await this.run(() => this.pool.getConnection(), context);
		try {
			await connection.beginTransaction();
			const result = await work(connection);
			await connection.commit();
			return result;
		} catch (error) {
			await connection.rollback().catch(() => undefined);
			throw translateMysqlError(error, this.secrets, { endpoint: this.endpoint, ...context });
		} finally {
			connection.release();
		}
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
				this.query<RowDataPacket[]>(
					`SELECT count(*) AS n FROM ${sql.q(table.name)} c WHERE ${set} ` +
						`AND NOT EXISTS (SELECT 1 FROM ${sql.q(parent.name)} p WHERE ${match})`,
				),
			{ table: tableName },
		);
		return Number(result[0].n);
	}

	async snapshot(tableName: string, runId: string): Promise<TableSnapshot> {
		if (!(await this.catalog.exists(tableName))) return { table: tableName, createdByMigration: true, rows: 0 };
		const table = await this.table(tableName);
		const copyName = snapshotName(runId, table.name);
		await this.run(
			async () => {
				await this.query(`DROP TABLE IF EXISTS ${sql.q(copyName)}`);
				await this.query(`CREATE TABLE ${sql.q(copyName)} LIKE ${sql.q(table.name)}`);
				await this.query(`INSERT INTO ${sql.q(copyName)} SELECT * FROM ${sql.q(table.name)}`);
			},
			{ table: tableName },
		);
		const sequences: SequenceState[] = [];
		const autoIncrement = table.columns.find((c) => c.autoIncrement);
		if (autoIncrement) {
			// information_schema may cache AUTO_INCREMENT; SHOW CREATE TABLE reads the live value.
			const shown = await this.query<RowDataPacket[]>(`SHOW CREATE TABLE ${sql.q(table.name)}`);
			const next = /AUTO_INCREMENT=(\d+)/.exec(String(shown[0]['Create Table']))?.[1];
			if (next) sequences.push({ column: autoIncrement.name, value: next });
		}
		return copiedSnapshot(table, copyName, await this.checksum(table.name), sequences);
	}

	async snapshotChecksum(snapshot: TableSnapshot): Promise<SegmentDigest> {
		return this.checksumTable({ ...requireSnapshotSchema(snapshot), name: snapshot.copyName! });
	}

	/** Idempotent: rows replaced in one transaction, then the AUTO_INCREMENT put back (DDL commits on its own). */
	async restore(snapshot: TableSnapshot): Promise<void> {
		const exists = await this.catalog.exists(snapshot.table);
		if (snapshot.createdByMigration) {
			if (exists) await this.dropTable(snapshot.table);
			return;
		}
		if (!exists) {
			await this.run(() => this.query(`CREATE TABLE ${sql.q(snapshot.table)} LIKE ${sql.q(snapshot.copyName!)}`), {
				table: snapshot.table,
			});
			this.catalog.invalidate();
		}
		const table = await this.table(snapshot.table);
		const cols = table.columns.map((c) => sql.q(c.name)).join(', ');
		await this.transaction(
			async (connection) => {
				await this.query(`DELETE FROM ${sql.q(table.name)}`, [], connection);
				await this.query(
					`INSERT INTO ${sql.q(table.name)} (${cols}) SELECT ${cols} FROM ${sql.q(snapshot.copyName!)}`,
					[],
					connection,
				);
			},
			{ table: snapshot.table },
		);
		for (const sequence of snapshot.sequences ?? []) {
			if (!/^\d+$/.test(sequence.value)) continue;
			await this.run(() => this.query(`ALTER TABLE ${sql.q(table.name)} AUTO_INCREMENT = ${sequence.value}`), {
				table: snapshot.table,
			});
		}
	}

	async discardSnapshot(snapshot: TableSnapshot): Promise<void> {
		if (snapshot.copyName) await this.run(() => this.query(`DROP TABLE IF EXISTS ${sql.q(snapshot.copyName!)}`));
	}

	async close(): Promise<void> {
		// mysql2 rejects end() with the error of a connection lost before: the close must not hide the
		// (translated) error that ended the work, and nothing is left to close then.
		await this.pool.end().catch(() => undefined);
	}

	private async maxAllowedPacket(): Promise<number> {
		if (!this.maxPacket) {
			const result = await this.run(() => this.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS m'));
			this.maxPacket = Number(result[0].m);
		}
		return this.maxPacket;
	}

	private keyParams(table: TableSchema, range: KeyRange): KeyRange {
		const keyColumns = table.primaryKey.map((k) => column(table, k));
		const convert = (tuple?: unknown[]) =>
			tuple?.map((v, i) => toMysql(v as never, keyColumns[i])) as KeyRange['after'];
		return { after: convert(range.after), upTo: convert(range.upTo) };
	}
}

function rowFromMysql(raw: RowDataPacket, table: TableSchema): Row {
	const row: Row = {};
	for (const c of table.columns) row[c.name] = fromMysql(raw[c.name], c);
	return row;
}

function column(table: TableSchema, name: string): Column {
	return table.columns.find((c) => c.name === name)!;
}

export function snapshotName(runId: string, table: string): string {
	return `${INTERNAL_PREFIX}snap_${createHash('sha1').update(`${runId}\0${table}`).digest('hex').slice(0, 16)}`;
}

/** Connectors that have seen or made `_dm_state`: the table is created once, not before every call. */
const stateReady = new WeakSet<MysqlConnector>();

/**
 * Creates `_dm_state` once, race-free (under a named lock, so concurrent first uses take turns) and
 * on a pooled connection of its own: a CREATE TABLE inside the caller's transaction would commit it
 * implicitly, splitting a chunk's last write from its checkpoint.
 */
async function ensureStateTable(connector: MysqlConnector): Promise<void> {
	if (stateReady.has(connector)) return;
	const connection = await connector.connection();
	try {
		// A named lock is held by one connection: taken and given back on this one.
		const [[{ db }]] = await connection.query<RowDataPacket[]>('SELECT DATABASE() AS db');
		const lock = `dm_state:${String(db)}`.slice(0, 64);
		const [[{ got }]] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [lock]);
		if (Number(got) !== 1) throw new Error(`Could not take the lock ${lock} to create ${STATE_TABLE} within 30 s`);
		try {
			await connection.query(
				`CREATE TABLE IF NOT EXISTS ${sql.q(STATE_TABLE)} (namespace VARCHAR(190) NOT NULL, \`key\` VARCHAR(190) NOT NULL, ` +
					`value LONGTEXT, updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (namespace, \`key\`)) ` +
					`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
			);
		} finally {
			await connection.query('SELECT RELEASE_LOCK(?)', [lock]);
		}
	} finally {
		connection.release();
	}
	stateReady.add(connector);
}

async function setState(
	connector: MysqlConnector,
	on: Queryable | undefined,
	namespace: string,
	key: string,
	value: unknown,
): Promise<void> {
	await ensureStateTable(connector);
	await connector.query(
		`INSERT INTO ${sql.q(STATE_TABLE)} (namespace, \`key\`, value) VALUES (?, ?, ?) ` +
			`ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = CURRENT_TIMESTAMP(6)`,
		[namespace, key, JSON.stringify(value ?? null)],
		on,
	);
}

/** Checkpoints and watermarks in the destination itself, in `_dm_state`. */
class MysqlStateStore implements StateStore {
	constructor(private readonly connector: MysqlConnector) {}

	async get<T>(namespace: string, key: string): Promise<T | undefined> {
		return this.connector.run(async () => {
			await ensureStateTable(this.connector);
			const r = await this.connector.query<RowDataPacket[]>(
				`SELECT value FROM ${sql.q(STATE_TABLE)} WHERE namespace = ? AND \`key\` = ?`,
				[namespace, key],
			);
			return r.length ? (JSON.parse(r[0].value) as T) : undefined;
		});
	}

	async set(namespace: string, key: string, value: unknown): Promise<void> {
		await this.connector.run(() => setState(this.connector, undefined, namespace, key, value));
	}

	async list<T>(namespace: string): Promise<Array<{ key: string; value: T }>> {
		return this.connector.run(async () => {
			await ensureStateTable(this.connector);
			const r = await this.connector.query<RowDataPacket[]>(
				`SELECT \`key\`, value FROM ${sql.q(STATE_TABLE)} WHERE namespace = ? ORDER BY \`key\``,
				[namespace],
			);
			return r.map((row) => ({ key: row.key, value: JSON.parse(row.value) as T }));
		});
	}

	async lease(namespace: string, key: string, owner: string, ttlSeconds: number) {
		return this.connector.run(async () => {
			await ensureStateTable(this.connector);
			const now = "DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ')";
			const until = "DATE_FORMAT(UTC_TIMESTAMP(6) + INTERVAL ? SECOND, '%Y-%m-%dT%H:%i:%s.%fZ')";
			// In ON DUPLICATE KEY UPDATE, `value` still names the old row: the lease changes hands only when free.
			await this.connector.query(
				`INSERT INTO ${sql.q(STATE_TABLE)} (namespace, \`key\`, value) VALUES (?, ?, JSON_OBJECT('owner', ?, 'until', ${until})) ` +
					`ON DUPLICATE KEY UPDATE value = IF(JSON_UNQUOTE(JSON_EXTRACT(value, '$.owner')) = ? ` +
					`OR JSON_UNQUOTE(JSON_EXTRACT(value, '$.until')) < ${now}, VALUES(value), value)`,
				[namespace, key, owner, ttlSeconds, owner],
			);
			const r = await this.connector.query<RowDataPacket[]>(
				`SELECT value FROM ${sql.q(STATE_TABLE)} WHERE namespace = ? AND \`key\` = ?`,
				[namespace, key],
			);
			return JSON.parse(r[0].value) as { owner: string; until: string };
		});
	}

	async release(namespace: string, key: string, owner: string): Promise<void> {
		await this.connector.run(async () => {
			await ensureStateTable(this.connector);
			await this.connector.query(
				`DELETE FROM ${sql.q(STATE_TABLE)} WHERE namespace = ? AND \`key\` = ? AND JSON_UNQUOTE(JSON_EXTRACT(value, '$.owner')) = ?`,
				[namespace, key, owner],
			);
		});
	}

	async delete(namespace: string, key?: string): Promise<void> {
		await this.connector.run(async () => {
			await ensureStateTable(this.connector);
			await this.connector.query(
				`DELETE FROM ${sql.q(STATE_TABLE)} WHERE namespace = ?${key === undefined ? '' : ' AND `key` = ?'}`,
				key === undefined ? [namespace] : [namespace, key],
			);
		});
	}
}
