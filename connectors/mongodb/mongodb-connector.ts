import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Db, Document, MongoClient } from 'mongodb';
import { TableCatalog } from '../../core/model/catalog';
import type {
	DatabaseConnector,
	ReadOptions,
	SegmentDigest,
	StateEntry,
	StateStore,
	TableSnapshot,
	CreateTableOptions,
	WriteOptions,
	WriteResult,
} from '../../core/ports';
import { capabilities, copiedSnapshot, requireSnapshotSchema, type ChangeQuery } from '../../core/ports';
import { DigestAccumulator } from '../../core/validate/digest';
import { isMigrationError, SchemaError } from '../../core/model/errors';
import { inParts, onlyColumns, requireColumns, requireTable } from '../../core/model/identifiers';
import { requireCursorColumn } from '../../core/sync/sync';
import { assertPositiveInteger, rangesFromBoundaries } from '../../core/model/keyset';
import type { Column, ForeignKeyInfo, IndexInfo, KeyRange, KeyTuple, Row, TableSchema } from '../../core/model/schema';
import { translateMongoError } from './mongodb-errors';
import { INTERNAL_PREFIX, introspectMongo } from './mongodb-introspector';
import { isValidCollectionName, rangeFilter } from './mongodb-queries';
import { EXACT_BSON, fromBson, toBson } from './mongodb-types';
import { SCHEMA_NAMESPACE } from '../../core/state/namespaces';

const STATE = `${INTERNAL_PREFIX}state`;
const COPY_BATCH = 1000;

/**
 * Collections behind the connector interface. FerretDB 1.x and standalone MongoDB have no
 * multi-document transactions here, so checkpoints are written after an idempotent upsert.
 */
export class MongoConnector implements DatabaseConnector {
	readonly system = 'mongodb';
	readonly capabilities = capabilities({ hasSchema: false, maxIdentifier: { length: 120, unit: 'bytes' } });
	readonly state: StateStore;
	private readonly catalog: TableCatalog;
	private readonly db: Db;

	constructor(
		private readonly client: MongoClient,
		database: string,
		private readonly secrets: string[] = [],
	) {
		this.db = client.db(database);
		this.state = new MongoStateStore(this);
		this.catalog = new TableCatalog(this.system, (names) =>
			this.run(async () => introspectMongo(this.db, await this.declaredSchemas(), names, names === undefined)),
		);
	}

	async run<T>(work: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
		try {
			return await work();
		} catch (error) {
			throw translateMongoError(error, this.secrets, context);
		}
	}

	stateCollection() {
		return this.db.collection<{ _id: string; namespace: string; key: string; value: unknown; updatedAt: Date }>(STATE);
	}

	/** Schemas given to createTable, so values keep their logical types (int64, binary…) when written. */
	private async declaredSchemas(): Promise<Map<string, TableSchema>> {
		const entries = await this.state.list<TableSchema>(SCHEMA_NAMESPACE);
		return new Map(entries.map((e) => [e.key, e.value]));
	}

	async introspect(tables?: string[]): Promise<TableSchema[]> {
		if (!tables) return this.catalog.all();
		const found = await this.run(async () => introspectMongo(this.db, await this.declaredSchemas(), tables));
		const byName = new Map(found.map((t) => [t.name, t]));
		return tables.map((name) => requireTable(byName, name, this.system));
	}

	table(name: string): Promise<TableSchema> {
		return this.catalog.get(name);
	}

	async ping(): Promise<void> {
		await this.run(() => this.db.command({ ping: 1 }));
	}

	async count(tableName: string, range?: KeyRange): Promise<number> {
		const table = await this.table(tableName);
		return this.run(
			() => this.db.collection(table.name).countDocuments(rangeFilter(range && this.keyToBson(table, range))),
			{ table: tableName },
		);
	}

	/** Streams only the _id values in order and keeps every n-th as a boundary. */
	async planChunks(tableName: string, rowsPerChunk: number): Promise<KeyRange[]> {
		assertPositiveInteger(rowsPerChunk, 'rowsPerChunk');
		const table = await this.table(tableName);
		const boundaries: KeyTuple[] = [];
		await this.run(
			async () => {
				let n = 0;
				const cursor = this.db
					.collection(table.name)
					.find({}, { projection: { _id: 1 } })
					.sort({ _id: 1 })
					.batchSize(10_000);
				for await (const doc of cursor) if (++n % rowsPerChunk === 0) boundaries.push([fromBson(doc._id)]);
			},
			{ table: tableName },
		);
		return rangesFromBoundaries(boundaries);
	}

	async *read(tableName: string, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]> {
		yield* this.readTable(await this.table(tableName), range, options);
	}

	/** Reads a collection described by `table` (a live one, or a snapshot copy under the live one's schema). */
	private async *readTable(table: TableSchema, range: KeyRange, options: ReadOptions): AsyncGenerator<Row[]> {
		const tableName = table.name;
		assertPositiveInteger(options.batchSize, 'batchSize');
		const names = options.columns ?? table.columns.map((c) => c.name);
		requireColumns(table, names, this.system);
		const columns = names.map((n) => table.columns.find((c) => c.name === n)!);
		const projection = options.columns ? Object.fromEntries([...names, '_id'].map((n) => [n, 1])) : undefined;
		// One cursor per range, streamed in driver batches: MongoDB-wire servers without range pushdown
		// (FerretDB 1.x) would rescan the collection for every keyset page.
		const cursor = this.db
			.collection(table.name)
			.find(rangeFilter(this.keyToBson(table, range)), { projection, ...EXACT_BSON })
			.sort({ _id: 1 })
			.batchSize(options.batchSize);
		const shape = (doc: Document) => {
			const row = this.toRow(doc, options.columns ? columns : table.columns, Boolean(options.columns));
			if (options.columns && !names.includes('_id')) delete row._id;
			return row;
		};
		try {
			let batch: Row[] = [];
			for await (const doc of cursor) {
				batch.push(shape(doc));
				if (batch.length === options.batchSize) {
					yield batch;
					batch = [];
				}
			}
			if (batch.length) yield batch;
		} catch (error) {
			throw translateMongoError(error, this.secrets, { table: tableName });
		} finally {
			await cursor.close();
		}
	}

	/** Fields outside the sampled schema are kept (a document store has no fixed columns). */
	private toRow(doc: Document, columns: Column[], onlyColumns: boolean): Row {
		const row: Row = {};
		for (const column of columns) row[column.name] = this.value(doc[column.name], column);
		if (!row._id) row._id = fromBson(doc._id);
		if (!onlyColumns) for (const field of Object.keys(doc)) if (!(field in row)) row[field] = fromBson(doc[field]);
		return row;
	}

	private value(raw: unknown, column: Column) {
		return fromBson(raw, column.logical, column.name);
	}

	/** MongoDB has no hash in its query language: the digest is computed here, over the same canonical text. */
	async checksum(tableName: string, range?: KeyRange, columns?: string[]): Promise<SegmentDigest> {
		return this.checksumTable(await this.table(tableName), range, columns);
	}

	private async checksumTable(whole: TableSchema, range?: KeyRange, columns?: string[]): Promise<SegmentDigest> {
		const table = onlyColumns(whole, columns, this.system);
		const digest = new DigestAccumulator(table.columns, table.primaryKey);
		for await (const rows of this.readTable(whole, range ?? {}, { batchSize: 5000, columns }))
			for (const row of rows) digest.add(row);
		return digest.result();
	}

	async readChanges(tableName: string, query: ChangeQuery): Promise<Row[]> {
		const { table, filter, sort } = await this.changeFilter(tableName, query);
		const docs = await this.run(
			() => this.db.collection(table.name).find(filter, EXACT_BSON).sort(sort).limit(Math.floor(query.limit)).toArray(),
			{ table: tableName },
		);
		return docs.map((doc) => this.toRow(doc, table.columns, false));
	}

	async countChanges(tableName: string, query: Omit<ChangeQuery, 'limit'>): Promise<number> {
		const { table, filter } = await this.changeFilter(tableName, query);
		return this.run(() => this.db.collection(table.name).countDocuments(filter), { table: tableName });
	}

	/** `(cursor, _id) > after` as an $or, plus the horizon; documents without the cursor field never match. */
	private async changeFilter(tableName: string, query: Omit<ChangeQuery, 'limit'>) {
		const table = await this.table(tableName);
		const cursor = requireCursorColumn(table, query.cursorColumn);
		const id = table.columns.find((c) => c.name === '_id')!;
		const bounds: Document[] = [{ [cursor.name]: { $ne: null } }];
		if (query.after) {
			const value = toBson(query.after.cursor, cursor);
			// A start position has a cursor and no key yet: then it compares the cursor alone.
			bounds.push(
				query.after.key.length
					? {
							$or: [
								{ [cursor.name]: { $gt: value } },
								{ [cursor.name]: value, _id: { $gt: toBson(query.after.key[0], id) } },
							],
						}
					: { [cursor.name]: { $gt: value } },
			);
		}
		if (query.horizon !== undefined) bounds.push({ [cursor.name]: { $lte: toBson(query.horizon, cursor) } });
		return { table, filter: { $and: bounds }, sort: { [cursor.name]: 1, _id: 1 } as Record<string, 1> };
	}

	async readByKeys(tableName: string, keys: KeyTuple[]): Promise<Row[]> {
		const table = await this.table(tableName);
		const id = table.columns.find((c) => c.name === '_id')!;
		const docs = await this.run(
			() =>
				this.db
					.collection(table.name)
					.find({ _id: { $in: keys.map((k) => toBson(k[0], id)) as never[] } }, EXACT_BSON)
					.toArray(),
			{ table: tableName },
		);
		return docs.map((doc) => this.toRow(doc, table.columns, false));
	}

	/** No multi-document transaction on every MongoDB-wire server: the deletes go first, so a rerun repeats them harmlessly. */
	async deleteRows(tableName: string, keys: KeyTuple[], checkpoint?: StateEntry): Promise<number> {
		const table = await this.table(tableName);
		const id = table.columns.find((c) => c.name === '_id')!;
		let deleted = 0;
		for (const part of inParts(keys))
			deleted += (
				await this.run(
					() =>
						this.db.collection(table.name).deleteMany({ _id: { $in: part.map((k) => toBson(k[0], id)) as never[] } }),
					{ table: tableName },
				)
			).deletedCount;
		if (checkpoint) await this.state.set(checkpoint.namespace, checkpoint.key, checkpoint.value);
		return deleted;
	}

	async clock(): Promise<string> {
		return (await this.serverTime()).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
	}

	/** The server's clock (hello's localTime): leases and the change feed's horizon never read this machine's. */
	async serverTime(): Promise<Date> {
		const hello = await this.run(() => this.db.command({ hello: 1 }));
		if (!(hello.localTime instanceof Date))
			throw new SchemaError('UNSUPPORTED', 'The MongoDB server did not tell its time (hello.localTime)', {
				system: this.system,
			});
		return hello.localTime;
	}

	async createTable(table: TableSchema, options: CreateTableOptions = {}): Promise<void> {
		if (!isValidCollectionName(table.name))
			throw new SchemaError('INVALID_IDENTIFIER', `Invalid collection name ${JSON.stringify(table.name)}`, {
				table: table.name,
			});
		await this.run(
			async () => {
				const exists = (await this.db.listCollections({ name: table.name }, { nameOnly: true }).toArray()).length > 0;
				if (exists && !options.ifNotExists)
					throw new SchemaError('SCHEMA_ERROR', `Collection ${table.name} already exists`, { table: table.name });
				if (!exists) await this.db.createCollection(table.name);
				await this.createIndexes(table.name, options.indexes ?? table.indexes);
			},
			{ table: table.name },
		);
		// A relational key becomes _id: one value, or a document of the key columns.
		const keyed = table.primaryKey.length && !table.primaryKey.includes('_id');
		const schema: TableSchema = keyed
			? {
					...table,
					columns: [
						{
							name: '_id',
							nativeType: 'key',
							logical: table.primaryKey.length === 1 ? keyLogical(table) : 'json',
							nullable: false,
						},
						...table.columns,
					],
					primaryKey: ['_id'],
				}
			: table;
		await this.state.set(SCHEMA_NAMESPACE, table.name, { ...schema, keyColumns: table.primaryKey });
		this.catalog.invalidate();
	}

	private async createIndexes(collection: string, indexes: IndexInfo[]): Promise<void> {
		for (const index of indexes)
			await this.db.collection(collection).createIndex(Object.fromEntries(index.columns.map((c) => [c, 1])), {
				name: index.name,
				unique: index.unique,
			});
	}

	/** createIndex is a no-op for an index already there by name and keys. */
	async addIndexes(tableName: string, indexes: IndexInfo[]): Promise<number> {
		const table = await this.table(tableName);
		const present = new Set(
			(await this.run(() => this.db.collection(table.name).indexes(), { table: tableName })).map((i) => i.name),
		);
		const missing = indexes.filter((i) => !present.has(i.name));
		await this.run(() => this.createIndexes(table.name, missing), { table: tableName });
		return missing.length;
	}

	async dropTable(tableName: string): Promise<void> {
		const table = await this.table(tableName);
		await this.run(() => this.db.collection(table.name).drop(), { table: tableName });
		await this.state.delete(SCHEMA_NAMESPACE, table.name);
		this.catalog.invalidate();
	}

	/** MongoDB has no foreign keys: nothing is added, and the caller reports that. */
	async addForeignKeys(): Promise<number> {
		return 0;
	}

	async write(tableName: string, rows: Row[], options: WriteOptions): Promise<WriteResult> {
		const table = await this.table(tableName);
		const keyColumns = (table as TableSchema & { keyColumns?: string[] }).keyColumns ?? [];
		const docs = rows.map((row) => this.toDocument(table, row, keyColumns));
		if (docs.length) {
			await this.run(
				async () => {
					const collection = this.db.collection(table.name);
					if (options.mode === 'insert') return collection.insertMany(docs, { ordered: true });
					if (await this.isFerretDb()) {
						// FerretDB 1.x leaks a backend connection per statement of a multi-document bulkWrite or
						// deleteMany (and stalls once its pool is spent); one replaceOne per document does not.
						for (const doc of docs) await collection.replaceOne({ _id: doc._id }, doc, { upsert: true });
						return;
					}
					const operations: AnyBulkWriteOperation[] = docs.map((doc) => ({
						replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
					}));
					return collection.bulkWrite(operations, { ordered: true });
				},
				{ table: tableName },
			);
		}
		if (options.checkpoint)
			await this.state.set(options.checkpoint.namespace, options.checkpoint.key, options.checkpoint.value);
		return { written: rows.length };
	}

	private ferretDb?: boolean;

	private async isFerretDb(): Promise<boolean> {
		this.ferretDb ??= 'ferretdbVersion' in (await this.db.admin().command({ buildInfo: 1 }));
		return this.ferretDb;
	}

	private toDocument(table: TableSchema, row: Row, keyColumns: string[]): Document {
		const unknown = Object.keys(row).filter((k) => !table.columns.some((c) => c.name === k));
		if (table.columns.length > 1 || keyColumns.length) requireColumns(table, unknown, this.system);
		const doc: Document = {};
		for (const [field, value] of Object.entries(row)) {
			const column = table.columns.find((c) => c.name === field);
			doc[field] = column ? toBson(value, column) : value;
		}
		if (doc._id === undefined && keyColumns.length) {
			doc._id = keyColumns.length === 1 ? doc[keyColumns[0]] : Object.fromEntries(keyColumns.map((k) => [k, doc[k]]));
		}
		return doc;
	}

	/** Collections declare no foreign keys; one passed in is checked by looking each reference up. */
	async orphans(tableName: string, fk: ForeignKeyInfo): Promise<number> {
		const table = await this.table(tableName);
		requireColumns(table, fk.columns, this.system);
		let orphans = 0;
		for await (const rows of this.readTable(table, {}, { batchSize: 1000, columns: fk.columns }))
			for (const row of rows) {
				if (fk.columns.some((c) => row[c] === null || row[c] === undefined)) continue;
				const filter = Object.fromEntries(fk.columns.map((c, i) => [fk.referencedColumns[i], row[c]]));
				const found = await this.run(() =>
					this.db.collection(fk.referencedTable).findOne(filter, { projection: { _id: 1 } }),
				);
				if (!found) orphans += 1;
			}
		return orphans;
	}

	async snapshot(tableName: string, runId: string): Promise<TableSnapshot> {
		if (!(await this.catalog.exists(tableName))) return { table: tableName, createdByMigration: true, rows: 0 };
		const table = await this.table(tableName);
		const copyName = `${INTERNAL_PREFIX}snap_${createHash('sha1').update(`${runId}\0${table.name}`).digest('hex').slice(0, 16)}`;
		await this.run(() => copyCollection(this.db, table.name, copyName), { table: tableName });
		return copiedSnapshot(table, copyName, await this.checksum(table.name));
	}

	async snapshotChecksum(snapshot: TableSnapshot): Promise<SegmentDigest> {
		return this.checksumTable({ ...requireSnapshotSchema(snapshot), name: snapshot.copyName! });
	}

	/** Idempotent: clears the collection and copies the snapshot back; a rerun after a crash redoes it. */
	async restore(snapshot: TableSnapshot): Promise<void> {
		if (snapshot.createdByMigration) {
			if (await this.catalog.exists(snapshot.table)) await this.dropTable(snapshot.table);
			return;
		}
		await this.run(() => copyCollection(this.db, snapshot.copyName!, snapshot.table), { table: snapshot.table });
	}

	async discardSnapshot(snapshot: TableSnapshot): Promise<void> {
		if (snapshot.copyName)
			await this.run(() =>
				this.db
					.collection(snapshot.copyName!)
					.drop()
					.catch(() => false),
			);
	}

	async close(): Promise<void> {
		await this.client.close();
	}

	private keyToBson(table: TableSchema, range: KeyRange): KeyRange {
		const key = table.columns.find((c) => c.name === '_id')!;
		const convert = (tuple?: KeyTuple) => tuple?.map((v) => toBson(v, key)) as KeyTuple | undefined;
		return { after: convert(range.after), upTo: convert(range.upTo) };
	}
}

function keyLogical(table: TableSchema) {
	const logical = table.columns.find((c) => c.name === table.primaryKey[0])?.logical ?? 'string';
	return logical;
}

async function copyCollection(db: Db, from: string, to: string): Promise<void> {
	await db.collection(to).deleteMany({});
	let batch: Document[] = [];
	for await (const doc of db.collection(from).find({}, EXACT_BSON).sort({ _id: 1 })) {
		batch.push(doc);
		if (batch.length === COPY_BATCH) {
			await db.collection(to).insertMany(batch);
			batch = [];
		}
	}
	if (batch.length) await db.collection(to).insertMany(batch);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Checkpoints and watermarks in the destination itself, in the `_dm_state` collection. */
class MongoStateStore implements StateStore {
	constructor(private readonly connector: MongoConnector) {}

	async get<T>(namespace: string, key: string): Promise<T | undefined> {
		const doc = await this.connector.run(() =>
			this.connector.stateCollection().findOne({ _id: stateId(namespace, key) }),
		);
		return doc ? (JSON.parse(doc.value as string) as T) : undefined;
	}

	async set(namespace: string, key: string, value: unknown): Promise<void> {
		await this.connector.run(() =>
			this.connector
				.stateCollection()
				.replaceOne(
					{ _id: stateId(namespace, key) },
					{ namespace, key, value: JSON.stringify(value ?? null), updatedAt: new Date() },
					{ upsert: true },
				),
		);
	}

	async list<T>(namespace: string, prefix?: string): Promise<Array<{ key: string; value: T }>> {
		const filter = prefix === undefined ? { namespace } : { namespace, key: { $regex: `^${escapeRegExp(prefix)}` } };
		const docs = await this.connector.run(() =>
			this.connector.stateCollection().find(filter).sort({ key: 1 }).toArray(),
		);
		return docs.map((d) => ({ key: d.key, value: JSON.parse(d.value as string) as T }));
	}

	/** The lease's holder and expiry sit beside the JSON value so the filter can match them atomically. */
	async lease(namespace: string, key: string, owner: string, ttlSeconds: number) {
		const now = await this.connector.serverTime();
		const until = new Date(now.getTime() + ttlSeconds * 1000);
		const value = JSON.stringify({ owner, until: until.toISOString() });
		await this.connector
			.run(() =>
				this.connector
					.stateCollection()
					.updateOne(
						{ _id: stateId(namespace, key), $or: [{ leaseOwner: owner }, { leaseUntil: { $lt: now } }] },
						{ $set: { namespace, key, value, leaseOwner: owner, leaseUntil: until, updatedAt: now } },
						{ upsert: true },
					),
			)
			.catch((error: unknown) => {
				// A duplicate _id on upsert: someone else holds the lease.
				if (!(isMigrationError(error) && error.code === 'CONSTRAINT_VIOLATION')) throw error;
			});
		return (await this.get<{ owner: string; until: string }>(namespace, key))!;
	}

	async release(namespace: string, key: string, owner: string): Promise<void> {
		await this.connector.run(() =>
			this.connector.stateCollection().deleteOne({ _id: stateId(namespace, key), leaseOwner: owner }),
		);
	}

	async delete(namespace: string, key?: string): Promise<void> {
		await this.connector.run(() =>
			this.connector.stateCollection().deleteMany(key === undefined ? { namespace } : { namespace, key }),
		);
	}
}

/** One string id per (namespace, key); JSON keeps the pair unambiguous without control characters. */
function stateId(namespace: string, key: string): string {
	return JSON.stringify([namespace, key]);
}
