import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { underLease } from '../../core/copy/chunk-lease';
import type { PlannedChunk } from '../../core/copy/chunks';
import { forgetFailures, keyOfChunk, nextChunks, recordChunkFailure, type Ledger } from '../../core/copy/fan-out';
import type { DatabaseConnector } from '../../core/ports';
import { CHUNK_LEASE_NAMESPACE, CHUNK_NAMESPACE } from '../../core/state/namespaces';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

/**
 * Fan-out's state on the real destinations: a chunk's lease is held by one worker at a time (by the
 * database's clock), renewed while it copies, taken over only once a dead holder's lease expired;
 * Fan Out Chunks' wait reads checkpoints, leases and failure marks of its own run only.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const chunk = (migration: string, n: number): PlannedChunk => ({
	migration,
	table: 'items',
	chunk: n,
	chunks: 3,
	range: { after: [n * 10], upTo: [(n + 1) * 10] },
});

function suite(name: string, service: 'postgres' | 'mariadb', open: () => Promise<() => DatabaseConnector>) {
	describe(`fan-out state on ${name}`, () => {
		let make: () => DatabaseConnector;
		const opened: DatabaseConnector[] = [];
		const connector = () => {
			const c = make();
			opened.push(c);
			return c;
		};
		beforeAll(async () => {
			await requireService(service);
			make = await open();
		});
		afterAll(async () => Promise.all(opened.map((c) => c.close())));

		it('one worker holds a chunk; renewal keeps it past its time; a dead holder loses it only when it expires', async () => {
			const [a, b] = [connector(), connector()];
			const key = keyOfChunk(chunk('lease_run', 1));
			let during: Awaited<ReturnType<typeof underLease>> | undefined;
			const first = await underLease(a.state, key, 'worker-a', 2, async () => {
				// Longer than the lease: only renewal keeps worker-a the holder.
				await sleep(3500);
				during = await underLease(b.state, key, 'worker-b', 2, async () => 'copied twice');
				return 'copied';
			});
			expect(first).toEqual({ held: true, value: 'copied', lost: false });
			expect(during).toMatchObject({ held: false, holder: 'worker-a' });
			// Done: given back, the next taker gets it at once.
			expect(await b.state.get(CHUNK_LEASE_NAMESPACE, key)).toBeUndefined();

			// A worker that dies keeps its lease (no renewal, no release) until the database's clock passes it.
			await a.state.lease(CHUNK_LEASE_NAMESPACE, key, 'worker-dead', 2);
			expect(await underLease(b.state, key, 'worker-b', 2, async () => 'x')).toMatchObject({
				held: false,
				holder: 'worker-dead',
			});
			await sleep(2300);
			expect(await underLease(b.state, key, 'worker-b', 2, async () => 'taken over')).toMatchObject({
				held: true,
				value: 'taken over',
			});

			// A failed copy keeps its lease (its own retry takes it again; the sender reads the failure mark).
			await expect(
				underLease(a.state, key, 'worker-a', 30, () => Promise.reject(new Error('write failed'))),
			).rejects.toThrow('write failed');
			expect(await b.state.get(CHUNK_LEASE_NAMESPACE, key)).toMatchObject({ owner: 'worker-a' });
			await a.state.release(CHUNK_LEASE_NAMESPACE, key, 'worker-a');
		}, 30_000);

		it('lists one run only, whatever its name holds (LIKE wildcards, case)', async () => {
			const c = connector();
			for (const run of ['r_1%', 'rX1%', 'R_1%', 'r_1%x'])
				await c.state.set(CHUNK_NAMESPACE, `${run}/items/[1]`, { run });
			expect((await c.state.list<{ run: string }>(CHUNK_NAMESPACE, 'r_1%/')).map((e) => e.value.run)).toEqual(['r_1%']);
			for (const run of ['r_1%', 'rX1%', 'R_1%', 'r_1%x']) await c.state.delete(CHUNK_NAMESPACE, `${run}/items/[1]`);
		});

		it('waits for checkpoints: sends at most Chunks at Once, again once a lease expired, and reports a failure mark', async () => {
			const c = connector();
			const run = `fan_${Date.now()}`;
			const chunks = [0, 1, 2].map((n) => chunk(run, n));
			const ledger: Ledger = {};
			const options = { concurrency: 2, claimSeconds: 60, maxAttempts: 3, pollMs: 100 };
			const wait = () => nextChunks(c.state, () => c.clock(), chunks, ledger, options);
			await recordChunkFailure(c.state, chunks[2], 'of an earlier run', 'old');
			await forgetFailures(c.state, chunks);
			expect(await wait()).toMatchObject({ send: [0, 1] });
			// Chunk 0 done; chunk 1's worker took its lease and died.
			await c.state.set(CHUNK_NAMESPACE, keyOfChunk(chunks[0]), { rows: 10 });
			await c.state.lease(CHUNK_LEASE_NAMESPACE, keyOfChunk(chunks[1]), 'dead', 2);
			expect(await wait()).toMatchObject({ send: [2] });
			const started = Date.now();
			expect(await wait()).toMatchObject({ send: [1] });
			expect(Date.now() - started).toBeGreaterThan(1000);
			expect(ledger[keyOfChunk(chunks[1])].attempts).toBe(2);
			await c.state.set(CHUNK_NAMESPACE, keyOfChunk(chunks[1]), { rows: 10 });
			await recordChunkFailure(c.state, chunks[2], 'at 127.0.0.1:1: connection refused', 'worker');
			expect(await wait()).toMatchObject({
				send: [],
				failed: [{ index: 2, error: 'at 127.0.0.1:1: connection refused' }],
			});
			await forgetFailures(c.state, chunks);
			await c.state.set(CHUNK_NAMESPACE, keyOfChunk(chunks[2]), { rows: 10 });
			expect(await wait()).toMatchObject({ finished: true, done: 3 });
			for (const k of chunks.map(keyOfChunk)) await c.state.delete(CHUNK_NAMESPACE, k);
			await c.state.release(CHUNK_LEASE_NAMESPACE, keyOfChunk(chunks[1]), 'dead');
		}, 30_000);
	});
}

suite('PostgreSQL', 'postgres', async () => {
	await withPostgres((q) => q('CREATE SCHEMA IF NOT EXISTS dm_fan_out'));
	return () => createPostgresConnector({ ...postgresSettings, schema: 'dm_fan_out' });
});
suite('MariaDB', 'mariadb', async () => {
	await withMysql((q) => q('CREATE DATABASE IF NOT EXISTS dm_fan_out'));
	return () => createMysqlConnector({ ...mysqlSettings, database: 'dm_fan_out' });
});
