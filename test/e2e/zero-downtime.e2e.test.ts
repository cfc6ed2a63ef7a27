import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEASE_NAMESPACE, REPLAY_NAMESPACE, WATERMARK_NAMESPACE } from '../../core/state/namespaces';
import type { Row } from '../../core/model/schema';
import { ownerName } from '../../core/sync/run-owner';
import {
	importJson,
	n8nDatabase,
	prepareN8n,
	setActive,
	startN8n,
	type N8nInstance,
	type Started,
} from '../helpers/n8n-process';
import { requireService } from '../helpers/services';
import { allowDualWrites, TARGET_SCHEMA_CREDENTIAL, templateCredentials } from '../helpers/templates';
import { INTRUDERS, withKey } from '../helpers/webhook-key';
import { withMysql, withPostgres } from '../helpers/native';
import { compareTables, startWriter, ZERO_DOWNTIME_PAIRS, type ZeroDowntimePair } from '../helpers/zero-downtime-pairs';

/**
 * The zero-downtime templates of every database pair in a real n8n, by their Webhooks and their
 * schedule, while the application keeps writing to the old database: a scheduled sync before the
 * backfill, the backfill, a dual write the new database refuses and later takes, n8n killed in the
 * middle of a sync, and at the end both databases compared row by row and "Ready … YES".
 * n8n 2.x runs one pair (what it proves differently is the publishing of the called workflows).
 */
const ROWS = 3000;
const PORT = 5730 + Number(process.env.N8N_LINE ?? 1);
const pairs = process.env.N8N_LINE === '2' ? ZERO_DOWNTIME_PAIRS.slice(0, 1) : ZERO_DOWNTIME_PAIRS;
const template = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const syncName = (c: ZeroDowntimePair) => `e2e-zd-${c.slug}`;
/** What a caller sends, and what the Schedule's runs use (the Settings defaults of the imported copy). */
const settingsOf = (c: ZeroDowntimePair) => ({
	sync: syncName(c),
	tables: [c.table],
	cursorColumn: c.cursor,
	lagSeconds: 1,
	batchSize: 500,
	maxBatches: 4,
	rowsPerChunk: 2000,
});

/** The imported copies, set up as a user does: the pair's table and sync, a schedule every 20 s, the dual write's columns. */
function configured(c: ZeroDowntimePair, name: string) {
	const workflow = name.endsWith('dual-write')
		? allowDualWrites(template(name), { [c.table]: c.columns })
		: template(name);
	for (const node of workflow.nodes) {
		c.credentials?.(node);
		if (node.name === 'Backfill Settings' || node.name === 'Sync Settings')
			node.parameters.defaults = JSON.stringify({ ...JSON.parse(node.parameters.defaults), ...settingsOf(c) });
		if (node.name === 'Every Minute') node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 20 }] };
	}
	return workflow;
}

/** Everything an earlier run of this test left: the sync's state in both databases, the backfill's run. */
async function clearState(c: ZeroDowntimePair) {
	const sync = syncName(c);
	const [source, destination] = [c.source(), c.destination()];
	try {
		for (const { key } of await source.state.list(REPLAY_NAMESPACE))
			if (key.startsWith(`${sync}/`)) await source.state.delete(REPLAY_NAMESPACE, key);
		for (const namespace of [WATERMARK_NAMESPACE, LEASE_NAMESPACE, 'chunks', 'plans', 'audit', 'mappings', 'rejects'])
			for (const { key } of await destination.state.list(namespace))
				if (key.startsWith(sync) || key.includes(c.table)) await destination.state.delete(namespace, key);
	} finally {
		await Promise.all([source.close(), destination.close()]);
	}
}

async function stateEntry<T>(c: ZeroDowntimePair, namespace: string): Promise<T | undefined> {
	const destination = c.destination();
	try {
		return await destination.state.get<T>(namespace, `${syncName(c)}/${c.table}`);
	} finally {
		await destination.close();
	}
}

async function post(c: ZeroDowntimePair, path: string, body: object) {
	const response = await fetch(`http://127.0.0.1:${PORT}/webhook/data-migration/zero-downtime-${c.slug}/${path}`, {
		method: 'POST',
		headers: withKey({ 'content-type': 'application/json' }),
		body: JSON.stringify(body),
	});
	const text = await response.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text);
	} catch {
		json = { text };
	}
	return { status: response.status, json };
}

describe(`zero-downtime, every database pair, in a real n8n (line ${process.env.N8N_LINE ?? 1})`, () => {
	let n8n: N8nInstance;
	let server: Started;
	const activated: string[] = [];

	beforeAll(async () => {
		for (const service of new Set(pairs.flatMap((c) => c.services))) await requireService(service);
		for (const c of pairs) {
			await c.seed(ROWS);
			await c.dropDestination();
			await clearState(c);
		}
		n8n = await prepareN8n();
		await importJson(n8n, 'credentials', templateCredentials([TARGET_SCHEMA_CREDENTIAL]));
		// One import of every workflow (each CLI call starts n8n anew).
		const names = (c: ZeroDowntimePair) => [
			c.slug,
			`${c.slug}-chunk-worker`,
			...['', '-sync-worker', '-dual-write'].map((s) => `zero-downtime-${c.slug}${s}`),
		];
		await importJson(
			n8n,
			'workflow',
			pairs.flatMap((c) => names(c).map((name) => configured(c, name))),
		);
		for (const c of pairs) {
			// Active: the Webhooks and the Schedule; on n8n 2.x the called workflows too (published).
			const active = [`zero-downtime-${c.slug}`, `zero-downtime-${c.slug}-dual-write`];
			if (n8n.line === '2') active.push(`zero-downtime-${c.slug}-sync-worker`, c.slug, `${c.slug}-chunk-worker`);
			for (const name of active) {
				const id = template(name).id;
				expect((await setActive(n8n, id)).code).toBe(0);
				activated.push(id);
			}
		}
		server = await startN8n(n8n, PORT);
	}, 600_000);

	afterAll(async () => {
		await server?.stop();
		for (const id of activated) await setActive(n8n, id, false);
	});

	/**
	 * Syncs by Webhook until the verdict is YES (or, with `once`, until one sync ran); a run turned
	 * away because the Schedule's run holds the lease is tried again.
	 */
	async function syncUntilReady(c: ZeroDowntimePair, options: { notHeldBy?: string; once?: boolean } = {}) {
		const { notHeldBy, once } = options;
		let last: Record<string, unknown> = {};
		for (let attempt = 0; attempt < 20; attempt++) {
			const { status, json } = await post(c, 'sync', settingsOf(c));
			last = { status, ...json };
			if (status === 409) {
				const tables = json.tables as Array<{ holder: string | null }>;
				// After a kill the dead run's lease is taken over at once: it never turns a caller away.
				if (notHeldBy) expect(tables.map((t) => t.holder)).not.toContain(notHeldBy);
				await sleep(1000);
				continue;
			}
			expect(`${status} ${status === 200 ? '' : JSON.stringify(json) + server.log().slice(-2000)}`).toBe('200 ');
			if (json.ready === true || once) return json;
			await sleep(1200);
		}
		throw new Error(`${c.slug}: never ready: ${JSON.stringify(last)}`);
	}

	it('refuses callers without the key, settings outside the schema and writes outside the rules: nothing written anywhere', async () => {
		const c = pairs[0];
		const zd = `data-migration/zero-downtime-${c.slug}`;
		const settings = settingsOf(c);
		const request = (path: string, body: object, headers: Record<string, string> = withKey()) =>
			fetch(`http://127.0.0.1:${PORT}/webhook/${zd}/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify(body),
			});
		const intruder: Row = { ...c.dualRow(9, 1.5), name: 'intruder' };
		// Without the key (none, a wrong value, the right value in another header): n8n's own 403.
		for (const headers of INTRUDERS)
			for (const [path, body] of [
				['backfill', settings],
				['sync', settings],
				['write', { table: c.table, sync: syncName(c), rows: [intruder] }],
			] as const) {
				const response = await request(path, body, headers);
				expect(`${path} ${response.status} ${await response.text()}`).toBe(`${path} 403 Authorization data is wrong!`);
			}
		// With the key, settings outside the schema: 400 and the reason, before anything is written.
		for (const [path, body, reason] of [
			['backfill', { ...settings, tables: c.table }, /"tables" must be a list of names/],
			['sync', { ...settings, lagSecond: 1 }, /Unknown setting "lagSecond"\. Accepted settings: sync: string/],
		] as const) {
			const response = await request(path, body);
			expect(response.status).toBe(400);
			expect(await response.json()).toEqual({
				status: 'REFUSED',
				error: expect.stringMatching(reason),
				nothingWritten: true,
			});
		}
		// Writes outside the rules (a table or column not listed, SQL in a name, too large): 400, nothing written.
		const refusedWrites: Array<[object, RegExp]> = [
			[{ table: `${c.table}\`; DROP TABLE ${c.table}; --`, rows: [intruder] }, /is not one this dual write accepts/],
			[
				{ table: c.table, rows: [{ ...intruder, 'name`) VALUES (1); DROP TABLE x; --': 'x' }] },
				/not among the columns this dual write accepts/,
			],
			[{ table: c.table, rows: [{ ...intruder, name: 'x'.repeat(1_100_000) }] }, /accepts at most 1048576/],
		];
		for (const [body, reason] of refusedWrites) {
			const response = await request('write', body);
			expect(response.status).toBe(400);
			expect(await response.json()).toMatchObject({
				old: 'not written',
				new: 'not written',
				error: expect.stringMatching(reason),
			});
		}
		// A row the old database refuses (too long a name): 422, the reason and an excerpt of the value only.
		const tooLong = await request('write', {
			table: c.table,
			rows: [{ ...intruder, name: `secret-${'x'.repeat(200)}` }],
		});
		expect(tooLong.status).toBe(422);
		const refusal = (await tooLong.json()) as { old: string; rejected: Array<{ column: string; value: string }> };
		expect(refusal).toMatchObject({ old: 'refused', new: 'not written', rejected: [{ column: 'name' }] });
		expect(refusal.rejected[0].value).toBe(`"secret-${'x'.repeat(32)}`);
		// Nothing of it anywhere: no destination table, no watermark, the intruder's row not in the old database.
		expect(await withPostgres((q) => q(`SELECT to_regclass('public.${c.table}') AS t`))).toEqual([{ t: null }]);
		expect(await stateEntry(c, WATERMARK_NAMESPACE)).toBeUndefined();
		expect(await withMysql((q) => q(`SELECT COUNT(*) AS n FROM ${c.table} WHERE id = ?`, [intruder[c.key]]))).toEqual([
			{ n: 0 },
		]);
	});

	it.each(pairs)(
		'$slug: scheduled before its backfill it waits; under live writes, a refused dual write and a killed sync, it ends exact and ready',
		async (c) => {
			const main = template(`zero-downtime-${c.slug}`).id;
			// 1. The Schedule fired before the backfill: a success that did nothing, held no lease and said why.
			let early: Array<Record<string, unknown>> = [];
			for (let waited = 0; waited < 60_000 && !early.length; waited += 1000) {
				early = await n8nDatabase(
					n8n,
					`SELECT e.status AS status, d.data AS data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = '${main}' AND e.mode = 'trigger' AND e.status IN ('success', 'error', 'crashed') ORDER BY e.id`,
				);
				if (!early.length) await sleep(1000);
			}
			expect(early.length).toBeGreaterThan(0);
			expect(early[0].status).toBe('success');
			expect(String(early[0].data)).toMatch(/is waiting for the backfill/);
			expect(await stateEntry(c, LEASE_NAMESPACE)).toBeUndefined();
			expect(await stateEntry(c, WATERMARK_NAMESPACE)).toBeUndefined();

			const writes = await c.writes();
			const writer = startWriter(writes);
			try {
				// 2. The backfill under live writes: done, and what changed meanwhile is the sync's.
				const backfill = await post(c, 'backfill', settingsOf(c));
				expect(`${backfill.status} ${JSON.stringify(backfill.json).slice(0, 2000)}`).toMatch(/^200 /);
				expect(backfill.json).toMatchObject({ sync: syncName(c), status: 'BACKFILL DONE', tables: [c.table] });

				// 3. Dual writes: one both databases take, then one the new database partly refuses,
				// answered row by row with the refused row queued.
				const both = await post(c, 'write', { table: c.table, sync: syncName(c), rows: [c.dualRow(0, 2.5)] });
				expect(both).toEqual({ status: 200, json: { old: 'written', new: 'written', rows: 1 } });
				await c.constrain(true);
				const [fits, tooMuch] = [c.dualRow(1, 1.5), c.dualRow(2, 5000.5)];
				const partly = await post(c, 'write', { table: c.table, sync: syncName(c), rows: [fits, tooMuch] });
				expect(partly.status).toBe(200);
				expect(partly.json).toMatchObject({
					old: 'written',
					new: 'partly written, the refused rows queued for replay',
					written: 1,
					queued: 1,
					refused: [{ key: [tooMuch[c.key]], reason: expect.stringContaining('dm_e2e_zd_small') }],
				});
				// While the new database still refuses it, a sync fails, says why, and keeps the row queued.
				let failed = await post(c, 'sync', settingsOf(c));
				for (let i = 0; failed.status === 409 && i < 20; i++) {
					await sleep(1000);
					failed = await post(c, 'sync', settingsOf(c));
				}
				expect(failed.status).toBe(500);
				expect(failed.json).toMatchObject({ status: 'FAILED', failedTables: [{ table: c.table }] });
				// The fix: the next sync writes it.
				await c.constrain(false);

				// 4. A sync killed mid-batch: every row stamped anew; once its first batch committed, the new
				// table is locked against writes, so the next batch waits in its load, holding the lease; then
				// n8n is killed.
				await writes.touchAll();
				await sleep(1500);
				const before = JSON.stringify((await stateEntry<{ watermark: unknown }>(c, WATERMARK_NAMESPACE))?.watermark);
				const running = post(c, 'sync', settingsOf(c)).catch(() => undefined);
				for (let waited = 0; waited < 120_000; waited += 50) {
					const now = (await stateEntry<{ watermark: unknown }>(c, WATERMARK_NAMESPACE))?.watermark;
					if (JSON.stringify(now) !== before) break;
					await sleep(50);
				}
				const unlock = await c.lockDestination();
				let holder: { owner: string; until: string } | undefined;
				try {
					// Held, and for a second unchanged: the run is waiting in its load.
					for (let waited = 0; waited < 60_000; waited += 1000) {
						const lease = await stateEntry<{ owner: string; until: string }>(c, LEASE_NAMESPACE);
						if (lease && JSON.stringify(lease) === JSON.stringify(holder)) break;
						holder = lease;
						await sleep(1000);
					}
					expect(holder).toBeDefined();
					server.process.kill('SIGKILL');
					await server.stop();
				} finally {
					await unlock();
				}
				await running;
				// The killed run still holds the lease (for 600 s): only a takeover lets the next sync run.
				expect(await stateEntry(c, LEASE_NAMESPACE)).toEqual(holder);
				server = await startN8n(n8n, PORT);
				// The killed run's process is gone: its lease is taken over at once, not after its 600 s.
				const after = await syncUntilReady(c, { notHeldBy: ownerName(holder!.owner), once: true });
				expect(after.verdict).toMatch(/^Ready for production cutover: (YES|NO)/);
			} finally {
				await writer.stop();
				await writes.close();
				// Whatever failed, the next pair finds n8n up.
				if (server.process.exitCode !== null || server.process.signalCode !== null) server = await startN8n(n8n, PORT);
			}
			expect(writer.counts.inserts).toBeGreaterThan(0);
			expect(writer.counts.deletes).toBeGreaterThan(0);

			// 5. The writes stopped: past the lag, the verdict is YES and both databases hold the same rows.
			await sleep(1500);
			const ready = await syncUntilReady(c);
			expect(ready.verdict).toMatch(/^Ready for production cutover: YES .*no dual write waiting for replay/);
			expect(await compareTables(c)).toEqual({ sourceRows: expect.any(Number), missing: [], extra: [], changed: [] });
			console.log(`${c.slug}: ${JSON.stringify(writer.counts)} written meanwhile; ${ROWS} seeded`);
		},
		600_000,
	);
});
