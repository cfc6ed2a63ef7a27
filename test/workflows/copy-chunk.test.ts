import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';
import { withMysql, withPostgres } from '../helpers/native';

const TABLE = 'dm_wf_copy_par';
const ROWS = 4000;
const FAILING_KEY = 1200; // in chunk 3 of 8 ranges of 500

const credentials = {
	migrationMySqlApi: { ...mysqlSettings },
	// The source slot of Copy Chunk is its own type; the destination is the plain PostgreSQL type.
	migrationMySqlSourceApi: { ...mysqlSettings },
	migrationPostgresApi: { ...postgresSettings, schema: 'public' },
};

const position = (x: number): [number, number] => [x, 0];
/** Plan Chunks on MariaDB → Batch Load's Copy Chunk into PostgreSQL, chunks in parallel. */
function copyWorkflow(migration: string, concurrency: number): WorkflowJson {
	return {
		id: 'copyChunkPar001',
		name: 'Copy chunks in parallel',
		nodes: [
			{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: position(0), parameters: {} },
			{
				id: '2',
				name: 'Plan Chunks',
				type: 'n8n-nodes-data-migration.batchExtract',
				typeVersion: 1,
				position: position(200),
				parameters: { operation: 'plan', system: 'mysql', table: TABLE, migration, rowsPerChunk: 500 },
				credentials: { migrationMySqlApi: { id: 'my', name: 'MariaDB' } },
			},
			{
				id: '3',
				name: 'Copy Chunk',
				type: 'n8n-nodes-data-migration.batchLoad',
				typeVersion: 1,
				position: position(400),
				parameters: { operation: 'copy', system: 'postgres', sourceSystem: 'mysql', table: TABLE, chunk: '={{ $json }}', mode: 'upsert', batchSize: 300, readAhead: 2, concurrency },
				credentials: { migrationPostgresApi: { id: 'pg', name: 'PostgreSQL' }, migrationMySqlSourceApi: { id: 'mysrc', name: 'MariaDB (copy)' } },
				onError: 'continueRegularOutput',
			},
		],
		connections: {
			Start: { main: [[{ node: 'Plan Chunks', type: 'main' as const, index: 0 }]] },
			'Plan Chunks': { main: [[{ node: 'Copy Chunk', type: 'main' as const, index: 0 }]] },
		},
	};
}

describe('Batch Load Copy Chunk, chunks in parallel (MariaDB → PostgreSQL)', () => {
	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${TABLE}`);
			await q(`CREATE TABLE ${TABLE} (id BIGINT PRIMARY KEY, label VARCHAR(40), amount DECIMAL(12,2))`);
			await q(`INSERT INTO ${TABLE} SELECT seq, CONCAT('row ', seq), seq / 7 FROM seq_1_to_${ROWS}`);
		});
		await withPostgres(async (q) => {
			await q(`DROP TABLE IF EXISTS public.${TABLE}`);
			await q(`CREATE TABLE public.${TABLE} (id bigint PRIMARY KEY, label varchar(40), amount numeric(12,2))`);
			await q(`CREATE OR REPLACE FUNCTION public.dm_copy_injected() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
			await q(`CREATE TRIGGER ${TABLE}_fail BEFORE INSERT ON public.${TABLE} FOR EACH ROW WHEN (NEW.id = ${FAILING_KEY}) EXECUTE FUNCTION public.dm_copy_injected()`);
		});
	});
	afterAll(() => shutdownEngine());

	it('copies 8 chunks at once; the failing chunk does not stop the others, and a rerun copies only it: 0 lost, 0 duplicated', async () => {
		const migration = `copy-par-${Date.now()}`;
		const first = await runWorkflow(copyWorkflow(migration, 8), { credentials });
		const out = first.output('Copy Chunk');
		// Eight ranges of 500 and the open end (rows added after the plan land there).
		expect(out).toHaveLength(9);
		const failed = out.filter((item) => item.error);
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatchObject({ chunk: 3, table: TABLE, error: expect.stringContaining('injected failure') });
		const copied = (chunk: number) => (chunk === 9 ? 0 : 500);
		expect(out.filter((item) => !item.error).map((item) => [item.chunk, item.written, item.skippedAsDone])).toEqual(
			[1, 2, 4, 5, 6, 7, 8, 9].map((chunk) => [chunk, copied(chunk), false]),
		);
		// They ran at once: chunk 1's copy overlaps others in the audit log.
		const spans = await withPostgres((q) =>
			q(`SELECT (value->>'chunk')::int AS chunk, (value->>'at')::timestamptz - ((value->>'durationMs') || ' ms')::interval AS started, (value->>'at')::timestamptz AS ended FROM public._dm_state WHERE namespace = 'audit' AND key LIKE $1 AND value->>'step' = 'Load Chunk'`, [`${migration}/%`]),
		);
		const times = spans.map((span) => ({ chunk: span.chunk, started: Number(span.started as Date), ended: Number(span.ended as Date) }));
		const one = times.find((span) => span.chunk === 1)!;
		expect(times.filter((span) => span.chunk !== 1 && span.started < one.ended && span.ended > one.started).length).toBeGreaterThanOrEqual(3);
		const [{ checkpoints }] = await withPostgres((q) =>
			q(`SELECT count(*)::int AS checkpoints FROM public._dm_state WHERE namespace = 'chunks' AND key LIKE $1`, [`${migration}/%`]),
		);
		// The failed chunk has no checkpoint: it rides on a chunk's last write, which never landed.
		expect(checkpoints).toBe(8);

		await withPostgres((q) => q(`DROP TRIGGER ${TABLE}_fail ON public.${TABLE}`));
		const rerun = await runWorkflow(copyWorkflow(migration, 8), { credentials });
		expect(rerun.output('Copy Chunk').map((item) => [item.chunk, item.skippedAsDone, item.written])).toEqual(
			[1, 2, 3, 4, 5, 6, 7, 8, 9].map((chunk) => (chunk === 3 ? [3, false, 500] : [chunk, true, 0])),
		);
		const [check] = await withPostgres((q) =>
			q(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS keys, min(id)::int AS lo, max(id)::int AS hi, sum(amount)::text AS total FROM public.${TABLE}`),
		);
		const [source] = await withMysql((q) => q(`SELECT CAST(SUM(amount) AS CHAR) AS total FROM ${TABLE}`));
		expect(check).toEqual({ n: ROWS, keys: ROWS, lo: 1, hi: ROWS, total: source.total });
	});
});

describe('Batch Load Copy Chunk with Transform steps (MariaDB → PostgreSQL)', () => {
	const STEPS_TABLE = 'dm_wf_copy_steps';
	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${STEPS_TABLE}`);
			await q(`CREATE TABLE ${STEPS_TABLE} (id BIGINT PRIMARY KEY, label VARCHAR(40), code VARCHAR(10))`);
			await q(`INSERT INTO ${STEPS_TABLE} SELECT seq, CONCAT('row ', seq), IF(seq = 777, 'x9', CAST(seq * 3 AS CHAR)) FROM seq_1_to_2000`);
		});
		await withPostgres((q) =>
			q(`DROP TABLE IF EXISTS public.${STEPS_TABLE}; CREATE TABLE public.${STEPS_TABLE} (id bigint PRIMARY KEY, title varchar(40), code integer)`),
		);
	});
	afterAll(() => shutdownEngine());

	it('renames and casts batch by batch; the row a cast refuses is on Rejected, named by key, the rest land', async () => {
		const workflow = copyWorkflow(`copy-steps-${Date.now()}`, 2);
		const plan = workflow.nodes.find((n) => n.name === 'Plan Chunks')!;
		plan.parameters = { ...plan.parameters, table: STEPS_TABLE, rowsPerChunk: 600 };
		const copy = workflow.nodes.find((n) => n.name === 'Copy Chunk')!;
		copy.parameters = {
			...copy.parameters,
			table: STEPS_TABLE,
			steps: {
				step: [
					{ action: 'rename', field: 'label', to: 'title' },
					{ action: 'cast', field: 'code', type: 'int32' },
				],
			},
		};
		const result = await runWorkflow(workflow, { credentials });
		expect(result.error).toBeUndefined();
		const summaries = result.output('Copy Chunk');
		expect(summaries.reduce((n, s) => n + Number(s.written), 0)).toBe(1999);
		expect(summaries.every((s) => s.path === 'rows')).toBe(true);
		expect(result.output('Copy Chunk', 1)).toEqual([
			expect.objectContaining({ table: STEPS_TABLE, key: ['777'], column: 'code', value: 'x9' }),
		]);
		const rows = await withPostgres((q) =>
			q(`SELECT count(*)::int AS n, sum(code)::int AS total, min(title) AS first FROM public.${STEPS_TABLE}`),
		);
		expect(rows).toEqual([{ n: 1999, total: (2000 * 2001 * 3) / 2 - 777 * 3, first: 'row 1' }]);
	});
});
