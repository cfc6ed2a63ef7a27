import type { Progress } from '../../core/report/progress';
import { buildReport, reportHtml, reportMarkdown } from '../../core/report/report';
import type { Check } from '../../core/validate/validate';

const progress = (over: Partial<Progress> = {}): Progress => ({
	migration: 'm1',
	state: 'done',
	startedAt: '2026-01-01T00:00:00.000Z',
	chunksDone: 2,
	chunksTotal: 2,
	rowsDone: 1000,
	rowsTotal: 1000,
	rowsPerSecond: 100,
	etaSeconds: 0,
	rejectedRows: 0,
	failedSteps: 0,
	lastError: null,
	tables: { t: { chunksDone: 2, chunksTotal: 2, rowsDone: 1000, rowsTotal: 1000 } },
	timeline: [],
	...over,
});
const pass: Check = {
	check: 'count',
	table: 't',
	pass: true,
	details: { source: 1000, destination: 1000, difference: 0 },
};
const fail: Check = {
	check: 'count',
	table: 't',
	pass: false,
	details: { source: 1000, destination: 999, difference: -1 },
};
const now = new Date('2026-01-01T00:00:10.000Z');

describe('the migration report', () => {
	it('says YES only when every chunk loaded, every check passed and nothing was rejected', () => {
		const ok = buildReport({ progress: progress(), audit: [], mappings: [], checks: [pass], now });
		expect(ok).toMatchObject({
			status: 'SUCCESS',
			durationSeconds: 10,
			averageRowsPerSecond: 100,
			cutover: { ready: true },
		});
		expect(
			buildReport({ progress: progress({ chunksDone: 1 }), audit: [], mappings: [], checks: [pass], now }).cutover,
		).toEqual({
			ready: false,
			reason: '1 of 2 chunks loaded',
		});
		expect(buildReport({ progress: progress(), audit: [], mappings: [], checks: [fail], now })).toMatchObject({
			status: 'FAILED',
			cutover: { ready: false, reason: 'validation failed: t count' },
		});
		expect(
			buildReport({ progress: progress({ rejectedRows: 3 }), audit: [], mappings: [], checks: [pass], now }),
		).toMatchObject({
			status: 'FAILED',
			errors: ['3 rows rejected (listed under Rejected Values)'],
			cutover: { ready: false, reason: '3 rows rejected' },
		});
		expect(buildReport({ progress: progress(), audit: [], mappings: [], checks: [], now }).cutover.reason).toBe(
			'not validated',
		);
	});

	it("after a crash and a rerun, duration and speed are the last attempt's; the total and the downtime between are told", () => {
		const entry = (at: string, step: string, durationMs: number, rows?: number) => ({
			migration: 'm1',
			at,
			step,
			durationMs,
			outcome: 'success' as const,
			...(rows === undefined ? {} : { rows }),
		});
		const audit = [
			entry('2026-01-01T00:00:00.500Z', 'Snapshot', 500),
			entry('2026-01-01T00:01:00.000Z', 'Load Chunk', 2000, 400),
			// n8n was killed here; the rerun starts 279 s later.
			entry('2026-01-01T00:05:40.000Z', 'Snapshot', 1000),
			entry('2026-01-01T00:05:50.000Z', 'Load Chunk', 2000, 600),
		];
		const later = new Date('2026-01-01T00:06:09.000Z');
		const report = buildReport({ progress: progress(), audit, mappings: [], checks: [pass], now: later });
		expect(report).toMatchObject({
			durationSeconds: 30,
			averageRowsPerSecond: 20,
			attempts: {
				count: 2,
				totalSeconds: 369,
				downtimeSeconds: 279,
				list: [
					{ startedAt: '2026-01-01T00:00:00.000Z', seconds: 60, rowsLoaded: 400 },
					{ startedAt: '2026-01-01T00:05:39.000Z', seconds: 30, rowsLoaded: 600 },
				],
			},
		});
		expect(reportMarkdown(report)).toContain(
			'**Duration:** 30 s (the last of 2 attempts; 369 s in all, 279 s between attempts)',
		);
		// One attempt: as before, from the plan's start.
		expect(
			buildReport({ progress: progress(), audit: audit.slice(0, 2), mappings: [], checks: [pass], now }),
		).toMatchObject({
			durationSeconds: 10,
			attempts: { count: 1, downtimeSeconds: 0 },
		});
	});

	it('renders Markdown and a self-contained HTML page with the same sections, escaping values', () => {
		const report = buildReport({
			progress: progress({ migration: 'm<1>' }),
			audit: [
				{
					migration: 'm<1>',
					at: '',
					step: 'Load Chunk',
					table: 't',
					chunk: 1,
					durationMs: 1500,
					outcome: 'failed',
					error: 'boom <b>',
				},
			],
			mappings: [],
			checks: [fail],
			now,
		});
		const markdown = reportMarkdown(report);
		expect(markdown).toContain('| t | count | FAIL | source 1000, destination 999 |');
		expect(markdown).toContain('- Load Chunk t chunk 1: boom <b>');
		expect(markdown).toContain('| Load Chunk | 1.5 | 1 | 1 |');
		expect(markdown).toContain('**Ready for production cutover: NO** — validation failed: t count');
		const html = reportHtml(report);
		expect(html).toContain('<title>Migration Report: m&lt;1&gt;</title>');
		expect(html).toContain('boom &lt;b&gt;');
		expect(html).toContain('<td class="fail">FAIL</td>');
		expect(html).not.toMatch(/<script|https?:\/\//);
	});
});

describe('rejects in the report, kept through a rollback', () => {
	it('lists every rejected value with its reason, and still does after the rollback deleted the checkpoints', async () => {
		const { MemoryConnector } = await import('../helpers/memory-connector');
		const { loadRows } = await import('../../core/copy/load');
		const { snapshotTables, restoreRun } = await import('../../core/rollback/rollback');
		const { migrationReport } = await import('../../core/report/report');
		const { recordPlan } = await import('../../core/report/progress');
		const destination = new MemoryConnector();
		const table = {
			name: 't',
			columns: [
				{ name: 'id', nativeType: '', logical: 'int32' as const, nullable: false },
				{ name: 'day', nativeType: '', logical: 'date' as const, nullable: true },
				{ name: 'small', nativeType: '', logical: 'int16' as const, nullable: true },
			],
			primaryKey: ['id'],
			indexes: [],
			foreignKeys: [],
			rowEstimate: 0,
		};
		await snapshotTables(destination, 'm1', ['t']);
		await destination.createTable(table);
		await recordPlan(destination, 'm1', [{ table: 't', chunks: 1, tableRows: 3 }]);
		const result = await loadRows(
			destination,
			[
				{ id: 1, day: '0000-00-00', small: 1 },
				{ id: 2, day: '2024-01-01', small: 99999 },
				{ id: 3, day: '2024-02-30', small: 70000 },
			],
			{
				table: 't',
				mode: 'upsert',
				batchSize: 10,
				policies: { day: 'null' },
				chunk: { run: 'm1', table: 't', position: {} },
			},
		);
		expect(result.written).toBe(1);
		const before = await migrationReport(destination, 'm1', []);
		expect(before.report.rejects).toMatchObject({ rows: 2, nulled: 1 });
		expect(before.report.rejects.listed.map((r) => [r.key, r.column, r.action])).toEqual([
			[[1], 'day', 'nulled'],
			[[2], 'small', 'rejected'],
			[[3], 'day', 'rejected'],
			[[3], 'small', 'rejected'],
		]);
		expect(before.markdown).toContain('## Rejected Values');
		expect(before.markdown).toMatch(/\| t \| \[2\] \| small \| 99999 \| .*int16.* \| row refused \|/);
		expect(before.html).toContain('99999');
		await restoreRun(destination, 'm1');
		const after = await migrationReport(destination, 'm1', []);
		expect(after.report.rejects.rows).toBe(0);
		expect(after.report.rejects.earlier.rows).toBe(2);
		expect(after.report.rejects.earlier.listed).toHaveLength(4);
		expect(after.markdown).toContain('Before the rollback, 2 rows were refused');
		expect(after.markdown).toMatch(/\| \[3\] \| day \| "2024-02-30" \| .* \| rolled back \|/);
	});
});
