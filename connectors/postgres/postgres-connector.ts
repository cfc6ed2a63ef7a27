import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFromStream, to as copyToStream } from 'pg-copy-streams';
import type { MigrationError } from '../../core/model/errors';
import { requireColumns, requirePrimaryKey } from '../../core/model/identifiers';
import type { Column, KeyRange, Row, TableSchema, Value } from '../../core/model/schema';
import type {
	NativeCopy,
	SequenceState,
	StateEntry,
	TableSnapshot,
	WriteMode,
	WriteOptions,
	WriteResult,
} from '../../core/ports';
import { capabilities, copiedSnapshot, requireSnapshotSchema } from '../../core/ports';
import type { Statement } from '../sql/sql-compiler';
import { SqlConnector, type SqlConnectorOptions, snapshotName, type DriverRow } from '../sql/sql-connector';
import { translatePostgresError } from './postgres-errors';
import { INTERNAL_PREFIX, introspectPostgres } from './postgres-introspector';
import { PostgresSql } from './postgres-sql';
import { copyText, postgresParam } from './postgres-types';

export interface PostgresConnectorOptions extends SqlConnectorOptions {
	schema?: string;
}

/** timestamp(3) without time zone → kind, precision (6 when absent), zone. */
const TIME_TYPE = /^(timestamp|time)(?:\((\d)\))?( with(?:out)? time zone)?$/;

/** PostgreSQL: what differs from every SQL database (connectors/sql/): COPY writes, snapshots with sequences, an advisory lock. */
export class PostgresConnector extends SqlConnector<PoolClient> implements NativeCopy {
	readonly capabilities = capabilities({
		supportsTransactions: true,
		checksumInDatabase: true,
		nativeDigest: true,
		jsonTextValid: true,
		textHoldsNul: false,
		maxIdentifier: { length: 63, unit: 'bytes' },
	});
	readonly schema: string;
	readonly sql: PostgresSql;

	constructor(
		private readonly pool: Pool,
		options: PostgresConnectorOptions = {},
	) {
		const schema = options.schema ?? 'public';
		super('postgres', options, () => introspectPostgres(pool, schema));
		this.schema = schema;
		this.sql = new PostgresSql(schema);
	}

	protected translate(error: unknown, context: Record<string, unknown>): MigrationError {
		return translatePostgresError(error, this.secrets, context);
	}

	async rows(statement: Statement, on: Pick<Pool, 'query'> = this.pool): Promise<DriverRow[]> {
		return (await on.query(statement.text, statement.values)).rows;
	}

	async execute(statement: Statement | string, on: Pick<Pool, 'query'> = this.pool): Promise<number> {
		const { text, values } = typeof statement === 'string' ? { text: statement, values: [] } : statement;
		return (await on.query(text, values)).rowCount ?? 0;
	}

	protected param(value: Value, column: Column): unknown {
		return postgresParam(value, column);
	}

	stateValue(raw: unknown): unknown {
		return typeof raw === 'string' ? JSON.parse(raw) : raw; // jsonb comes back as text (see postgres-types)
	}

	/**
	 * Creates `_dm_state` once, race-free: concurrent first uses (parallel chunks, two migrations, n8n
	 * workers) would otherwise collide in the catalog (`pg_type_typname_nsp_index`). Creation runs on a
	 * connection of its own under a transaction-scoped advisory lock, never inside a caller's transaction.
	 */
	protected async createStateTable(): Promise<void> {
		const client = await this.pool.connect();
		let committed = false;
		try {
			await client.query('BEGIN');
			await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`dm_state:${this.schema}`]);
			await client.query(this.sql.createStateTable());
			await client.query('COMMIT');
			committed = true;
		} finally {
			if (!committed) await client.query('ROLLBACK').catch(() => undefined);
			client.release();
		}
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
					if (options.mode === 'insert' || (await noneStored(client, this.sql, table, key, rows))) {
						await pipeline(
							Readable.from(lines()),
							heard(client.query(copyFromStream(this.sql.copyFrom(table.name, names)))),
						);
					} else {
						const staging = `${INTERNAL_PREFIX}stage_${table.name}`.slice(0, 63);
						await client.query(this.sql.stagingTable(table.name, staging, names));
						await pipeline(
							Readable.from(lines()),
							heard(client.query(copyFromStream(this.sql.copyFrom(staging, names, false)))),
						);
						await client.query(this.sql.upsertFromStaging(table.name, staging, names, key));
					}
				}
				if (options.checkpoint) await this.setState(options.checkpoint, client);
				return { written: rows.length };
			},
			{ table: tableName },
		);
	}

	/** Same type, or a timestamp or time of the same kind with at least the source's fractional digits. */
	copiesExactly(source: Column, destination: Column): boolean {
		const a = source.nativeType.toLowerCase();
		const b = destination.nativeType.toLowerCase();
		if (a && a === b) return true;
		const [x, y] = [TIME_TYPE.exec(a), TIME_TYPE.exec(b)];
		return Boolean(x && y && x[1] === y[1] && x[3] === y[3] && Number(y[2] ?? 6) >= Number(x[2] ?? 6));
	}

	/**
	 * A key range as COPY text, in a read-only transaction whose settings make every value read back
	 * exactly: doubles in shortest exact form, ISO dates and durations, hex bytea.
	 */
	async copyOut<T>(
		tableName: string,
		range: KeyRange,
		columns: string[],
		consume: (rows: Readable) => Promise<T>,
	): Promise<T> {
		const table = await this.table(tableName);
		requirePrimaryKey(table, this.system);
		requireColumns(table, columns, this.system);
		const bounds = this.keyParams(table, range);
		for (const value of [...(bounds.after ?? []), ...(bounds.upTo ?? [])])
			if (typeof value !== 'string' && typeof value !== 'number')
				throw new RangeError(`COPY bounds must be text or numbers; ${tableName}'s key is not`);
		const client = await this.run(() => this.pool.connect(), { table: tableName });
		// A failed copy-out leaves the connection mid-COPY: it is closed, not rolled back (closing ends the transaction).
		const outcome = await (async () => {
			await client.query(
				"BEGIN READ ONLY; SET LOCAL extra_float_digits = 3; SET LOCAL DateStyle = 'ISO, YMD'; " +
					"SET LOCAL IntervalStyle = 'iso_8601'; SET LOCAL bytea_output = 'hex'",
			);
			const text = this.sql.copyOutRange(table, columns, bounds, (v) => client.escapeLiteral(v));
			const result = await consume(heard(client.query(copyToStream(text))));
			await client.query('COMMIT');
			return result;
		})().then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		client.release(outcome.ok ? undefined : true);
		return outcome.ok ? outcome.value : Promise.reject(this.translate(outcome.error, { table: tableName }));
	}

	/** COPY text of the same engine into the table (upserts through a staging table), with the checkpoint. */
	async copyIn(
		tableName: string,
		columns: string[],
		rows: Readable,
		options: { mode: WriteMode; checkpoint?: (rows: number) => StateEntry },
	): Promise<number> {
		const table = await this.table(tableName);
		requireColumns(table, columns, this.system);
		if (options.mode === 'upsert') requirePrimaryKey(table, this.system);
		return this.transaction(
			async (client) => {
				let written: number;
				if (options.mode === 'insert') {
					const sink = heard(client.query(copyFromStream(this.sql.copyFrom(table.name, columns))));
					await pipeline(rows, sink);
					written = sink.rowCount;
				} else {
					const staging = `${INTERNAL_PREFIX}stage_${table.name}`.slice(0, 63);
					await client.query(this.sql.stagingTable(table.name, staging, columns));
					const sink = heard(client.query(copyFromStream(this.sql.copyFrom(staging, columns, false))));
					await pipeline(rows, sink);
					written = sink.rowCount;
					await client.query(this.sql.upsertFromStaging(table.name, staging, columns, table.primaryKey));
				}
				if (options.checkpoint) await this.setState(options.checkpoint(written), client);
				return written;
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
			throw this.translate(error, context);
		} finally {
			// A connection that failed is not given back to the pool for reuse.
			client.release(failed);
		}
	}

	async snapshot(tableName: string, runId: string): Promise<TableSnapshot> {
		const exists = await this.catalog.exists(tableName);
		if (!exists) return { table: tableName, createdByMigration: true, rows: 0 };
		const table = await this.table(tableName);
		const copyName = snapshotName(INTERNAL_PREFIX, runId, table.name);
		const sequences: SequenceState[] = [];
		await this.transaction(
			async (client) => {
				for (const statement of this.sql.copyTable(table, copyName)) await client.query(statement);
				for (const column of table.columns) {
					const found = await client.query(`SELECT pg_get_serial_sequence($1, $2) AS seq`, [
						this.sql.table(table.name),
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

	/** One transaction: the table holds exactly the copy's rows and its sequences their old values. */
	protected async restoreCopy(snapshot: TableSnapshot, exists: boolean): Promise<void> {
		if (!exists) await this.createTable(requireSnapshotSchema(snapshot));
		const table = await this.table(snapshot.table);
		const target = this.sql.table(table.name);
		await this.transaction(
			async (client) => {
				for (const statement of this.sql.replaceRows(table, snapshot.copyName!)) await client.query(statement);
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

	async close(): Promise<void> {
		await this.pool.end();
	}
}

/**
 * A COPY stream whose late errors are heard: after the other side of a pipeline failed first, the
 * connection is closed under it and it reports "Connection terminated" once more, with no listener
 * left; an unheard 'error' event would end the n8n process. Its consumer still sees every error.
 */
function heard<T extends NodeJS.EventEmitter>(stream: T): T {
	stream.on('error', () => undefined);
	return stream;
}

/** Key types whose JSON form is the stored value's text exactly, so `= ANY` finds what would conflict. */
const PROBED_KEY_TYPES = new Set(['int16', 'int32', 'int64', 'string', 'text', 'uuid']);

/**
 * True when no row with one of these keys is stored: the upsert is then a plain COPY. Checked in the
 * write's transaction through the key's unique index; a row that lands meanwhile makes the COPY fail
 * loudly on that index, never overwrite silently.
 */
async function noneStored(client: PoolClient, sql: PostgresSql, table: TableSchema, key: string[], rows: Row[]) {
	const column = key.length === 1 ? table.columns.find((c) => c.name === key[0]) : undefined;
	if (!column || !PROBED_KEY_TYPES.has(column.logical)) return false;
	const keys = rows.map((row) => row[column.name]);
	if (keys.some((value) => typeof value !== 'string' && typeof value !== 'number')) return false;
	const result = await client.query(
		`SELECT EXISTS (SELECT 1 FROM ${sql.table(table.name)} WHERE ${sql.q(column.name)} = ANY($1)) AS found`,
		[keys],
	);
	return !result.rows[0].found;
}
