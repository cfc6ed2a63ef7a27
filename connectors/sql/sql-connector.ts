import { createHash } from 'node:crypto';
import { TableCatalog, columnsWithKey, pickColumns } from '../../core/model/catalog';
import { StateError, type MigrationError } from '../../core/model/errors';
import { inParts, onlyColumns, requireColumns, requirePrimaryKey } from '../../core/model/identifiers';
import { assertPositiveInteger, keysetPages, rangesFromBoundaries } from '../../core/model/keyset';
import type {
	Column,
	ForeignKeyInfo,
	IndexInfo,
	KeyRange,
	KeyTuple,
	Row,
	TableSchema,
	Value,
} from '../../core/model/schema';
import { missingForeignKeys } from '../../core/mapping/foreign-keys';
import type {
	CreateTableOptions,
	Capabilities,
	ChangeQuery,
	DatabaseConnector,
	ReadOptions,
	ScratchSpace,
	SegmentDigest,
	DigestOptions,
	StateEntry,
	StateStore,
	TableSnapshot,
	WriteOptions,
	WriteResult,
} from '../../core/ports';
import { requireSnapshotSchema, SCRATCH_NAME } from '../../core/ports';
import { requireCursorColumn } from '../../core/sync/sync';
import { addJsonParts, DigestAccumulator, scalarColumns } from '../../core/validate/digest';
import type { SqlCompiler, Statement } from './sql-compiler';
import { SqlStateStore } from './sql-state-store';

export interface SqlConnectorOptions {
	/** Removed from every error message (the password). */
	secrets?: string[];
	/** host:port, named in messages about a server that cannot be reached. */
	endpoint?: string;
	/** A connector of the same settings on another namespace (schema, database): where a dry run writes. */
	reopen?: (namespace: string) => DatabaseConnector;
}

/** A raw result row, as the driver gives it. */
export type DriverRow = Record<string, unknown>;

/**
 * What every SQL database connector does, written once: introspection through a catalog, keyset
 * reads, counts, chunk plans, in-database checksums, the change feed, reads and deletes by key,
 * foreign keys, snapshots' checksums and the state store. A dialect (postgres/, mysql/) supplies its
 * statements (a SqlCompiler), its driver calls and conversions, its bulk write, its snapshot and
 * restore, and how its state table is created race-free.
 */
export abstract class SqlConnector<Client> implements DatabaseConnector {
	abstract readonly capabilities: Capabilities;
	abstract readonly sql: SqlCompiler;
	readonly state: StateStore;
	protected readonly catalog: TableCatalog;
	protected readonly secrets: string[];
	protected readonly endpoint?: string;
	private readonly reopen?: (namespace: string) => DatabaseConnector;
	private stateReady = false;

	constructor(
		readonly system: string,
		options: SqlConnectorOptions,
		introspectAll: () => Promise<TableSchema[]>,
	) {
		this.secrets = options.secrets ?? [];
		this.endpoint = options.endpoint;
		this.reopen = options.reopen;
		this.catalog = new TableCatalog(system, () => this.run(introspectAll));
		this.state = new SqlStateStore(this);
	}

	// ---- what a dialect supplies ----

	/** The driver's error as a typed one, secrets removed. */
	protected abstract translate(error: unknown, context: Record<string, unknown>): MigrationError;
	/** The rows of a statement, on the pool or on a transaction's client. */
	abstract rows(statement: Statement, on?: Client): Promise<DriverRow[]>;
	/** Runs a statement; returns the rows it changed. */
	abstract execute(statement: Statement | string, on?: Client): Promise<number>;
	/** Runs `work` in one transaction on one client. */
	abstract transaction<T>(work: (client: Client) => Promise<T>, context?: Record<string, unknown>): Promise<T>;
	/** A value as the driver binds it for this column. */
	protected abstract param(value: Value, column: Column): unknown;
	/** Creates the state table once, safe against concurrent first uses, outside any caller's transaction. */
	protected abstract createStateTable(): Promise<void>;
	/** A state value as the driver returns it, back to the value. */
	abstract stateValue(raw: unknown): unknown;
	abstract write(table: string, rows: Row[], options: WriteOptions): Promise<WriteResult>;
	abstract snapshot(table: string, runId: string): Promise<TableSnapshot>;
	/** Puts a table that existed before back to its snapshot's copy (recreated first when it vanished). */
	protected abstract restoreCopy(snapshot: TableSnapshot, exists: boolean): Promise<void>;
	abstract close(): Promise<void>;

	/** Driver values of these columns as the engine-neutral values (in place: no second object per row). */
	protected fromDriver(rows: DriverRow[], _columns: Column[]): Row[] {
		return rows as Row[];
	}

	// ---- written once ----

	/** Runs a driver call, translating its errors once. */
	async run<T>(work: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
		try {
			return await work();
		} catch (error) {
			throw this.translate(error, { endpoint: this.endpoint, ...context });
		}
	}

	async openScratch(name: string): Promise<ScratchSpace> {
		const reopen = this.reopen;
		if (!reopen) throw new RangeError(`This ${this.system} connector cannot open a scratch namespace`);
		if (!SCRATCH_NAME.test(name)) throw new RangeError(`Not a scratch namespace name: ${name}`);
		await this.run(() => this.execute(this.sql.dropNamespace(name)), { table: name });
		await this.run(() => this.execute(this.sql.createNamespace(name)), { table: name });
		const connector = reopen(name);
		return {
			name,
			connector,
			drop: async () => {
				await connector.close();
				await this.run(() => this.execute(this.sql.dropNamespace(name)), { table: name });
			},
		};
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
		await this.run(() => this.rows({ text: 'SELECT 1', values: [] }));
	}

	async count(tableName: string, range?: KeyRange): Promise<number> {
		const table = await this.table(tableName);
		if (range) requirePrimaryKey(table, this.system);
		const result = await this.query(this.sql.countRows(table, range && this.keyParams(table, range)), tableName);
		return Number(result[0].n);
	}

	async holdsOnly(tableName: string, column: string, values: number[]): Promise<boolean> {
		const table = await this.table(tableName);
		return (await this.query(this.sql.valueOutside(table, column, values), tableName)).length === 0;
	}

	async planChunks(tableName: string, rowsPerChunk: number): Promise<KeyRange[]> {
		assertPositiveInteger(rowsPerChunk, 'rowsPerChunk');
		const table = await this.table(tableName);
		const key = requirePrimaryKey(table, this.system);
		const rows = this.fromDriver(
			await this.query(this.sql.chunkBoundaries(table, rowsPerChunk), tableName),
			key.map((k) => column(table, k)),
		);
		return rangesFromBoundaries(rows.map((row) => key.map((k) => row[k])));
	}

	async *read(tableName: string, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]> {
		yield* this.readTable(await this.table(tableName), range, options);
	}

	/** Reads a table described by `table` (a live table, or a snapshot copy under the live table's schema). */
	protected async *readTable(table: TableSchema, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]> {
		assertPositiveInteger(options.batchSize, 'batchSize');
		requirePrimaryKey(table, this.system);
		const columns = options.columns ?? table.columns.map((c) => c.name);
		requireColumns(table, columns, this.system);
		const selected = columnsWithKey(columns, table.primaryKey);
		const selectedColumns = selected.map((name) => column(table, name));
		const pages = keysetPages(range, table.primaryKey, options.batchSize, async (page, limit) => {
			const statement = this.sql.selectPage(table, selected, this.keyParams(table, page), limit);
			return this.fromDriver(await this.query(statement, table.name), selectedColumns);
		});
		for await (const rows of pages) {
			yield selected.length === columns.length ? rows : rows.map((r) => pickColumns(r, columns));
		}
	}

	async checksum(
		tableName: string,
		range?: KeyRange,
		columns?: string[],
		options: DigestOptions = {},
	): Promise<SegmentDigest> {
		if (options.native && !this.capabilities.nativeDigest)
			throw new RangeError(`${this.system} cannot digest JSON and floating-point columns natively`);
		return this.checksumTable(onlyColumns(await this.table(tableName), columns, this.system), range, options.native);
	}

	protected async checksumTable(table: TableSchema, range?: KeyRange, native = false): Promise<SegmentDigest> {
		requirePrimaryKey(table, this.system);
		const scalar = { ...table, columns: scalarColumns(table.columns, native) };
		const statement = this.sql.checksumRange(scalar, range && this.keyParams(table, range), native);
		const digest = new DigestAccumulator(table.columns, table.primaryKey, native);
		// The database sums the scalar part while the JSON part streams on another connection.
		const [result] = await Promise.all([
			this.query(statement, table.name),
			addJsonParts({ read: (_name, r, o) => this.readTable(table, r, o) }, table, range, digest, native),
		]);
		digest.addAggregate(Number(result[0].n), result[0].s as string);
		return digest.result();
	}

	async readChanges(tableName: string, query: ChangeQuery): Promise<Row[]> {
		const { table, after, horizon } = await this.changeParams(tableName, query);
		const statement = this.sql.selectChanges(table, query.cursorColumn, after, horizon, query.limit);
		return this.fromDriver(await this.query(statement, tableName), table.columns);
	}

	async countChanges(tableName: string, query: Omit<ChangeQuery, 'limit'>): Promise<number> {
		const { table, after, horizon } = await this.changeParams(tableName, query);
		const result = await this.query(this.sql.countChanges(table, query.cursorColumn, after, horizon), tableName);
		return Number(result[0].n);
	}

	private async changeParams(tableName: string, query: Omit<ChangeQuery, 'limit'>) {
		const table = await this.table(tableName);
		const cursor = requireCursorColumn(table, query.cursorColumn);
		const tuple = { ...table, primaryKey: [cursor.name, ...table.primaryKey] };
		const after = query.after
			? this.keyParams(tuple, { after: [query.after.cursor, ...query.after.key] }).after
			: undefined;
		const horizon = query.horizon === undefined ? undefined : this.param(query.horizon, cursor);
		return { table, after, horizon };
	}

	async readByKeys(tableName: string, keys: KeyTuple[]): Promise<Row[]> {
		const table = await this.table(tableName);
		requirePrimaryKey(table, this.system);
		const rows: Row[] = [];
		for (const part of inParts(keys)) {
			const statement = this.sql.selectByKeys(table, this.keyTuples(table, part));
			rows.push(...this.fromDriver(await this.query(statement, tableName), table.columns));
		}
		return rows;
	}

	async deleteRows(tableName: string, keys: KeyTuple[], checkpoint?: StateEntry): Promise<number> {
		const table = await this.table(tableName);
		requirePrimaryKey(table, this.system);
		return this.transaction(
			async (client) => {
				let deleted = 0;
				for (const part of inParts(keys))
					deleted += await this.execute(this.sql.deleteByKeys(table, this.keyTuples(table, part)), client);
				if (checkpoint) await this.setState(checkpoint, client);
				return deleted;
			},
			{ table: tableName },
		);
	}

	async clock(): Promise<string> {
		const result = await this.run(() => this.rows({ text: this.sql.clock, values: [] }));
		return String(result[0].now);
	}

	async wallClock(): Promise<string | undefined> {
		if (!this.sql.wallClock) return undefined;
		const [row] = await this.run(() => this.rows({ text: this.sql.wallClock!, values: [] }));
		if (row.now === null || row.now === undefined)
			throw new StateError(
				`The server's time zone ${String(row.zone)} cannot be converted (its time zone tables are not loaded: mysql_tzinfo_to_sql): DATETIME cursors need it`,
			);
		return String(row.now);
	}

	async createTable(table: TableSchema, options: CreateTableOptions = {}): Promise<void> {
		for (const statement of this.sql.createTable(table, options.ifNotExists ?? false, options.indexes))
			await this.run(() => this.execute(statement), { table: table.name });
		this.catalog.invalidate();
	}

	async addIndexes(tableName: string, indexes: IndexInfo[]): Promise<number> {
		const table = await this.table(tableName);
		const present = new Set(table.indexes.map((i) => i.name));
		const missing = indexes.filter((i) => !present.has(i.name));
		for (const index of missing) {
			requireColumns(table, index.columns, this.system);
			await this.run(() => this.execute(this.sql.createIndex(table.name, index)), { table: tableName });
		}
		this.catalog.invalidate();
		return missing.length;
	}

	async dropTable(tableName: string): Promise<void> {
		const table = await this.table(tableName);
		await this.run(() => this.execute(this.sql.dropTable(table.name)), { table: tableName });
		this.catalog.invalidate();
	}

	async addForeignKeys(tableName: string, foreignKeys: ForeignKeyInfo[]): Promise<number> {
		const table = await this.table(tableName);
		const missing = await missingForeignKeys(this, table, foreignKeys);
		for (const fk of missing)
			await this.run(() => this.execute(this.sql.addForeignKey(table.name, fk)), { table: tableName });
		this.catalog.invalidate();
		return missing.length;
	}

	async orphans(tableName: string, fk: ForeignKeyInfo): Promise<number> {
		const table = await this.table(tableName);
		const parent = await this.table(fk.referencedTable);
		requireColumns(table, fk.columns, this.system);
		requireColumns(parent, fk.referencedColumns, this.system);
		const result = await this.query(this.sql.orphans(table.name, parent.name, fk), tableName);
		return Number(result[0].n);
	}

	/** Idempotent: a table the run created is dropped; any other holds exactly its copy's rows again. */
	async restore(snapshot: TableSnapshot): Promise<void> {
		const exists = await this.catalog.exists(snapshot.table);
		if (!snapshot.createdByMigration) return this.restoreCopy(snapshot, exists);
		if (exists) await this.dropTable(snapshot.table);
	}

	async snapshotChecksum(snapshot: TableSnapshot): Promise<SegmentDigest> {
		return this.checksumTable({ ...requireSnapshotSchema(snapshot), name: snapshot.copyName! });
	}

	async discardSnapshot(snapshot: TableSnapshot): Promise<void> {
		if (snapshot.copyName) await this.run(() => this.execute(this.sql.dropTable(snapshot.copyName!, true)));
	}

	/** The state table exists: created once per connector, race-free (see the dialect's createStateTable). */
	async ensureStateTable(): Promise<void> {
		if (this.stateReady) return;
		await this.createStateTable();
		this.stateReady = true;
	}

	/** A state entry, on a transaction's client so it commits with the rows written there. */
	async setState(entry: StateEntry, on?: Client): Promise<void> {
		await this.ensureStateTable();
		await this.execute(this.sql.setState(entry.namespace, entry.key, JSON.stringify(entry.value ?? null)), on);
	}

	private query(statement: Statement, table: string): Promise<DriverRow[]> {
		return this.run(() => this.rows(statement), { table });
	}

	protected keyParams(table: TableSchema, range: KeyRange): KeyRange {
		const keyColumns = table.primaryKey.map((k) => column(table, k));
		const convert = (tuple?: unknown[]) =>
			tuple?.map((v, i) => this.param(v as Value, keyColumns[i])) as KeyRange['after'];
		return { after: convert(range.after), upTo: convert(range.upTo) };
	}

	private keyTuples(table: TableSchema, keys: KeyTuple[]): unknown[][] {
		return keys.map((k) => this.keyParams(table, { after: k }).after!);
	}
}

export function column(table: TableSchema, name: string): Column {
	return table.columns.find((c) => c.name === name)!;
}

/** The copy of a table a snapshot keeps: named from the run and the table, within every engine's limit. */
export function snapshotName(prefix: string, runId: string, table: string): string {
	return `${prefix}snap_${createHash('sha1').update(`${runId}\0${table}`).digest('hex').slice(0, 16)}`;
}
