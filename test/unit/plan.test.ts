import type { TableMapping } from '../../core/mapping/mapping';
import { loadOrder } from '../../core/plan/table-order';
import { progressPage } from '../../core/report/progress-page';
import { speedTimeline, type Progress } from '../../core/report/progress';

const table = (name: string, references: Array<[string, string]> = []): TableMapping =>
	({
		table: name,
		destinationTable: name,
		source: { name, columns: [], primaryKey: ['id'], indexes: [], foreignKeys: [], rowEstimate: 0 },
		target: { name, columns: [], primaryKey: ['id'], indexes: [], foreignKeys: [], rowEstimate: 0 },
		foreignKeys: references.map(([column, referenced]) => ({
			name: `${name}_${column}_fk`,
			columns: [column],
			referencedTable: referenced,
			referencedColumns: ['id'],
		})),
		overridden: [],
	}) as unknown as TableMapping;

describe('the load order from the foreign-key graph', () => {
	it('puts referenced tables first, whatever order they come in', () => {
		const order = loadOrder([
			table('lines', [['order_id', 'orders']]),
			table('orders', [['customer_id', 'customers']]),
			table('customers'),
		]);
		expect(order).toEqual({ order: ['customers', 'orders', 'lines'], deferred: [] });
	});

	it('breaks a cycle at the table with the fewest unmet references and defers those keys', () => {
		const order = loadOrder([
			table('customers', [['best_order', 'orders']]),
			table('orders', [
				['customer_id', 'customers'],
				['agent_id', 'agents'],
			]),
			table('agents'),
		]);
		expect(order.order).toEqual(['agents', 'customers', 'orders']);
		expect(order.deferred).toEqual([{ table: 'customers', columns: ['best_order'], references: 'orders' }]);
	});

	it('defers a key that references its own table, and ignores tables outside the run', () => {
		const order = loadOrder([table('employees', [['manager_id', 'employees']]), table('notes', [['author', 'users']])]);
		expect(order.order).toEqual(['notes', 'employees']);
		expect(order.deferred).toEqual([{ table: 'employees', columns: ['manager_id'], references: 'employees' }]);
	});
});

describe('the live progress page', () => {
	const running: Progress = {
		migration: 'crm <2026>',
		state: 'running',
		startedAt: '2026-01-01T00:00:00.000Z',
		chunksDone: 3,
		chunksTotal: 10,
		rowsDone: 3000,
		rowsTotal: 10000,
		rowsPerSecond: 100,
		etaSeconds: 70,
		rejectedRows: 2,
		failedSteps: 1,
		lastError: 'server at 127.0.0.1:5432: <gone>',
		tables: { a: { chunksDone: 3, chunksTotal: 10, rowsDone: 3000, rowsTotal: 10000 } },
		timeline: speedTimeline('2026-01-01T00:00:00.000Z', [
			{ at: '2026-01-01T00:00:10.000Z', rows: 1000 },
			{ at: '2026-01-01T00:00:20.000Z', rows: 1000 },
			{ at: '2026-01-01T00:00:30.000Z', rows: 1000 },
		]),
	};

	it('rows per second in equal slices of the run, at most one per chunk done', () => {
		// Three chunks of 1,000 rows, 10 s apart: three slices of 10 s at 100 rows/s.
		expect(running.timeline).toEqual([
			{ at: '2026-01-01T00:00:10.000Z', rowsPerSecond: 100 },
			{ at: '2026-01-01T00:00:20.000Z', rowsPerSecond: 100 },
			{ at: '2026-01-01T00:00:30.000Z', rowsPerSecond: 100 },
		]);
		const many = Array.from({ length: 90 }, (_, i) => ({
			at: new Date(Date.UTC(2026, 0, 1, 0, 0, i + 1)).toISOString(),
			rows: 10,
		}));
		expect(speedTimeline('2026-01-01T00:00:00.000Z', many)).toHaveLength(30);
		expect(speedTimeline(undefined, [])).toEqual([]);
	});

	it('shows bars, figures, the chart and the last error, escaped, and reloads while running only', () => {
		const html = progressPage(running);
		expect(html).toContain('<meta http-equiv="refresh" content="5">');
		expect(html).toContain('<title>crm &lt;2026&gt;: running</title>');
		expect(html).toContain('style="width:30%"');
		expect(html).toContain('1 min 10 s');
		expect(html).toContain('server at 127.0.0.1:5432: &lt;gone&gt;');
		expect(html).toMatch(/<polyline [^>]*points="50,\d+ /);
		expect(html).not.toMatch(/<script/);
		expect(progressPage({ ...running, state: 'done', lastError: null })).not.toContain('http-equiv="refresh"');
	});
});
