import { copyChunk, migrateTable } from '../../core/copy/migrate';
import type { Row, TableSchema } from '../../core/model/schema';
import { MemoryConnector } from '../helpers/memory-connector';

const schema: TableSchema = {
	name: 'items',
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'v', nativeType: '', logical: 'string', nullable: true },
	],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

async function source(count: number) {
	const connector = new MemoryConnector();
	await connector.createTable(schema);
	const rows: Row[] = Array.from({ length: count }, (_, i) => ({ id: String(i * 2 + 1), v: `v${i}` }));
	await connector.write('items', rows, { mode: 'insert' });
	return connector;
}

describe('chunked copy with checkpoints', () => {
	it('copies every row once and checkpoints each chunk with its last batch', async () => {
		const src = await source(1000);
		const dst = new MemoryConnector();
		const result = await migrateTable(src, dst, 'items', { run: 'r1', rowsPerChunk: 300, batchSize: 70 });
		expect(result).toMatchObject({ rows: 1000, chunks: 4, chunksSkipped: 0, matches: true });
		expect(await dst.state.list('chunks')).toHaveLength(4);
	});

	it('after a crash mid-chunk, a rerun skips finished chunks and rewrites the cut one: 0 lost, 0 duplicated', async () => {
		const src = await source(1000);
		const dst = new MemoryConnector();
		dst.failOnWrite = 9; // chunk 2 of 4 has 5 batches of 70: crash in its middle
		await expect(migrateTable(src, dst, 'items', { run: 'r2', rowsPerChunk: 300, batchSize: 70 })).rejects.toThrow(
			/simulated crash/,
		);
		const partial = await dst.count('items');
		expect(partial).toBeGreaterThan(300);
		expect(await dst.state.list('chunks')).toHaveLength(1);
		dst.failOnWrite = undefined;
		const rerun = await migrateTable(src, dst, 'items', { run: 'r2', rowsPerChunk: 300, batchSize: 70 });
		expect(rerun).toMatchObject({ chunksSkipped: 1, matches: true });
		expect(await dst.count('items')).toBe(1000);
	});

	it('an empty range still records its checkpoint', async () => {
		const src = await source(0);
		const dst = new MemoryConnector();
		await dst.createTable(schema);
		expect(
			await copyChunk(src, dst, { run: 'r3', table: 'items', position: {} }, { batchSize: 10, mode: 'upsert' }),
		).toMatchObject({ rows: 0, skipped: false, batches: 0 });
		expect(
			await copyChunk(src, dst, { run: 'r3', table: 'items', position: {} }, { batchSize: 10, mode: 'upsert' }),
		).toMatchObject({ skipped: true });
	});
});
