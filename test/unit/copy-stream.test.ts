import { copyChunk } from '../../core/copy/migrate';
import { inPool } from '../../core/copy/pool';
import { readAhead } from '../../core/copy/read-ahead';
import { transformBatch } from '../../core/mapping/transform';
import type { Row, TableSchema } from '../../core/model/schema';
import { MemoryConnector } from '../helpers/memory-connector';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A source whose every next() is recorded and resolved by the test. */
function manualSource(batches: number) {
	const log: string[] = [];
	let produced = 0;
	let returned = false;
	const source: AsyncIterable<number> = {
		[Symbol.asyncIterator]: () => ({
			next: async () => {
				log.push(`read ${produced}`);
				await tick();
				if (produced === batches) return { done: true, value: undefined };
				return { done: false, value: produced++ };
			},
			return: async () => {
				returned = true;
				return { done: true, value: undefined };
			},
		}),
	};
	return { source, log, returned: () => returned };
}

describe('read ahead', () => {
	it('asks for the next batch before the consumer is done with this one', async () => {
		const { source, log } = manualSource(3);
		const seen: number[] = [];
		for await (const batch of readAhead(source, 1)) {
			log.push(`write ${batch} starts`);
			await tick();
			await tick();
			seen.push(batch);
		}
		expect(seen).toEqual([0, 1, 2]);
		// Batch 1 is being read while batch 0 is written.
		expect(log.indexOf('read 1')).toBeLessThan(log.indexOf('write 0 starts') + 1);
		expect(log.slice(0, 3)).toEqual(['read 0', 'read 1', 'write 0 starts']);
	});

	it('keeps at most depth batches in flight, and with depth 0 reads only between writes', async () => {
		const { source, log } = manualSource(4);
		for await (const batch of readAhead(source, 0)) log.push(`write ${batch}`);
		expect(log).toEqual(['read 0', 'write 0', 'read 1', 'write 1', 'read 2', 'write 2', 'read 3', 'write 3', 'read 4']);
	});

	it('ends the source when the consumer stops early', async () => {
		const { source, returned } = manualSource(10);
		for await (const batch of readAhead(source, 2)) if (batch === 1) break;
		expect(returned()).toBe(true);
	});

	it('surfaces a read error at its batch, after the batches before it', async () => {
		async function* failing() {
			yield 1;
			throw new Error('connection lost');
		}
		const seen: number[] = [];
		await expect(
			(async () => {
				for await (const batch of readAhead(failing(), 1)) seen.push(batch);
			})(),
		).rejects.toThrow('connection lost');
		expect(seen).toEqual([1]);
	});
});

describe('parallel chunks (inPool)', () => {
	it('runs at most `limit` at once, and a failure does not stop the others', async () => {
		let running = 0;
		let peak = 0;
		const settled = await inPool(7, 3, async (i) => {
			running++;
			peak = Math.max(peak, running);
			await tick();
			running--;
			if (i === 2) throw new Error('chunk 2 failed');
			return i * 10;
		});
		expect(peak).toBe(3);
		expect(settled.map((s) => (s.ok ? s.value : 'failed'))).toEqual([0, 10, 'failed', 30, 40, 50, 60]);
	});
});

describe('Transform steps over a batch', () => {
	it('transforms the rows and names a refused row by its key', () => {
		const step = transformBatch(
			[
				{ action: 'rename', field: 'name', to: 'full_name' },
				{ action: 'cast', field: 'age', type: 'int16' },
			],
			'people',
			['id'],
		);
		expect(
			step([
				{ id: '1', name: 'Ada', age: '36' },
				{ id: '2', name: 'Bob', age: '1.5' },
			]),
		).toEqual({
			rows: [{ id: '1', full_name: 'Ada', age: 36 }],
			rejected: [expect.objectContaining({ table: 'people', key: ['2'], column: 'age', value: '1.5' })],
		});
	});
});

const schema: TableSchema = {
	name: 'items',
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'v', nativeType: '', logical: 'string', nullable: true },
		{ name: 'meta_color', nativeType: '', logical: 'string', nullable: true },
	],
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
};

describe('streamed chunk copy', () => {
	it('flattens, transforms, rejects and checkpoints in one pass; a rerun skips the chunk', async () => {
		const src = new MemoryConnector();
		await src.createTable({ ...schema, columns: schema.columns.slice(0, 2) });
		const rows: Row[] = Array.from({ length: 250 }, (_, i) => ({
			id: String(i + 1),
			v: i === 99 ? 'drop me' : `v${i}`,
			meta: { color: i % 2 ? 'red' : 'blue' },
		}));
		await src.write('items', rows, { mode: 'insert' });
		const dst = new MemoryConnector();
		await dst.createTable(schema);
		const refuse = (batch: Row[]) => ({
			rows: batch.filter((r) => r.v !== 'drop me'),
			rejected: batch
				.filter((r) => r.v === 'drop me')
				.map((r) => ({ table: 'items', key: [r.id], column: 'v', value: 'drop me', reason: 'refused by the test' })),
		});
		const chunk = { run: 'r', table: 'items', position: {} };
		const options = { batchSize: 40, mode: 'upsert' as const, flatten: '_', steps: [refuse], readAhead: 2 };
		const result = await copyChunk(src, dst, chunk, options);
		expect(result).toMatchObject({ rows: 249, written: 249, skipped: false, batches: 7 });
		expect(result.rejected).toHaveLength(1);
		expect(await dst.count('items')).toBe(249);
		const [first] = await (async () => {
			for await (const batch of dst.read('items', {}, { batchSize: 1 })) return batch;
			return [];
		})();
		expect(first).toEqual({ id: '1', v: 'v0', meta_color: 'blue' });
		expect(await copyChunk(src, dst, chunk, options)).toMatchObject({ skipped: true, written: 0 });
	});
});
