import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { ValueError, type MigrationError } from '../../core/model/errors';
import { requireColumns, requirePrimaryKey } from '../../core/model/identifiers';
import type { Column, Row, Value } from '../../core/model/schema';
import type { SequenceState, TableSnapshot, WriteOptions, WriteResult } from '../../core/ports';
import { capabilities, copiedSnapshot } from '../../core/ports';
import type { Statement } from '../sql/sql-compiler';
import { SqlConnector, snapshotName, type DriverRow, type SqlConnectorOptions } from '../sql/sql-connector';
import { translateMysqlError } from './mysql-errors';
import { INTERNAL_PREFIX, introspectMysql } from './mysql-introspector';
import { insertRows, MysqlSql, q, rowLiteral } from './mysql-sql';
import { fromMysql, MAX_TIME_MICROS, toMysql } from './mysql-types';

export type MysqlConnectorOptions = SqlConnectorOptions;

/** Room left in max_allowed_packet for the statement head and the ON DUPLICATE KEY clause. */
const PACKET_MARGIN = 64 * 1024;

type Queryable = Pick<Pool, 'query'> | PoolConnection;

/** MySQL/MariaDB: what differs from every SQL database (connectors/sql/): multi-row INSERTs, value conversions, a named lock. */
export class MysqlConnector extends SqlConnector<PoolConnection> {
	readonly capabilities = capabilities({
		jsonTextValid: true,
		supportsTransactions: true,
		checksumInDatabase: true,
		nonFiniteFloats: false,
		maxDurationSeconds: Number(MAX_TIME_MICROS) / 1e6,
		maxIdentifier: { length: 64, unit: 'characters' },
	});
	readonly sql = new MysqlSql();
	private maxPacket?: number;

	constructor(
		private readonly pool: Pool,
		options: MysqlConnectorOptions = {},
	) {
		super('mysql', options, () => introspectMysql(pool));
	}

	protected translate(error: unknown, context: Record<string, unknown>): MigrationError {
		return translateMysqlError(error, this.secrets, context);
	}

	async rows(statement: Statement, on: Queryable = this.pool): Promise<DriverRow[]> {
		const [result] = await on.query<RowDataPacket[]>(statement.text, statement.values);
		return result;
	}

	async execute(statement: Statement | string, on: Queryable = this.pool): Promise<number> {
		const { text, values } = typeof statement === 'string' ? { text: statement, values: [] } : statement;
		const [result] = await on.query<ResultSetHeader>(text, values);
		return result.affectedRows;
	}

	protected param(value: Value, column: Column): unknown {
		return toMysql(value, column);
	}

	/** Converted in place: a second object per row is garbage the n8n process collects at 1M rows. */
	protected fromDriver(rows: DriverRow[], columns: Column[]): Row[] {
		for (const r of rows) for (const c of columns) r[c.name] = fromMysql(r[c.name] as never, c);
		return rows as Row[];
	}

	stateValue(raw: unknown): unknown {
		return JSON.parse(String(raw));
	}

	/**
	 * Creates `_dm_state` once, race-free (under a named lock, so concurrent first uses take turns) and
	 * on a pooled connection of its own: a CREATE TABLE inside the caller's transaction would commit it
	 * implicitly, splitting a chunk's last write from its checkpoint.
	 */
	protected async createStateTable(): Promise<void> {
		const connection = await this.pool.getConnection();
		try {
			// A named lock is held by one connection: taken and given back on this one.
			const [[{ db }]] = await connection.query<RowDataPacket[]>('SELECT DATABASE() AS db');
			const lock = `dm_state:${String(db)}`.slice(0, 64);
			const [[{ got }]] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [lock]);
			if (Number(got) !== 1)
				throw new Error(`Could not take the lock ${lock} to create ${this.sql.stateTable} within 30 s`);
			try {
				await connection.query(this.sql.createStateTable());
			} finally {
				await connection.query('SELECT RELEASE_LOCK(?)', [lock]);
			}
		} finally {
			connection.release();
		}
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
					const statement = insertRows(table.name, names, literals, options.mode === 'upsert' ? key : undefined);
					const [result] = await connection.query<ResultSetHeader>(statement);
					if (result.warningStatus > 0) await this.failOnWarnings(connection, table.name);
					literals = [];
					size = 0;
				};
				for (const row of rows) {
					const literal = rowLiteral(columns.map((c) => toMysql(row[c.name], c)));
					if (size + literal.length + 2 > limit) await flush();
					literals.push(literal);
					size += Buffer.byteLength(literal) + 2;
				}
				await flush();
				if (options.checkpoint) await this.setState(options.checkpoint, connection);
				return { written: rows.length };
			},
			{ table: tableName },
		);
	}

	/** MySQL rounds or truncates some values with only a warning; a warning here is a refused value. */
	private async failOnWarnings(connection: PoolConnection, table: string): Promise<never> {
		const [warnings] = await connection.query<RowDataPacket[]>('SHOW WARNINGS');
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
			throw this.translate(error, context);
		} finally {
			connection.release();
		}
	}

	async snapshot(tableName: string, runId: string): Promise<TableSnapshot> {
		if (!(await this.catalog.exists(tableName))) return { table: tableName, createdByMigration: true, rows: 0 };
		const table = await this.table(tableName);
		const copyName = snapshotName(INTERNAL_PREFIX, runId, table.name);
		await this.run(
			async () => {
				for (const statement of this.sql.copyTable(table, copyName)) await this.execute(statement);
			},
			{ table: tableName },
		);
		const sequences: SequenceState[] = [];
		const autoIncrement = table.columns.find((c) => c.autoIncrement);
		if (autoIncrement) {
			// information_schema may cache AUTO_INCREMENT; SHOW CREATE TABLE reads the live value.
			const shown = await this.run(() => this.rows({ text: `SHOW CREATE TABLE ${q(table.name)}`, values: [] }));
			const next = /AUTO_INCREMENT=(\d+)/.exec(String(shown[0]['Create Table']))?.[1];
			if (next) sequences.push({ column: autoIncrement.name, value: next });
		}
		return copiedSnapshot(table, copyName, await this.checksum(table.name), sequences);
	}

	/** Rows replaced in one transaction, then the AUTO_INCREMENT put back (DDL commits on its own). */
	protected async restoreCopy(snapshot: TableSnapshot, exists: boolean): Promise<void> {
		if (!exists) {
			await this.run(() => this.execute(`CREATE TABLE ${q(snapshot.table)} LIKE ${q(snapshot.copyName!)}`), {
				table: snapshot.table,
			});
			this.catalog.invalidate();
		}
		const table = await this.table(snapshot.table);
		await this.transaction(
			async (connection) => {
				for (const statement of this.sql.replaceRows(table, snapshot.copyName!))
					await this.execute(statement, connection);
			},
			{ table: snapshot.table },
		);
		for (const sequence of snapshot.sequences ?? []) {
			if (!/^\d+$/.test(sequence.value)) continue;
			await this.run(() => this.execute(`ALTER TABLE ${q(table.name)} AUTO_INCREMENT = ${sequence.value}`), {
				table: snapshot.table,
			});
		}
	}

	async close(): Promise<void> {
		// mysql2 rejects end() with the error of a connection lost before: the close must not hide the
		// (translated) error that ended the work, and nothing is left to close then.
		await this.pool.end().catch(() => undefined);
	}

	private async maxAllowedPacket(): Promise<number> {
		if (!this.maxPacket) {
			const result = await this.run(() => this.rows({ text: 'SELECT @@max_allowed_packet AS m', values: [] }));
			this.maxPacket = Number(result[0].m);
		}
		return this.maxPacket;
	}
}
