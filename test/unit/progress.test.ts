import { auditLog, clearStaleCheckpoints, recordPlan, runProgress } from '../../core/report/progress';
import { MemoryConnector } from '../helpers/memory-connector';
import { CHUNK_NAMESPACE } from '../../core/state/namespaces';

const table = {
	name: 't',
	columns: [{ name: 'id', nativeType: '', logical: 'int64' as const, nullable: false }],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

describe('run progress and stale checkpoints', () => {
	it('measures chunks and rows against the recorded plan', async () => {
		const destination = new MemoryConnector();
		await recordPlan(destination, 'm', [{ table: 't', chunks: 4, tableRows: 400 }]);
		await destination.state.set(CHUNK_NAMESPACE, 'm/t/{"upTo":["100"]}', { rows: 100, rejectedCount: 2, at: '' });
		const progress = await runProgress(destination, 'm', new Date(Date.now() + 10_000));
		expect(progress).toMatchObject({
			state: 'running',
			chunksDone: 1,
			chunksTotal: 4,
			rowsDone: 100,
			rowsTotal: 400,
			rejectedRows: 2,
		});
		expect(progress.rowsPerSecond).toBeGreaterThan(0);
		expect(progress.etaSeconds).toBeGreaterThan(0);
	});

	it('forgets the checkpoints of a table that is empty now, and only then', async () => {
		const destination = new MemoryConnector();
		await destination.createTable(table);
		await destination.state.set(CHUNK_NAMESPACE, 'm/t/{"upTo":["100"]}', { rows: 100, at: '' });
		await destination.write('t', [{ id: '1' }], { mode: 'insert' });
		expect(await clearStaleCheckpoints(destination, 'm', ['t'])).toBe(0);
		await destination.dropTable('t');
		await destination.createTable(table);
		expect(await clearStaleCheckpoints(destination, 'm', ['t'])).toBe(1);
		expect(await destination.state.list(CHUNK_NAMESPACE)).toEqual([]);
		expect((await auditLog(destination, 'm')).map((e) => e.step)).toEqual(['Clear Stale Checkpoints']);
	});
});
