import { decide, type ChunkFacts, type FanOutOptions, type Ledger } from '../../core/copy/fan-out';

const options: FanOutOptions = { concurrency: 2, claimSeconds: 30, maxAttempts: 2 };
const keys = ['r/t/1', 'r/t/2', 'r/t/3', 'r/t/4'];
const database = '2026-12-04T10:00:00.000000Z';
const now = { ms: 1_000_000, database };
const facts = (entries: Record<string, ChunkFacts>) => new Map(Object.entries(entries));
const sent = (at: number, attempts = 1) => ({ at, attempts });

describe('fan-out: which chunks go out next', () => {
	it('sends at most Chunks at Once, then only as chunks finish', () => {
		expect(decide(keys, facts({}), {}, options, now)).toMatchObject({ send: [0, 1], out: 0, finished: false });
		const ledger: Ledger = { 'r/t/1': sent(now.ms), 'r/t/2': sent(now.ms) };
		// Both out (one copying under a live lease, one waiting for a worker): nothing more goes.
		const copying = facts({ 'r/t/1': { done: false, lease: { owner: 'w1', until: '2026-12-04T10:00:05.000000Z' } } });
		expect(decide(keys, copying, ledger, options, now)).toMatchObject({ send: [], out: 2 });
		// One checkpointed: one slot, the next fresh chunk.
		expect(decide(keys, facts({ 'r/t/1': { done: true } }), ledger, options, now)).toMatchObject({
			send: [2],
			out: 1,
			done: 1,
		});
	});

	it('sends again a chunk whose lease expired (its worker died) or that no worker took in time, before fresh ones', () => {
		const ledger: Ledger = { 'r/t/1': sent(now.ms - 5000), 'r/t/2': sent(now.ms - 31_000) };
		const expired = facts({ 'r/t/1': { done: false, lease: { owner: 'w1', until: '2026-12-04T09:59:59.000000Z' } } });
		expect(decide(keys, expired, ledger, options, now)).toMatchObject({ send: [0, 1], out: 0 });
	});

	it('gives up on a chunk after its last send, and reports failures only once nothing else is out', () => {
		const ledger: Ledger = { 'r/t/1': sent(now.ms - 5000, 2), 'r/t/2': sent(now.ms) };
		const lost = facts({ 'r/t/1': { done: false, lease: { owner: 'w1', until: '2026-12-04T09:59:00.000000Z' } } });
		const decision = decide(keys, lost, ledger, options, now);
		expect(decision).toMatchObject({ send: [], out: 1 });
		expect(decision.failed).toEqual([{ index: 0, error: expect.stringContaining("w1's lease expired") }]);
		const failedMark = facts({ 'r/t/2': { done: false, failure: 'at 127.0.0.1:5432: connection refused' } });
		expect(decide(keys, failedMark, { 'r/t/2': sent(now.ms) }, options, now)).toMatchObject({
			send: [],
			out: 0,
			failed: [{ index: 1, error: 'at 127.0.0.1:5432: connection refused' }],
		});
	});

	it('finishes when every chunk has its checkpoint, a failure mark of a chunk not sent by this run ignored', () => {
		const all = facts(Object.fromEntries(keys.map((k) => [k, { done: true }])));
		expect(decide(keys, all, {}, options, now)).toMatchObject({ finished: true, send: [], done: 4 });
		const stale = facts({ 'r/t/1': { done: false, failure: 'earlier run' } });
		expect(decide(keys, stale, {}, options, now)).toMatchObject({ send: [0, 1], failed: [] });
	});
});
