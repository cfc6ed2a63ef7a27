import { canonicalText } from '../../core/model/canonical';
import type { DatabaseConnector } from '../../core/ports';
import { DigestAccumulator, combineDigests } from '../../core/validate/digest';
import { MigrationError } from '../../core/model/errors';
import type { KeyRange, Row, TableSchema } from '../../core/model/schema';
import { bulkRows, bulkTable, compositeRows, compositeTable, edgeRows, edgeTable } from '../helpers/fixtures';
import { connectTarget, dropIfExists, targets } from './targets';

/** One suite, every real server: a connector is done when it passes all of it. */
describe.each(targets)('$name connector', (target) => {
	let connector: DatabaseConnector;

	beforeAll(async () => {
		connector = await connectTarget(target);
	});
	afterAll(async () => {
		await connector?.close();
	});

	async function fresh(table: TableSchema): Promise<void> {
		await dropIfExists(connector, table.name);
		await connector.createTable(table);
	}

	async function readAll(table: string, ranges: KeyRange[] = [{}], batchSize = 1000): Promise<Row[]> {
		const rows: Row[] = [];
		for (const range of ranges)
			for await (const batch of connector.read(table, range, { batchSize })) rows.push(...batch);
		return rows;
	}

	function expectSameValues(table: TableSchema, expected: Row[], actual: Row[]): void {
		expect(actual).toHaveLength(expected.length);
		const byKey = new Map(actual.map((r) => [JSON.stringify(table.primaryKey.map((k) => r[k])), r]));
		for (const want of expected) {
			const got = byKey.get(JSON.stringify(table.primaryKey.map((k) => want[k])));
			expect(got).toBeDefined();
			for (const column of table.columns) {
				const context = `${table.name}.${column.name} of ${JSON.stringify(want[table.primaryKey[0]])}`;
				expect([context, canonicalText(got![column.name], column.logical)]).toEqual([
					context,
					canonicalText(want[column.name], column.logical),
				]);
			}
		}
	}

	describe('edge values', () => {
		const { table, rows } = target.adapt(edgeTable, edgeRows);

		beforeAll(async () => {
			await fresh(table);
			await connector.write(table.name, rows, { mode: 'insert' });
		});

		it('introspects columns, logical types, key, index and a row estimate', async () => {
			const [found] = await connector.introspect([table.name]);
			// A document store keys on _id: the relational key becomes it.
			expect(found.primaryKey).toEqual(connector.capabilities.hasSchema ? ['id'] : ['_id']);
			for (const column of table.columns) {
				const actual = found.columns.find((c) => c.name === column.name);
				expect([column.name, actual?.logical]).toEqual([column.name, column.logical]);
				expect(actual?.nativeType).toBeTruthy();
			}
			expect(found.indexes.map((i) => i.columns)).toContainEqual(['label']);
			expect(found.rowEstimate).toBeGreaterThanOrEqual(0);
		});

		it('reads back every value exactly: NULLs, unicode and emoji, extremes, microseconds, NUL bytes, JSON', async () => {
			const read = await readAll(table.name);
			expectSameValues(table, rows, read);
			const max = read.find((r) => r.id === '1')!;
			expect(max.big).toBe('9223372036854775807');
			expect(Buffer.isBuffer(max.payload)).toBe(true);
			expect((max.payload as Buffer).equals(rows[0].payload as Buffer)).toBe(true);
			if (table.columns.some((c) => c.name === 'amount')) expect(max.amount).toMatch(/^9{28}\.9{10}$/);
			expect(read.find((r) => r.id === '0')!.label).toBeNull();
			expect(read.find((r) => r.id === '-9223372036854775808')!.label).toBe('');
		});

		it('computes a checksum that matches the digest of the rows read, and changes with one value', async () => {
			const whole = await connector.checksum(table.name);
			expect(whole.rows).toBe(rows.length);
			const again = await connector.checksum(table.name);
			expect(again).toEqual(whole);
			const [schema] = await connector.introspect([table.name]);
			const local = new DigestAccumulator(schema.columns, schema.primaryKey);
			for (const row of await readAll(table.name)) local.add(row);
			expect(whole).toEqual(local.result());
			await connector.write(table.name, [{ ...rows[3], label: 'NULL!' }], { mode: 'upsert' });
			expect((await connector.checksum(table.name)).digest).not.toBe(whole.digest);
			await connector.write(table.name, [rows[3]], { mode: 'upsert' });
			expect(await connector.checksum(table.name)).toEqual(whole);
		});
	});

	const bulk = (count: number) => target.adapt(bulkTable, bulkRows(count));
	const bulkTable_ = bulk(0).table;

	describe('100k rows in key chunks', () => {
		const rows = bulk(100_000).rows;

		beforeAll(async () => {
			await fresh(bulkTable_);
			for (let i = 0; i < rows.length; i += 10_000) {
				await connector.write(bulkTable_.name, rows.slice(i, i + 10_000), { mode: 'insert' });
			}
		});

		it('plans PK chunks and reads every row exactly once', async () => {
			const ranges = await connector.planChunks(bulkTable_.name, 7_000);
			expect(ranges.length).toBe(Math.ceil(rows.length / 7_000) + (rows.length % 7_000 === 0 ? 1 : 0));
			const seen = new Set<string>();
			let previous = -Infinity;
			let total = 0;
			for (const range of ranges) {
				expect(await connector.count(bulkTable_.name, range)).toBeLessThanOrEqual(7_000);
				for await (const batch of connector.read(bulkTable_.name, range, { batchSize: 999 })) {
					expect(batch.length).toBeLessThanOrEqual(999);
					for (const row of batch) {
						const id = Number(row.id);
						expect(id).toBeGreaterThan(previous);
						previous = id;
						seen.add(String(row.id));
						total++;
					}
				}
			}
			expect(total).toBe(rows.length);
			expect(seen.size).toBe(rows.length);
			expect(await connector.count(bulkTable_.name)).toBe(rows.length);
		});

		it('sums chunk checksums to the table checksum', async () => {
			const ranges = await connector.planChunks(bulkTable_.name, 25_000);
			const parts = await Promise.all(ranges.map((r) => connector.checksum(bulkTable_.name, r)));
			expect(combineDigests(parts)).toEqual(await connector.checksum(bulkTable_.name));
		});

		it('reads only the requested columns and keeps memory to one batch', async () => {
			const iterator = connector.read(bulkTable_.name, {}, { batchSize: 500, columns: ['name'] });
			const first = await iterator.next();
			expect(first.value).toHaveLength(500);
			expect(Object.keys(first.value[0])).toEqual(['name']);
			await iterator.return?.(undefined);
		});
	});

	describe('composite, non-integer keys', () => {
		const rows = compositeRows(37, 300);

		beforeAll(async () => {
			await fresh(compositeTable);
			await connector.write(compositeTable.name, rows, { mode: 'insert' });
		});

		it('chunks and reads a (text, bigint) key with no row missed or repeated', async () => {
			if (!connector.capabilities.hasSchema) {
				// Document stores key on _id only; composite keys are a relational concept.
				const [table] = await connector.introspect([compositeTable.name]);
				expect(table.primaryKey).toEqual(['_id']);
				return;
			}
			const ranges = await connector.planChunks(compositeTable.name, 1_000);
			const read = await readAll(compositeTable.name, ranges, 333);
			expect(read).toHaveLength(rows.length);
			expect(new Set(read.map((r) => `${r.tenant}|${r.seq}`)).size).toBe(rows.length);
			expectSameValues(compositeTable, rows, read);
		});
	});

	describe('writes, transactions and state', () => {
		beforeEach(async () => {
			await fresh(bulkTable_);
		});

		it('upserts: rewriting keys updates rows instead of duplicating them', async () => {
			const rows = bulk(1_000).rows;
			await connector.write(bulkTable_.name, rows, { mode: 'upsert' });
			await connector.write(
				bulkTable_.name,
				rows.map((r) => ({ ...r, name: 'updated' })),
				{ mode: 'upsert' },
			);
			expect(await connector.count(bulkTable_.name)).toBe(1_000);
			const read = await readAll(bulkTable_.name);
			expect(read.every((r) => r.name === 'updated')).toBe(true);
			// A batch where only some keys are stored (PostgreSQL COPYs directly only when none is).
			const more = bulk(1_500).rows.slice(500);
			await connector.write(
				bulkTable_.name,
				more.map((r) => ({ ...r, name: 'again' })),
				{ mode: 'upsert' },
			);
			const after = await readAll(bulkTable_.name);
			expect(after).toHaveLength(1_500);
			expect(after.filter((r) => r.name === 'again')).toHaveLength(1_000);
		});

		it('refuses a duplicate key in insert mode with a typed constraint error', async () => {
			await connector.write(bulkTable_.name, bulk(10).rows, { mode: 'insert' });
			await expect(connector.write(bulkTable_.name, bulk(1).rows, { mode: 'insert' })).rejects.toMatchObject({
				code: 'CONSTRAINT_VIOLATION',
			});
		});

		// MariaDB's CHECK failure goes by another engine's code name in the driver: told by its number.
		(target.native ? it : it.skip)(
			'refuses a row a CHECK constraint forbids with a typed constraint error',
			async () => {
				await fresh(bulkTable_);
				await target.native!(`ALTER TABLE ${bulkTable_.name} ADD CONSTRAINT dm_contract_small CHECK (id < 5)`);
				await expect(connector.write(bulkTable_.name, bulk(10).rows, { mode: 'insert' })).rejects.toMatchObject({
					code: 'CONSTRAINT_VIOLATION',
					message: expect.stringContaining('dm_contract_small'),
				});
				await fresh(bulkTable_);
			},
		);

		it('records a checkpoint with the rows, and neither when the write fails', async () => {
			const namespace = `contract-${target.service}`;
			await connector.state.delete(namespace);
			await connector.write(bulkTable_.name, bulk(100).rows, {
				mode: 'insert',
				checkpoint: { namespace, key: 'chunk-1', value: { rows: 100 } },
			});
			expect(await connector.state.get(namespace, 'chunk-1')).toEqual({ rows: 100 });
			// An empty last chunk still records its checkpoint.
			await connector.write(bulkTable_.name, [], {
				mode: 'upsert',
				checkpoint: { namespace, key: 'chunk-0', value: { rows: 0 } },
			});
			expect(await connector.state.get(namespace, 'chunk-0')).toEqual({ rows: 0 });
			if (connector.capabilities.supportsTransactions) {
				const failing = [...bulk(200).rows.slice(100), bulk(1).rows[0]];
				await expect(
					connector.write(bulkTable_.name, failing, {
						mode: 'insert',
						checkpoint: { namespace, key: 'chunk-2', value: { rows: 101 } },
					}),
				).rejects.toBeInstanceOf(MigrationError);
				expect(await connector.count(bulkTable_.name)).toBe(100);
				expect(await connector.state.get(namespace, 'chunk-2')).toBeUndefined();
			}
			await connector.state.set(namespace, 'watermark', {
				at: '2024-01-01T00:00:00.000001Z',
				key: ['9007199254740993'],
			});
			expect((await connector.state.list(namespace)).map((e) => e.key)).toEqual(['chunk-0', 'chunk-1', 'watermark']);
			await connector.state.delete(namespace);
			expect(await connector.state.list(namespace)).toEqual([]);
		});

		it('snapshots a table and restores it exactly; a table created by the migration is dropped', async () => {
			await connector.write(bulkTable_.name, bulk(500).rows, { mode: 'insert' });
			const before = await connector.checksum(bulkTable_.name);
			const snapshot = await connector.snapshot(bulkTable_.name, 'run-contract');
			expect(snapshot).toMatchObject({ createdByMigration: false, rows: 500, digest: before.digest });
			await connector.write(
				bulkTable_.name,
				bulk(800).rows.map((r) => ({ ...r, name: 'changed' })),
				{ mode: 'upsert' },
			);
			await connector.restore(snapshot);
			await connector.restore(snapshot);
			expect(await connector.checksum(bulkTable_.name)).toEqual(before);
			await connector.discardSnapshot(snapshot);

			await dropIfExists(connector, 'dm_created');
			const created = await connector.snapshot('dm_created', 'run-contract');
			expect(created.createdByMigration).toBe(true);
			await connector.createTable({ ...bulkTable_, name: 'dm_created' });
			await connector.restore(created);
			expect((await connector.introspect()).map((t) => t.name)).not.toContain('dm_created');
		});
	});

	it('reads back every double exactly, the last bit included', async () => {
		// Values a digit-by-digit parser gets wrong (mysql2's own did: 99.66666666666667 → …69).
		const values = [
			99.66666666666667,
			99.33333333333333,
			0.1 + 0.2,
			1 / 3,
			5e-324,
			1.7976931348623157e308,
			-2.2250738585072014e-308,
			123456.78901234567,
		];
		for (let i = 1; i <= 300; i++) values.push(i / 3, i / 7 + 1e-7 * i);
		const rows = values.map((r, i) => ({ id: String(i + 1), r }));
		await fresh(target.adapt(doublesTable, rows).table);
		await connector.write(doublesTable.name, rows, { mode: 'insert' });
		const back = await readAll(doublesTable.name);
		expect(
			back.filter((row) => row.r !== values[Number(row.id) - 1]).map((row) => [row.r, values[Number(row.id) - 1]]),
		).toEqual([]);
		expect(back).toHaveLength(values.length);
	});

	it('digests every double by its bits in the database as JavaScript does, and finds a change of one bit', async () => {
		const doubles = target.adapt(doublesTable, []).table;
		const values = doubleEdges();
		const rows = values.map((r, i) => ({ id: String(i + 1), r }));
		await fresh(doubles);
		for (let i = 0; i < rows.length; i += 2000)
			await connector.write(doubles.name, rows.slice(i, i + 2000), { mode: 'insert' });
		// The rows as read (a document store adds its _id), each double the one written, bit for bit (-0 as 0).
		const [schema] = await connector.introspect([doubles.name]);
		const back = await readAll(doubles.name);
		expect(back.filter((row) => !Object.is(row.r, values[Number(row.id) - 1] || 0)).length).toBe(0);
		const expected = new DigestAccumulator(schema.columns, schema.primaryKey);
		back.forEach((row) => expected.add(row));
		const whole = await connector.checksum(doubles.name);
		expect(whole).toEqual(expected.result());
		// One bit of one fraction, at the top, the bottom and a subnormal: each is another digest.
		for (const id of [values.indexOf(1.5) + 1, values.indexOf(0.1) + 1, values.indexOf(5e-324) + 1]) {
			const row = rows[id - 1];
			await connector.write(doubles.name, [{ ...row, r: nextUp(row.r) }], { mode: 'upsert' });
			expect((await connector.checksum(doubles.name)).digest).not.toBe(whole.digest);
			await connector.write(doubles.name, [row], { mode: 'upsert' });
		}
		expect(await connector.checksum(doubles.name)).toEqual(whole);
	});

	describe('foreign keys', () => {
		it('adds foreign keys after the load, once, checking every name first', async () => {
			const parent: TableSchema = {
				name: 'dm_fk_parent',
				columns: [{ name: 'id', nativeType: '', logical: 'int64', nullable: false }],
				primaryKey: ['id'],
				indexes: [],
				foreignKeys: [],
				rowEstimate: 0,
			};
			const child: TableSchema = {
				...parent,
				name: 'dm_fk_child',
				columns: [...parent.columns, { name: 'parent_id', nativeType: '', logical: 'int64', nullable: true }],
			};
			const fk = {
				name: 'dm_fk_child_parent',
				columns: ['parent_id'],
				referencedTable: 'dm_fk_parent',
				referencedColumns: ['id'],
			};
			await dropIfExists(connector, child.name);
			await dropIfExists(connector, parent.name);
			await connector.createTable(parent);
			await connector.createTable(child);
			await connector.write(parent.name, [{ id: '1' }], { mode: 'insert' });
			await connector.write(child.name, [{ id: '10', parent_id: '1' }], { mode: 'insert' });
			if (!connector.capabilities.hasSchema) {
				expect(await connector.addForeignKeys(child.name, [fk])).toBe(0); // documents have no foreign keys
				return;
			}
			await expect(
				connector.addForeignKeys(child.name, [{ ...fk, referencedColumns: ['nope'] }]),
			).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
			expect(await connector.addForeignKeys(child.name, [fk])).toBe(1);
			expect(await connector.addForeignKeys(child.name, [fk])).toBe(0);
			expect((await connector.introspect([child.name]))[0].foreignKeys).toEqual([fk]);
			await connector.dropTable(child.name);
			await connector.dropTable(parent.name);
		});

		it('introspects a foreign key created natively', async () => {
			if (!target.native) return expect(connector.capabilities.hasSchema).toBe(false);
			await target.native('DROP TABLE IF EXISTS dm_child');
			await target.native('DROP TABLE IF EXISTS dm_parent');
			await target.native('CREATE TABLE dm_parent (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE)');
			await target.native(
				'CREATE TABLE dm_child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT dm_child_parent_fk FOREIGN KEY (parent_id) REFERENCES dm_parent (id))',
			);
			const [child] = await connector.introspect(['dm_child']);
			expect(child.foreignKeys).toEqual([
				{ name: 'dm_child_parent_fk', columns: ['parent_id'], referencedTable: 'dm_parent', referencedColumns: ['id'] },
			]);
			const [parent] = await connector.introspect(['dm_parent']);
			expect(parent.indexes.find((i) => i.columns[0] === 'code')?.unique).toBe(true);
			await target.native('DROP TABLE dm_child');
			await target.native('DROP TABLE dm_parent');
		});
	});

	describe('bad input', () => {
		it('names an unknown table and an unknown column with typed errors', async () => {
			await expect(connector.count('dm_no_such_table')).rejects.toMatchObject({
				code: 'UNKNOWN_TABLE',
				context: { table: 'dm_no_such_table' },
			});
			await fresh(bulkTable_);
			const read = connector.read(bulkTable_.name, {}, { batchSize: 10, columns: ['no_such_column'] });
			await expect(read.next()).rejects.toMatchObject({
				code: 'UNKNOWN_COLUMN',
				context: { column: 'no_such_column' },
			});
		});

		it('refuses an injected identifier before executing anything with it', async () => {
			await fresh({ ...bulkTable_, name: 'y' });
			await connector.write('y', bulk(3).rows, { mode: 'insert' });
			const evil = 'x"; DROP TABLE y; --';
			await expect(connector.count(evil)).rejects.toMatchObject({ code: 'UNKNOWN_TABLE' });
			await expect(connector.checksum('y`; DROP TABLE y; --')).rejects.toMatchObject({ code: 'UNKNOWN_TABLE' });
			const read = connector.read('y', {}, { batchSize: 10, columns: [evil] });
			await expect(read.next()).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
			await expect(connector.write('y', [{ id: '99', [evil]: 1 }], { mode: 'insert' })).rejects.toMatchObject({
				code: 'UNKNOWN_COLUMN',
			});
			expect(await connector.count('y')).toBe(3);
			await connector.dropTable('y');
		});

		it('reports wrong credentials as a typed connection error without the secret', async () => {
			const wrong = target.connectWithWrongPassword();
			try {
				const error = await wrong.introspect().then(
					() => undefined,
					(e: unknown) => e,
				);
				expect(error).toBeInstanceOf(MigrationError);
				expect(['AUTH_FAILED', 'CONNECTION_FAILED']).toContain((error as MigrationError).code);
				expect((error as Error).message).not.toContain('not-the-password-Zx81');
				expect(JSON.stringify((error as MigrationError).context)).not.toContain('not-the-password-Zx81');
			} finally {
				await wrong.close().catch(() => undefined);
			}
		});
	});
});

const doublesTable: TableSchema = {
	name: 'dm_doubles',
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'r', nativeType: '', logical: 'float64', nullable: true },
	],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

/** The next double above a finite one: its bit pattern plus one (toward larger magnitude for positives). */
function nextUp(value: number): number {
	const bits = Buffer.alloc(8);
	bits.writeDoubleBE(value);
	bits.writeBigUInt64BE(bits.readBigUInt64BE() + 1n);
	return bits.readDoubleBE();
}

/**
 * Doubles where a computed bit pattern goes wrong: every power of two with its neighbours (where a
 * logarithm rounds across), subnormals, the extremes, ±0, and random bit patterns.
 */
function doubleEdges(): number[] {
	const values = [0, -0, 0.1, 1.5, 1 / 3, 0.1 + 0.2, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308];
	values.push(2.2250738585072014e-308, 2.225073858507201e-308, 9007199254740993, 123456789012345680);
	for (let e = -1074; e <= 1023; e += 1) values.push(2 ** e, -(2 ** e * (1 + 2 ** -52)), 2 ** e * (1 - 2 ** -53));
	let seed = 7;
	const bits = Buffer.alloc(8);
	while (values.length < 8000) {
		for (let i = 0; i < 8; i++) bits[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
		const value = bits.readDoubleBE();
		if (Number.isFinite(value)) values.push(value);
	}
	return values;
}
