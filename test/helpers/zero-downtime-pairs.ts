/**
 * One zero-downtime case per database pair, as the e2e tier drives it: the source table seeded,
 * an application writing to it (inserts, updates, many rows stamped at once, deletes, a transaction
 * that commits late), a constraint the new database can be given to refuse a dual write, and an
 * independent comparison of both tables in canonical form.
 */
import { ObjectId, type Collection } from 'mongodb';
import { createPool } from 'mysql2/promise';
import { Pool } from 'pg';
import { createMongoClient, createMongoConnector } from '../../connectors/mongodb/mongodb-client';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { canonicalText } from '../../core/model/canonical';
import type { Row } from '../../core/model/schema';
import type { DatabaseConnector } from '../../core/ports';
import { canonicalKey } from '../../core/model/canonical';
import { withMysql, withPostgres } from './native';
import { mongoSettings, mysqlSettings, postgresSettings, type ServiceName } from './services';

const pg = { ...postgresSettings, schema: 'public' };
const target = { ...postgresSettings, schema: 'dm_target' };

/** What the application does to the old database, one statement (or short transaction) at a time. */
export interface Writes {
	insert(): Promise<void>;
	update(): Promise<void>;
	/** Many rows stamped with one cursor value in one statement. */
	bulk(): Promise<void>;
	remove(): Promise<void>;
	/** Stamped now, committed 300 ms later (where the engine has transactions). */
	late(): Promise<void>;
	/** Every row stamped now: a sync has many batches to do. */
	touchAll(): Promise<void>;
	close(): Promise<void>;
}

export interface ZeroDowntimePair {
	slug: string;
	table: string;
	key: string;
	cursor: string;
	services: ServiceName[];
	/** The columns the dual write accepts. */
	columns: string[];
	seed(rows: number): Promise<void>;
	dropDestination(): Promise<void>;
	source(): DatabaseConnector;
	destination(): DatabaseConnector;
	writes(): Promise<Writes>;
	/** The new database refuses amounts of 2000 and more (the old one takes them), or takes them again. */
	constrain(on: boolean): Promise<void>;
	/** Holds a lock that makes every write to the new table wait (reads go on); resolves to its release. */
	lockDestination(): Promise<() => Promise<void>>;
	/** A row as the application sends it to the dual write, stamped long ago: only the replay queue can carry it. */
	dualRow(n: number, amount: number): Row;
	/** Credential references a user changes in the imported copy (PostgreSQL → PostgreSQL: the destination schema). */
	credentials?: (node: { credentials?: Record<string, { id: string; name: string }> }) => void;
}

/** The new side refuses amounts of 2000 and more (NOT VALID: rows already there stay), or takes them again. */
const constrainPostgres = (table: string, on: boolean) =>
	withPostgres((q) =>
		q(
			on
				? `ALTER TABLE ${table} ADD CONSTRAINT dm_e2e_zd_small CHECK (amount < 2000) NOT VALID`
				: `ALTER TABLE ${table} DROP CONSTRAINT dm_e2e_zd_small`,
		),
	).then(() => undefined);

/** A PostgreSQL table locked against writes in an open transaction, until released. */
async function lockPostgres(table: string): Promise<() => Promise<void>> {
	const pool = new Pool({ ...postgresSettings, max: 1 });
	const client = await pool.connect();
	await client.query('BEGIN');
	await client.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
	return async () => {
		await client.query('ROLLBACK');
		client.release();
		await pool.end();
	};
}

async function lockMysql(table: string): Promise<() => Promise<void>> {
	const { host, port, user, password, database } = mysqlSettings;
	const pool = createPool({ host, port, user, password, database, connectionLimit: 1 });
	const connection = await pool.getConnection();
	await connection.query(`LOCK TABLES ${table} READ`);
	return async () => {
		await connection.query('UNLOCK TABLES');
		connection.release();
		await pool.end();
	};
}

const pick = (n: number) => 1 + Math.floor(Math.random() * n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function mysqlWrites(table: string, firstId: number): Writes {
	const { host, port, user, password, database } = mysqlSettings;
	const pool = createPool({ host, port, user, password, database, connectionLimit: 2 });
	let next = firstId;
	return {
		insert: async () =>
			void (await pool.query(`INSERT INTO ${table} (id, name, amount) VALUES (?, ?, 1.5)`, [next, `new ${next++} ✓`])),
		update: async () =>
			void (await pool.query(`UPDATE ${table} SET name = CONCAT(name, '+'), amount = amount + 1 WHERE id = ?`, [
				pick(next - 1),
			])),
		bulk: async () => {
			const from = pick(next - 300);
			await pool.query(`UPDATE ${table} SET name = CONCAT(name, '*'), updated_at = NOW(6) WHERE id BETWEEN ? AND ?`, [
				from,
				from + 299,
			]);
		},
		remove: async () => void (await pool.query(`DELETE FROM ${table} WHERE id = ?`, [pick(next - 1)])),
		late: async () => {
			const connection = await pool.getConnection();
			try {
				await connection.query('START TRANSACTION');
				await connection.query(`UPDATE ${table} SET name = CONCAT(name, '~') WHERE id = ?`, [pick(next - 1)]);
				await sleep(300);
				await connection.query('COMMIT');
			} finally {
				connection.release();
			}
		},
		touchAll: async () => void (await pool.query(`UPDATE ${table} SET updated_at = NOW(6)`)),
		close: () => pool.end(),
	};
}

function postgresWrites(table: string, firstId: number): Writes {
	const pool = new Pool({ ...postgresSettings, max: 2 });
	let next = firstId;
	const t = `public.${table}`;
	return {
		insert: async () =>
			void (await pool.query(`INSERT INTO ${t} (id, name, amount) VALUES ($1, $2, 1.5)`, [next, `new ${next++} ✓`])),
		update: async () =>
			void (await pool.query(
				`UPDATE ${t} SET name = name || '+', amount = amount + 1, updated_at = clock_timestamp() WHERE id = $1`,
				[pick(next - 1)],
			)),
		bulk: async () => {
			const from = pick(next - 300);
			await pool.query(`UPDATE ${t} SET name = name || '*', updated_at = now() WHERE id BETWEEN $1 AND $2`, [
				from,
				from + 299,
			]);
		},
		remove: async () => void (await pool.query(`DELETE FROM ${t} WHERE id = $1`, [pick(next - 1)])),
		late: async () => {
			const client = await pool.connect();
			try {
				await client.query('BEGIN');
				await client.query(`UPDATE ${t} SET name = name || '~', updated_at = clock_timestamp() WHERE id = $1`, [
					pick(next - 1),
				]);
				await sleep(300);
				await client.query('COMMIT');
			} finally {
				client.release();
			}
		},
		touchAll: async () => void (await pool.query(`UPDATE ${t} SET updated_at = clock_timestamp()`)),
		close: () => pool.end(),
	};
}

type Doc = { _id: ObjectId; name: string; amount: number; updatedAt: Date };

async function mongoWrites(table: string): Promise<Writes> {
	const client = createMongoClient(mongoSettings);
	const docs: Collection<Doc> = client.db(mongoSettings.database).collection<Doc>(table);
	const ids = (await docs.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
	const any = () => ids[pick(ids.length) - 1];
	return {
		insert: async () => {
			const _id = new ObjectId();
			await docs.insertOne({ _id, name: `new ${_id.toHexString()} ✓`, amount: 1.5, updatedAt: new Date() });
			ids.push(_id);
		},
		update: async () =>
			void (await docs.updateOne(
				{ _id: any() },
				{ $set: { name: `changed ${Date.now()}`, updatedAt: new Date() }, $inc: { amount: 1 } },
			)),
		// One timestamp on 30 documents, in one statement as an application's bulk stamp is: 30 round trips
		// stamped with one earlier time could outlast the sync's lag under load and be missed by design.
		bulk: async () => {
			const chosen = Array.from({ length: 30 }, () => any());
			await docs.updateMany({ _id: { $in: chosen } }, { $set: { name: `bulk ${Date.now()}`, updatedAt: new Date() } });
		},
		remove: async () => {
			const i = pick(ids.length) - 1;
			await docs.deleteOne({ _id: ids[i] });
			ids.splice(i, 1);
		},
		late: async () => undefined,
		touchAll: async () => void (await docs.updateMany({}, { $set: { updatedAt: new Date() } })),
		close: () => client.close(),
	};
}

/** Writes until stopped, in a fixed mix; counts what it did. */
export function startWriter(writes: Writes) {
	let running = true;
	const counts = { inserts: 0, updates: 0, bulk: 0, deletes: 0, late: 0 };
	const done = (async () => {
		for (let step = 0; running; step++) {
			const op = step % 10;
			if (op < 4) await writes.insert().then(() => counts.inserts++);
			else if (op < 7) await writes.update().then(() => counts.updates++);
			else if (op === 7) await writes.bulk().then(() => counts.bulk++);
			else if (op === 8) await writes.remove().then(() => counts.deletes++);
			else await writes.late().then(() => counts.late++);
			await sleep(5);
		}
	})();
	return {
		counts,
		stop: async () => {
			running = false;
			await done;
		},
	};
}

const SQL_COLUMNS = ['id', 'name', 'amount', 'updated_at'];

export const ZERO_DOWNTIME_PAIRS: ZeroDowntimePair[] = [
	{
		slug: 'mysql-to-postgres',
		table: 'dm_e2e_zd_my_pg',
		key: 'id',
		cursor: 'updated_at',
		services: ['mariadb', 'postgres'],
		columns: SQL_COLUMNS,
		seed: (rows) =>
			withMysql(async (q) => {
				await q('DROP TABLE IF EXISTS dm_e2e_zd_my_pg');
				await q(`CREATE TABLE dm_e2e_zd_my_pg (id BIGINT PRIMARY KEY, name VARCHAR(80) NOT NULL, amount DECIMAL(12,2) NULL,
					updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY dm_e2e_zd_my_pg_u (updated_at)) CHARACTER SET utf8mb4`);
				await q(`INSERT INTO dm_e2e_zd_my_pg SELECT seq, CONCAT('näme ', seq), seq / 4, TIMESTAMPADD(SECOND, seq DIV 100, '2024-01-01')
					FROM seq_1_to_${rows}`);
			}),
		dropDestination: () => withPostgres((q) => q('DROP TABLE IF EXISTS public.dm_e2e_zd_my_pg')).then(() => undefined),
		source: () => createMysqlConnector(mysqlSettings),
		destination: () => createPostgresConnector(pg),
		writes: async () => mysqlWrites('dm_e2e_zd_my_pg', 1_000_000),
		constrain: (on) => constrainPostgres('public.dm_e2e_zd_my_pg', on),
		lockDestination: () => lockPostgres('public.dm_e2e_zd_my_pg'),
		dualRow: (n, amount) => ({
			id: 2_000_000 + n,
			name: `dual ${n} ✓`,
			amount: amount.toFixed(2),
			updated_at: '2024-06-01T00:00:00.000000',
		}),
	},
	{
		slug: 'postgres-to-mysql',
		table: 'dm_e2e_zd_pg_my',
		key: 'id',
		cursor: 'updated_at',
		services: ['postgres', 'mariadb'],
		columns: SQL_COLUMNS,
		seed: (rows) => postgresSeed('dm_e2e_zd_pg_my', rows),
		dropDestination: () => withMysql((q) => q('DROP TABLE IF EXISTS dm_e2e_zd_pg_my')).then(() => undefined),
		source: () => createPostgresConnector(pg),
		destination: () => createMysqlConnector(mysqlSettings),
		writes: async () => postgresWrites('dm_e2e_zd_pg_my', 1_000_000),
		constrain: (on) =>
			withMysql((q) =>
				q(
					on
						? 'ALTER TABLE dm_e2e_zd_pg_my ADD CONSTRAINT dm_e2e_zd_small CHECK (amount < 2000)'
						: 'ALTER TABLE dm_e2e_zd_pg_my DROP CONSTRAINT dm_e2e_zd_small',
				),
			).then(() => undefined),
		lockDestination: () => lockMysql('dm_e2e_zd_pg_my'),
		dualRow: (n, amount) => ({
			id: 2_000_000 + n,
			name: `dual ${n} ✓`,
			amount: amount.toFixed(2),
			updated_at: '2024-06-01T00:00:00.000000Z',
		}),
	},
	{
		slug: 'mongodb-to-postgres',
		table: 'dm_e2e_zd_mongo_pg',
		key: '_id',
		cursor: 'updatedAt',
		services: ['ferretdb', 'postgres'],
		columns: ['_id', 'name', 'amount', 'updatedAt'],
		seed: async (rows) => {
			const client = createMongoClient(mongoSettings);
			try {
				const docs = client.db(mongoSettings.database).collection<Doc>('dm_e2e_zd_mongo_pg');
				await docs.drop().catch(() => false);
				const start = Date.UTC(2024, 0, 1);
				await docs.insertMany(
					Array.from({ length: rows }, (_, i) => ({
						_id: new ObjectId(),
						name: `näme ${i}`,
						amount: i / 4 + 0.125,
						updatedAt: new Date(start + Math.floor(i / 100) * 1000),
					})),
				);
			} finally {
				await client.close();
			}
		},
		dropDestination: () =>
			withPostgres((q) => q('DROP TABLE IF EXISTS public.dm_e2e_zd_mongo_pg')).then(() => undefined),
		source: () => createMongoConnector(mongoSettings),
		destination: () => createPostgresConnector(pg),
		writes: () => mongoWrites('dm_e2e_zd_mongo_pg'),
		constrain: (on) => constrainPostgres('public.dm_e2e_zd_mongo_pg', on),
		lockDestination: () => lockPostgres('public.dm_e2e_zd_mongo_pg'),
		dualRow: (n, amount) => ({
			_id: new ObjectId().toHexString(),
			name: `dual ${n} ✓`,
			amount,
			updatedAt: '2024-06-01T00:00:00.000Z',
		}),
	},
	{
		slug: 'postgres-to-postgres',
		table: 'dm_e2e_zd_pg_pg',
		key: 'id',
		cursor: 'updated_at',
		services: ['postgres'],
		columns: SQL_COLUMNS,
		seed: (rows) => postgresSeed('dm_e2e_zd_pg_pg', rows),
		dropDestination: () =>
			withPostgres((q) =>
				q('CREATE SCHEMA IF NOT EXISTS dm_target; DROP TABLE IF EXISTS dm_target.dm_e2e_zd_pg_pg'),
			).then(() => undefined),
		source: () => createPostgresConnector(pg),
		destination: () => createPostgresConnector(target),
		writes: async () => postgresWrites('dm_e2e_zd_pg_pg', 1_000_000),
		constrain: (on) => constrainPostgres('dm_target.dm_e2e_zd_pg_pg', on),
		lockDestination: () => lockPostgres('dm_target.dm_e2e_zd_pg_pg'),
		dualRow: (n, amount) => ({
			id: 2_000_000 + n,
			name: `dual ${n} ✓`,
			amount: amount.toFixed(2),
			updated_at: '2024-06-01T00:00:00.000000Z',
		}),
		credentials: (node) => {
			if (node.credentials?.migrationPostgresApi?.name.startsWith('Destination'))
				node.credentials.migrationPostgresApi = { id: 'dmTargetpostgres', name: 'Destination PostgreSQL (dm_target)' };
		},
	},
];

function postgresSeed(table: string, rows: number): Promise<void> {
	return withPostgres(async (q) => {
		await q(`DROP TABLE IF EXISTS public.${table}`);
		await q(`CREATE TABLE public.${table} (id bigint PRIMARY KEY, name varchar(80) NOT NULL, amount numeric(12,2),
			updated_at timestamptz(6) NOT NULL DEFAULT clock_timestamp())`);
		await q(`CREATE INDEX ${table}_u ON public.${table} (updated_at)`);
		await q(`INSERT INTO public.${table} SELECT g, 'näme ' || g, g / 4.0, '2024-01-01 00:00:00+00'::timestamptz + (g / 100) * interval '1 second'
			FROM generate_series(1, ${rows}) g`);
	});
}

/** Both tables read in full and compared value by value in canonical form (the source's types). */
export async function compareTables(c: ZeroDowntimePair) {
	const [source, destination] = [c.source(), c.destination()];
	try {
		const [schema] = await source.introspect([c.table]);
		const keyColumns = schema.primaryKey.map((k) => schema.columns.find((col) => col.name === k)!);
		const readAll = async (connector: DatabaseConnector) => {
			const rows = new Map<string, Row>();
			for await (const batch of connector.read(c.table, {}, { batchSize: 10_000 }))
				for (const row of batch)
					rows.set(
						canonicalKey(
							schema.primaryKey.map((k) => row[k]),
							keyColumns,
						),
						row,
					);
			return rows;
		};
		const [a, b] = [await readAll(source), await readAll(destination)];
		const changed: string[] = [];
		for (const [key, row] of a) {
			const other = b.get(key);
			if (other)
				for (const column of schema.columns.filter((col) => c.columns.includes(col.name)))
					if (canonicalText(row[column.name], column.logical) !== canonicalText(other[column.name], column.logical))
						changed.push(`${key}.${column.name}`);
		}
		return {
			sourceRows: a.size,
			missing: [...a.keys()].filter((k) => !b.has(k)).slice(0, 5),
			extra: [...b.keys()].filter((k) => !a.has(k)).slice(0, 5),
			changed: changed.slice(0, 5),
		};
	} finally {
		await Promise.all([source.close(), destination.close()]);
	}
}
