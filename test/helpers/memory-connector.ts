import type {
	DatabaseConnector,
	ReadOptions,
	StateEntry,
	StateStore,
	TableSnapshot,
	WriteOptions,
} from '../../core/ports';
import { capabilities } from '../../core/ports';
import { DigestAccumulator } from '../../core/validate/digest';
import { ConstraintError, SchemaError } from '../../core/model/errors';
import { keysetPages } from '../../core/model/keyset';
import type { IndexInfo, KeyRange, KeyTuple, Row, TableSchema, Value } from '../../core/model/schema';
import type { ChangeQuery, CreateTableOptions } from '../../core/ports';

/** An in-memory connector for unit tests of core (single numeric key); writes and checkpoints are atomic. */
export class MemoryConnector implements DatabaseConnector {
	readonly system = 'memory';
	readonly capabilities = capabilities({ supportsTransactions: true, maxIdentifier: { length: 63, unit: 'bytes' } });
	readonly tables = new Map<string, { schema: TableSchema; rows: Map<string, Row> }>();
	readonly stateEntries = new Map<string, unknown>();
	writes = 0;
	/** Throws on the write with this number (1-based), simulating a crash. */
	failOnWrite?: number;

	readonly state: StateStore = {
		get: async <T>(ns: string, key: string) => this.stateEntries.get(`${ns}\0${key}`) as T | undefined,
		set: async (ns, key, value) => void this.stateEntries.set(`${ns}\0${key}`, value),
		list: async <T>(ns: string, prefix = '') =>
			[...this.stateEntries]
				.filter(([k]) => k.startsWith(`${ns}\0${prefix}`))
				.map(([k, value]) => ({ key: k.split('\0')[1], value: value as T })),
		delete: async (ns, key) => {
			for (const k of [...this.stateEntries.keys()])
				if (k.startsWith(`${ns}\0`) && (key === undefined || k === `${ns}\0${key}`)) this.stateEntries.delete(k);
		},
		lease: async (ns, key, owner, ttlSeconds) => {
			const held = this.stateEntries.get(`${ns}\0${key}`) as { owner: string; until: string } | undefined;
			if (!held || held.owner === owner || held.until < new Date().toISOString())
				this.stateEntries.set(`${ns}\0${key}`, {
					owner,
					until: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
				});
			return this.stateEntries.get(`${ns}\0${key}`) as { owner: string; until: string };
		},
		release: async (ns, key, owner) => {
			const held = this.stateEntries.get(`${ns}\0${key}`) as { owner: string } | undefined;
			if (held?.owner === owner) this.stateEntries.delete(`${ns}\0${key}`);
		},
	};
	/** The clock readChanges' callers see; tests move it. */
	now = '2026-01-01T00:00:00.000000Z';

	private get(name: string) {
		const table = this.tables.get(name);
		if (!table) throw new SchemaError('UNKNOWN_TABLE', `Table ${name} does not exist`, { table: name });
		return table;
	}

	async ping() {}
	async introspect(names?: string[]) {
		return (names ?? [...this.tables.keys()]).map((n) => ({
			...this.get(n).schema,
			rowEstimate: this.get(n).rows.size,
		}));
	}
	private sorted(name: string, range: KeyRange = {}): Row[] {
		const key = this.get(name).schema.primaryKey[0];
		return [...this.get(name).rows.values()]
			.filter(
				(r) =>
					(!range.after || Number(r[key]) > Number(range.after[0])) &&
					(!range.upTo || Number(r[key]) <= Number(range.upTo[0])),
			)
			.sort((a, b) => Number(a[key]) - Number(b[key]));
	}
	async count(name: string, range?: KeyRange) {
		return this.sorted(name, range).length;
	}
	async planChunks(name: string, rowsPerChunk: number) {
		const key = this.get(name).schema.primaryKey[0];
		const rows = this.sorted(name);
		const ranges: KeyRange[] = [];
		let after: Row | undefined;
		for (let i = rowsPerChunk - 1; i < rows.length; i += rowsPerChunk) {
			ranges.push({ after: after ? [after[key]] : undefined, upTo: [rows[i][key]] });
			after = rows[i];
		}
		ranges.push(after ? { after: [after[key]] } : {});
		return ranges.map((r) => (r.after ? r : { upTo: r.upTo }));
	}
	async *read(name: string, range: KeyRange, options: ReadOptions) {
		yield* keysetPages(range, this.get(name).schema.primaryKey, options.batchSize, async (page, limit) =>
			this.sorted(name, page).slice(0, limit),
		);
	}
	async checksum(name: string, range?: KeyRange) {
		const { schema } = this.get(name);
		const digest = new DigestAccumulator(schema.columns, schema.primaryKey);
		this.sorted(name, range).forEach((r) => digest.add(r));
		return digest.result();
	}
	async readChanges(name: string, query: ChangeQuery) {
		const { schema } = this.get(name);
		const key = schema.primaryKey[0];
		const c = query.cursorColumn;
		const position = (r: Row): [Value, Value] => [r[c], Number(r[key])];
		const after = (r: Row) => {
			if (!query.after) return true;
			const [cursor, id] = position(r) as [Value, number];
			const at = query.after.cursor as Value;
			return cursor! > at! || (cursor === at && id! > Number(query.after.key[0]));
		};
		return [...this.get(name).rows.values()]
			.filter((r) => r[c] !== null && after(r) && (query.horizon === undefined || r[c]! <= query.horizon!))
			.sort((a, b) => (a[c]! < b[c]! ? -1 : a[c]! > b[c]! ? 1 : Number(a[key]) - Number(b[key])))
			.slice(0, query.limit)
			.map((r) => ({ ...r }));
	}
	async countChanges(name: string, query: Omit<ChangeQuery, 'limit'>) {
		return (await this.readChanges(name, { ...query, limit: Number.MAX_SAFE_INTEGER })).length;
	}
	async readByKeys(name: string, keys: KeyTuple[]) {
		const rows = this.get(name).rows;
		return keys.map((k) => rows.get(String(k[0]))).filter((r): r is Row => Boolean(r));
	}
	async deleteRows(name: string, keys: KeyTuple[], checkpoint?: StateEntry) {
		let deleted = 0;
		for (const k of keys) if (this.get(name).rows.delete(String(k[0]))) deleted++;
		if (checkpoint) await this.state.set(checkpoint.namespace, checkpoint.key, checkpoint.value);
		return deleted;
	}
	async clock() {
		return this.now;
	}
	async createTable(schema: TableSchema, options: CreateTableOptions = {}) {
		if (this.tables.has(schema.name) && options.ifNotExists) return;
		this.tables.set(schema.name, {
			schema: { ...schema, indexes: options.indexes ?? schema.indexes },
			rows: new Map(),
		});
	}
	async addForeignKeys() {
		return 0;
	}
	async addIndexes(name: string, indexes: IndexInfo[]) {
		const schema = this.get(name).schema;
		const missing = indexes.filter((i) => !schema.indexes.some((x) => x.name === i.name));
		schema.indexes = [...schema.indexes, ...missing];
		return missing.length;
	}
	async orphans() {
		return 0;
	}
	async dropTable(name: string) {
		this.tables.delete(name);
	}
	async write(name: string, rows: Row[], options: WriteOptions) {
		if (++this.writes === this.failOnWrite) throw new Error(`simulated crash on write ${this.writes}`);
		const table = this.get(name);
		const key = table.schema.primaryKey[0];
		const next = new Map(table.rows);
		for (const row of rows) {
			if (options.mode === 'insert' && next.has(String(row[key])))
				throw new ConstraintError(`duplicate key ${row[key]}`, { table: name });
			next.set(String(row[key]), { ...row });
		}
		table.rows = next;
		if (options.checkpoint)
			await this.state.set(options.checkpoint.namespace, options.checkpoint.key, options.checkpoint.value);
		return { written: rows.length };
	}
	async snapshot(name: string): Promise<TableSnapshot> {
		return { table: name, createdByMigration: !this.tables.has(name), rows: 0 };
	}
	async snapshotChecksum(): Promise<never> {
		throw new Error('the memory connector keeps no snapshot copies');
	}
	async restore() {}
	async discardSnapshot() {}
	async close() {}
}
