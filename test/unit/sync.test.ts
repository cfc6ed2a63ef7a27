import { cutoverReadiness } from '../../core/sync/cutover';
import type { TableSchema } from '../../core/model/schema';
import {
	commitBatch,
	commitStart,
	horizonFor,
	pendingReplays,
	isSoftDeleted,
	queueReplays,
	readChangeBatch,
	requireCursorColumn,
	secondsBetween,
	takeLease,
} from '../../core/sync/sync';
import { MemoryConnector } from '../helpers/memory-connector';

const schema: TableSchema = {
	name: 'orders',
	columns: [
		{ name: 'id', nativeType: 'bigint', logical: 'int64', nullable: false },
		{ name: 'name', nativeType: 'text', logical: 'text', nullable: true },
		{ name: 'changed', nativeType: 'timestamptz', logical: 'timestamptz', nullable: true },
		{ name: 'deleted', nativeType: 'boolean', logical: 'boolean', nullable: true },
	],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};
const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000000Z`;

async function pair() {
	const source = new MemoryConnector();
	const destination = new MemoryConnector();
	await source.createTable(schema);
	await destination.createTable(schema);
	source.now = at(30);
	return { source, destination };
}

describe('incremental sync in core', () => {
	it('computes horizons and lag per cursor type, and reads soft-delete flags', () => {
		const column = (logical: 'timestamp' | 'timestamptz' | 'date' | 'int64') => ({ ...schema.columns[2], logical });
		expect(horizonFor(column('timestamptz'), '2026-01-01T00:00:30.123456Z', 5)).toBe('2026-01-01T00:00:25.123000Z');
		expect(horizonFor(column('timestamp'), '2026-01-01T00:00:30.000000Z', 5)).toBe('2026-01-01T00:00:25.000000');
		expect(horizonFor(column('date'), '2026-01-02T00:00:03.000000Z', 5)).toBe('2026-01-01');
		expect(horizonFor(column('int64'), '2026-01-01T00:00:30.000000Z', 5)).toBeUndefined();
		expect(secondsBetween(at(30), '2026-01-01T00:00:10.000000', column('timestamp'))).toBe(20);
		expect([null, false, 0, '0', true, 1, '2026-01-01'].map((v) => isSoftDeleted(v))).toEqual([
			false,
			false,
			false,
			false,
			true,
			true,
			true,
		]);
		expect(() => requireCursorColumn(schema, 'name')).toThrow(/must be a timestamp or a number$/);
		expect(() => requireCursorColumn({ ...schema, primaryKey: [] }, 'changed')).toThrow(/no primary key/);
	});

	it('holds back rows inside the lag, splits soft deletes, replays queued keys, and reports what is behind', async () => {
		const { source, destination } = await pair();
		await source.write(
			'orders',
			[
				{ id: '1', name: 'a', changed: at(10), deleted: false },
				{ id: '2', name: 'b', changed: at(10), deleted: true },
				{ id: '3', name: 'c', changed: at(28), deleted: false },
				{ id: '4', name: 'old', changed: at(1), deleted: false },
			],
			{ mode: 'insert' },
		);
		await queueReplays(source.state, 's', 'orders', [['4'], ['99']]);
		const { batch, rows } = await readChangeBatch(source, {
			sync: 's',
			table: 'orders',
			cursorColumn: 'changed',
			owner: 'run-1',
			after: { cursor: at(5), key: [] },
			batchSize: 10,
			lagSeconds: 5,
			softDeleteColumn: 'deleted',
			replayQueue: source.state,
		});
		expect(rows.map((r) => r.id)).toEqual(['1', '4']);
		expect(batch).toMatchObject({
			deletedKeys: [['2'], ['99']],
			watermark: { cursor: at(10), key: ['2'] },
			rowsBehind: 1,
			secondsBehind: 2,
			more: false,
			horizon: '2026-01-01T00:00:25.000000Z',
		});
		expect(batch.replayed).toHaveLength(2);

		await commitStart(destination, 's', {
			table: 'orders',
			cursorColumn: 'changed',
			primaryKey: ['id'],
			watermark: batch.from,
		});
		await destination.write('orders', [{ id: '2', name: 'b', changed: at(9), deleted: false }], { mode: 'insert' });
		await takeLease(destination.state, 's', 'orders', 'run-1', 60);
		// The replayed row must be in the destination before its queue entry may go: not loaded yet, refused.
		await expect(commitBatch(destination, batch, { leaseSeconds: 60 })).rejects.toThrow(
			/1 replayed row\(s\) of orders are not in the destination after the load/,
		);
		await destination.write('orders', rows, { mode: 'upsert' }); // what Batch Load does between the two
		await commitBatch(destination, batch, { leaseSeconds: 60 });
		// The soft-deleted row is gone; the changed and the replayed rows are there.
		expect((await destination.readByKeys('orders', [['1'], ['2'], ['4']])).map((r) => r.id).sort()).toEqual(['1', '4']);
		// The same batch again: the watermark moved since it was read.
		await expect(commitBatch(destination, batch, { leaseSeconds: 60 })).rejects.toThrow(
			/moved since this batch was read/,
		);
	});

	it('refuses a batch whose lease another run took, and one meant for another table', async () => {
		const { source, destination } = await pair();
		const { batch } = await readChangeBatch(source, {
			sync: 's',
			table: 'orders',
			cursorColumn: 'changed',
			owner: 'run-1',
			after: null,
			batchSize: 10,
			lagSeconds: 0,
		});
		await expect(commitBatch(destination, batch, { leaseSeconds: 60, expectedTable: 'invoices' })).rejects.toThrow(
			/belongs to table orders, not invoices/,
		);
		await takeLease(destination.state, 's', 'orders', 'run-2', 60);
		await expect(commitBatch(destination, batch, { leaseSeconds: 60 })).rejects.toThrow(/lost the lease .* to run-2/);
	});

	it('says YES only with lag 0 and every check passing, and otherwise why not', () => {
		const state = {
			sync: 's',
			table: 't',
			cursorColumn: 'c',
			primaryKey: ['id'],
			watermark: null,
			committedAt: 'x',
			rowsBehind: 0,
		};
		const pass = { check: 'count' as const, table: 't', pass: true, details: {} };
		expect(cutoverReadiness(['t'], [state], [pass])).toMatchObject({ ready: true });
		const behind = cutoverReadiness(['t'], [{ ...state, rowsBehind: 3, secondsBehind: 4 }], [pass]);
		expect(behind.verdict).toBe('Ready for production cutover: NO (t: 3 row(s) behind the source (4 s))');
		const differs = cutoverReadiness(
			['t'],
			[state],
			[{ ...pass, pass: false, details: { source: 2, destination: 1 } }],
		);
		expect(differs.reasons).toEqual(['t: count differs (source 2, destination 1)']);
		// Every reason a whole sentence that names what differs, with the first keys.
		const sample = {
			check: 'sample' as const,
			table: 't',
			pass: false,
			details: {
				differences: [
					{ key: ['7'], column: null, source: 'row', destination: 'missing' },
					{ key: ['9'], column: 'name', source: 'a', destination: 'b' },
				],
			},
		};
		const columns = {
			check: 'columns' as const,
			table: 't',
			pass: false,
			details: { missingColumns: ['note'], extraColumns: [] },
		};
		expect(cutoverReadiness(['t'], [state], [sample, columns]).reasons).toEqual([
			't: sample differs: 2 sampled value(s) do not match; rows missing in the destination: ["7"]; values changed: ["9"].name',
			't: columns differ (missing in the destination: ["note"]; extra: [])',
		]);
		expect(cutoverReadiness(['t'], [undefined], []).reasons).toEqual([
			't: no sync has committed yet',
			't: no validation checks were given',
		]);
		// Dual writes still queued: rows the new database lacks, however equal the checks look.
		const queued = cutoverReadiness(['t'], [state], [pass], { t: { pending: 2, oldest: '2026-01-01T00:00:00Z' } });
		expect(queued.verdict).toBe(
			'Ready for production cutover: NO (t: 2 dual write(s) the new database refused wait in the replay queue (the oldest since 2026-01-01T00:00:00Z); the next sync writes them)',
		);
		expect(queued.tables[0].pendingReplays).toBe(2);
		expect(cutoverReadiness(['t'], [state], [pass], { t: { pending: 0, oldest: null } }).verdict).toBe(
			'Ready for production cutover: YES (lag 0; counts and checksums equal; no dual write waiting for replay)',
		);
	});

	it('counts pending replays per table of a sync, with the oldest', async () => {
		const { source } = await pair();
		await queueReplays(source.state, 's', 'orders', [[1], [2]]);
		await queueReplays(source.state, 's', 'other', [[3]]);
		await queueReplays(source.state, 'another', 'orders', [[4]]);
		const pending = await pendingReplays(source.state, 's', ['orders', 'none']);
		expect(pending.orders.pending).toBe(2);
		expect(pending.orders.oldest).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(pending.none).toEqual({ pending: 0, oldest: null });
	});

	it('an ObjectId cursor: the horizon is the highest id of the second clock − lag, and the lag is read from the id', () => {
		const id = { ...schema.columns[0], name: '_id', logical: 'objectId' as const };
		// 2026-01-01T00:00:25Z is 0x6955b919 seconds since the epoch.
		expect(horizonFor(id, '2026-01-01T00:00:30.500000Z', 5)).toBe('6955b919ffffffffffffffff');
		expect(secondsBetween('2026-01-01T00:00:30.000000Z', '6955b919000000000000abcd', id)).toBe(5);
		expect(requireCursorColumn({ ...schema, columns: [...schema.columns, id] }, '_id')).toBe(id);
	});
});
