import type { DatabaseConnector } from '../../core/ports';
import type { Row, TableSchema } from '../../core/model/schema';
import { keyOf } from '../../core/model/schema';
import type { Watermark } from '../../core/ports';
import { connectTarget, dropIfExists, targets } from './targets';
import { WATERMARK_NAMESPACE } from '../../core/state/namespaces';
import { horizonFor } from '../../core/sync/sync';

const table: TableSchema = {
	name: 'dm_sync_feed',
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'name', nativeType: '', logical: 'string', nullable: true, length: 40 },
		{ name: 'changed', nativeType: '', logical: 'timestamptz', nullable: true },
		{ name: 'version', nativeType: '', logical: 'int32', nullable: true },
	],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

/** 30 rows; ids 1–12 share one timestamp (a batch boundary falls inside it); one row has no cursor. */
function feedRows(): Row[] {
	return Array.from({ length: 30 }, (_, i) => {
		const id = i + 1;
		const second = id <= 12 ? 5 : id;
		return {
			id: String(id),
			name: `row ${id}`,
			changed: id === 30 ? null : `2030-01-01T00:00:${String(second).padStart(2, '0')}.123000Z`,
			version: id === 30 ? null : 100 - (id % 7),
		};
	});
}

/** The change feed, the deletes, the key-only checksum and the sync lease on every real server. */
describe.each(targets)('$name change feed', (target) => {
	let connector: DatabaseConnector;
	const { table: feed, rows } = target.adapt(table, feedRows());

	beforeAll(async () => {
		connector = await connectTarget(target);
		await dropIfExists(connector, feed.name);
		await connector.createTable(feed);
		await connector.write(feed.name, rows, { mode: 'insert' });
	});
	afterAll(async () => {
		await connector?.close();
	});

	const ids = (list: Row[]) => list.map((r) => Number(r.id));

	async function walk(cursorColumn: string, limit: number, horizon?: string): Promise<Row[]> {
		const seen: Row[] = [];
		let after: Watermark | undefined;
		for (;;) {
			const page = await connector.readChanges(feed.name, { cursorColumn, after, horizon, limit });
			seen.push(...page);
			if (page.length < limit) return seen;
			const last = page[page.length - 1];
			after = { cursor: last[cursorColumn], key: keyOf(last, ['id']) };
		}
	}

	it('walks (timestamp, key) in order, in batches smaller than a run of equal timestamps, each row once', async () => {
		const seen = await walk('changed', 5);
		expect(ids(seen)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
		expect(await connector.countChanges(feed.name, { cursorColumn: 'changed' })).toBe(29);
		const first = seen[4];
		const after = { cursor: first.changed, key: [first.id] };
		expect(await connector.countChanges(feed.name, { cursorColumn: 'changed', after })).toBe(24);
	});

	it('stops at the horizon and walks a numeric cursor', async () => {
		expect(ids(await walk('changed', 4, '2030-01-01T00:00:20.123000Z'))).toEqual(
			Array.from({ length: 20 }, (_, i) => i + 1),
		);
		const byVersion = await walk('version', 7);
		expect(byVersion).toHaveLength(29);
		const order = byVersion.map((r) => [Number(r.version), Number(r.id)]);
		expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
	});

	it('reads and deletes by key, the deletes in one step with a state entry, and checksums keys alone', async () => {
		expect(ids(await connector.readByKeys(feed.name, [['3'], ['999'], ['7']])).sort((a, b) => a - b)).toEqual([3, 7]);
		const before = await connector.checksum(feed.name, undefined, ['id']);
		await connector.write(feed.name, [{ ...rows[0], name: 'renamed' }], { mode: 'upsert' });
		expect(await connector.checksum(feed.name, undefined, ['id'])).toEqual(before);
		const deleted = await connector.deleteRows(feed.name, [['29'], ['28'], ['12345']], {
			namespace: WATERMARK_NAMESPACE,
			key: 'contract/feed',
			value: { at: 1 },
		});
		expect(deleted).toBe(2);
		expect(await connector.count(feed.name)).toBe(28);
		expect(await connector.state.get(WATERMARK_NAMESPACE, 'contract/feed')).toEqual({ at: 1 });
		expect(await connector.checksum(feed.name, undefined, ['id'])).not.toEqual(before);
		expect(await connector.clock()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
	});

	it('grants a lease to one owner at a time, renews it for its owner, and frees it on expiry or release', async () => {
		await connector.state.delete('sync-leases', 'feed');
		expect((await connector.state.lease('sync-leases', 'feed', 'a', 60)).owner).toBe('a');
		expect((await connector.state.lease('sync-leases', 'feed', 'b', 60)).owner).toBe('a');
		expect((await connector.state.lease('sync-leases', 'feed', 'a', 0)).owner).toBe('a');
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect((await connector.state.lease('sync-leases', 'feed', 'b', 60)).owner).toBe('b');
		await connector.state.release('sync-leases', 'feed', 'a');
		expect((await connector.state.lease('sync-leases', 'feed', 'a', 60)).owner).toBe('b');
		await connector.state.release('sync-leases', 'feed', 'b');
		expect((await connector.state.lease('sync-leases', 'feed', 'a', 60)).owner).toBe('a');
	});

	// MongoDB's own key as the cursor of a collection only appended to: ids carry their second.
	(target.service === 'ferretdb' ? it : it.skip)(
		'walks an ObjectId cursor in id order, up to its horizon',
		async () => {
			const appended: TableSchema = {
				...table,
				name: 'dm_sync_oid',
				columns: [
					{ name: '_id', nativeType: '', logical: 'objectId', nullable: false },
					{ name: 'n', nativeType: '', logical: 'int32', nullable: true },
				],
				primaryKey: ['_id'],
			};
			await dropIfExists(connector, appended.name);
			await connector.createTable(appended);
			const base = 1_900_000_000;
			// Two ids per second, written out of order.
			const docs = Array.from({ length: 10 }, (_, i) => ({
				_id: `${(base + Math.floor(i / 2)).toString(16)}${String(i).padStart(16, '0')}`,
				n: i,
			}));
			await connector.write(appended.name, [...docs].reverse(), { mode: 'insert' });
			const column = appended.columns[0];
			const horizon = horizonFor(column, new Date((base + 2) * 1000 + 500).toISOString(), 0) as string;
			const seen: Row[] = [];
			let after: Watermark | undefined;
			for (;;) {
				const page = await connector.readChanges(appended.name, { cursorColumn: '_id', after, horizon, limit: 4 });
				seen.push(...page);
				if (page.length < 4) break;
				after = { cursor: page[3]._id, key: [page[3]._id] };
			}
			expect(seen.map((r) => Number(r.n))).toEqual([0, 1, 2, 3, 4, 5]);
			expect(
				await connector.countChanges(appended.name, {
					cursorColumn: '_id',
					after: { cursor: docs[3]._id, key: [docs[3]._id] },
				}),
			).toBe(6);
			await connector.dropTable(appended.name);
		},
	);
});

/** Soft deletes and replays across engines: MariaDB rows flagged deleted disappear from PostgreSQL. */
describe('MariaDB → PostgreSQL soft deletes', () => {
	const [, mariadb] = targets;
	const [postgres] = targets;
	const soft: TableSchema = {
		...table,
		name: 'dm_sync_soft',
		columns: [...table.columns, { name: 'deleted_at', nativeType: '', logical: 'timestamp', nullable: true }],
	};

	it('loads live rows, deletes flagged ones, and commits the watermark with the deletes', async () => {
		const source = await connectTarget(mariadb);
		const destination = await connectTarget(postgres);
		try {
			for (const c of [source, destination]) {
				await dropIfExists(c, soft.name);
				await c.createTable(soft);
			}
			const rows = feedRows().map((r) => ({ ...r, deleted_at: null }));
			await source.write(soft.name, rows, { mode: 'insert' });
			await destination.write(soft.name, rows, { mode: 'insert' });
			await destination.state.delete(WATERMARK_NAMESPACE, `soft/${soft.name}`);
			const flagged = rows.slice(0, 5).map((r) => ({ ...r, version: 1000, deleted_at: '2031-01-01T00:00:00.000000' }));
			await source.write(soft.name, flagged, { mode: 'upsert' });
			const { readChangeBatch, commitBatch, takeLease } = await import('../../core/sync/sync');
			// A version cursor: numbers have no clock horizon.
			const options = {
				sync: 'soft',
				table: soft.name,
				cursorColumn: 'version',
				owner: 'r',
				batchSize: 1000,
				lagSeconds: 0,
			};
			const first = await readChangeBatch(source, { ...options, after: null, softDeleteColumn: 'deleted_at' });
			expect(first.rows).toHaveLength(24); // 30 rows, one without a version, five flagged
			expect(first.batch.deletedKeys.map((k) => Number(k[0]))).toEqual([1, 2, 3, 4, 5]);
			await destination.write(soft.name, first.rows, { mode: 'upsert' });
			await takeLease(destination.state, 'soft', soft.name, 'r', 60);
			await commitBatch(destination, first.batch, { leaseSeconds: 60 });
			expect(await destination.count(soft.name)).toBe(25);
			const state = await destination.state.get<{ watermark: Watermark }>(WATERMARK_NAMESPACE, `soft/${soft.name}`);
			expect(state?.watermark).toEqual({ cursor: 1000, key: ['5'] });
			const next = await readChangeBatch(source, { ...options, after: state!.watermark });
			expect(next.rows).toHaveLength(0);
		} finally {
			await Promise.all([source.close(), destination.close()]);
		}
	});
});
