import type { KeyTuple, Row, TableSchema } from '../../core/model/schema';
import type { DatabaseConnector } from '../../core/ports';
import { REPLAY_NAMESPACE } from '../../core/state/namespaces';
import { commitBatch, commitStart, queueReplays, readChangeBatch, takeLease } from '../../core/sync/sync';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { postgresSettings } from '../helpers/services';
import { connectTarget, dropIfExists, targets } from './targets';

/**
 * Dual writes the new database refused are queued by key in the old one and replayed by the next
 * sync. A queued key arrives as the application's JSON gave it (a number where the column is an
 * integer); the row read back carries it as the driver does (a string for BIGINT): compared in one
 * canonical form, a replayed row is loaded, never taken for deleted, and deleted only when the
 * source no longer has it.
 */
const keyed = (
	name: string,
	key: Array<{ name: string; logical: 'int32' | 'int64' | 'string' | 'objectId' }>,
): TableSchema => ({
	name,
	columns: [
		...key.map((k) => ({ ...k, nativeType: '', nullable: false, ...(k.logical === 'string' ? { length: 40 } : {}) })),
		{ name: 'note', nativeType: '', logical: 'string', nullable: true, length: 40 },
		{ name: 'changed', nativeType: '', logical: 'timestamptz', nullable: true },
	],
	primaryKey: key.map((k) => k.name),
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
});

const cases: Array<{ name: string; table: TableSchema; rows: Row[]; queued: KeyTuple[]; gone: KeyTuple }> = [
	{
		name: 'integer key',
		table: keyed('dm_replay_int', [{ name: 'id', logical: 'int32' }]),
		rows: [1, 2, 3].map((id) => ({ id, note: `n${id}`, changed: '2001-01-01T00:00:00.000000Z' })),
		queued: [[1], [2], [3]],
		gone: [3],
	},
	{
		name: 'bigint key, queued as JSON numbers',
		table: keyed('dm_replay_big', [{ name: 'id', logical: 'int64' }]),
		rows: ['9007199254740000', '42', '43'].map((id) => ({ id, note: id, changed: '2001-01-01T00:00:00.000000Z' })),
		queued: [[9007199254740000], [42], [43]],
		gone: [43],
	},
	{
		name: 'text key',
		table: keyed('dm_replay_text', [{ name: 'code', logical: 'string' }]),
		rows: ['a-1', 'ä-2', 'b 3'].map((code) => ({ code, note: code, changed: '2001-01-01T00:00:00.000000Z' })),
		queued: [['a-1'], ['ä-2'], ['b 3']],
		gone: ['b 3'],
	},
	{
		name: 'composite key',
		table: keyed('dm_replay_pair', [
			{ name: 'tenant', logical: 'int64' },
			{ name: 'code', logical: 'string' },
		]),
		rows: [
			{ tenant: '7', code: 'x', note: '1', changed: '2001-01-01T00:00:00.000000Z' },
			{ tenant: '7', code: 'y', note: '2', changed: '2001-01-01T00:00:00.000000Z' },
			{ tenant: '8', code: 'x', note: '3', changed: '2001-01-01T00:00:00.000000Z' },
		],
		queued: [
			[7, 'x'],
			[7, 'y'],
			[8, 'x'],
		],
		gone: [8, 'x'],
	},
];

/** MongoDB's own key: queued as the application's hex text, read back from an ObjectId. */
const objectIds = ['65a1b2c3d4e5f60718293a4b', '65a1b2c3d4e5f60718293a4c', '65a1b2c3d4e5f60718293a4d'];
const objectIdCase = {
	name: 'ObjectId key',
	table: keyed('dm_replay_oid', [{ name: '_id', logical: 'objectId' }]),
	rows: objectIds.map((_id) => ({ _id, note: _id.slice(-4), changed: '2001-01-01T00:00:00.000000Z' })),
	queued: objectIds.map((id) => [id.toUpperCase()]),
	gone: [objectIds[2]],
};

const [postgres] = targets;
const sources = targets.map((t) => ({ ...t, cases: t.native ? cases : [objectIdCase] }));

describe.each(sources)('$name → PostgreSQL: replay without loss', (sourceTarget) => {
	let source: DatabaseConnector;
	let destination: DatabaseConnector;
	beforeAll(async () => {
		source = await connectTarget(sourceTarget);
		// A schema of its own: a PostgreSQL source and its destination are then two tables.
		await postgres.native!('CREATE SCHEMA IF NOT EXISTS dm_replay_target');
		destination = createPostgresConnector({ ...postgresSettings, schema: 'dm_replay_target' });
	});
	afterAll(async () => {
		await Promise.all([source?.close(), destination?.close()]);
	});

	it.each(sourceTarget.cases)(
		'$name: queued rows arrive, the one the source lost is deleted, the queue clears only when held',
		async (c) => {
			const sync = `replay-${sourceTarget.service}`;
			for (const connector of [source, destination]) {
				await dropIfExists(connector, c.table.name);
				await connector.createTable(c.table);
			}
			await source.write(c.table.name, c.rows, { mode: 'insert' });
			// The new database holds the last row (written before the refusals); the other two it refused.
			await destination.write(c.table.name, [c.rows[2]], { mode: 'insert' });
			for (const { key } of await source.state.list(REPLAY_NAMESPACE))
				if (key.startsWith(`${sync}/`)) await source.state.delete(REPLAY_NAMESPACE, key);
			await queueReplays(source.state, sync, c.table.name, c.queued);
			// Meanwhile the application deleted the last row from the old database.
			await source.deleteRows(
				c.table.name,
				[c.rows[2]].map((r) => c.table.primaryKey.map((k) => r[k])),
			);
			const options = {
				sync,
				table: c.table.name,
				cursorColumn: 'changed',
				owner: 'replayer',
				batchSize: 100,
				lagSeconds: 0,
				replayQueue: source.state,
			};
			// A watermark past every row: only the queue carries them.
			const after = { cursor: '2020-01-01T00:00:00.000000Z', key: [] };
			await destination.state.delete('watermarks', `${sync}/${c.table.name}`);
			await commitStart(destination, sync, {
				table: c.table.name,
				cursorColumn: 'changed',
				primaryKey: c.table.primaryKey,
				watermark: after,
			});
			const { batch, rows } = await readChangeBatch(source, { ...options, after });
			expect(rows.map((r) => r.note).sort()).toEqual([c.rows[0].note, c.rows[1].note].sort());
			expect(batch.deletedKeys.map((k) => k.map(String))).toEqual([c.gone.map(String)]);
			await takeLease(destination.state, sync, c.table.name, 'replayer', 60);
			// Not loaded yet: the commit refuses, the queue stays for the next sync.
			await expect(commitBatch(destination, batch, { leaseSeconds: 60 })).rejects.toThrow(
				/2 replayed row\(s\) of .* are not in the destination after the load/,
			);
			await destination.write(c.table.name, rows, { mode: 'upsert' });
			await commitBatch(destination, batch, { leaseSeconds: 60 });
			const held = await destination.readByKeys(c.table.name, batch.replayedKeys!);
			expect(held.map((r) => r.note).sort()).toEqual([c.rows[0].note, c.rows[1].note].sort());
			expect(await destination.count(c.table.name)).toBe(2);
			await destination.state.delete('watermarks', `${sync}/${c.table.name}`);
			for (const connector of [source, destination]) await connector.dropTable(c.table.name);
		},
	);
});
