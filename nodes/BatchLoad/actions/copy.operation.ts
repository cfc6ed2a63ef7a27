import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { parseChunkRef, type PlannedChunk } from '../../../core/copy/chunks';
import { copyChunk, type ChunkResult } from '../../../core/copy/migrate';
import { inPool, type Settled } from '../../../core/copy/pool';
import { recordedLoadRules } from '../../../core/mapping/apply';
import { stepFromParameters, transformBatch, type StepParameters } from '../../../core/mapping/transform';
import { rejectedRowCount } from '../../../core/copy/row-check';
import type { DatabaseConnector, WriteMode } from '../../../core/ports';
import { audited } from '../../../core/report/progress';
import { SOURCE_CREDENTIAL_TYPE, systemParameter, type DatabaseSystem } from '../../shared/connection';
import { tableParameter, WRITE_MODE } from '../../shared/database-properties';
import { jsonParameter } from '../../shared/items';
import { withConnector } from '../../shared/node-connector';
import { describeError, toNodeError } from '../../shared/node-errors';
import type { Operation } from '../../shared/operations';
import { TRANSFORM_STEPS } from '../../Transform/actions/transform-steps';
import { leasedChunk } from '../../shared/chunk-lease';

export const COPY_OPERATION = 'copy';

/**
 * The fast path: each input chunk (a Plan Chunks item) streams from the source database into this
 * one, batch by batch, without an n8n item per row. Rows meet the same pipeline as Load (Transform
 * steps, row checks, rejects, the checkpoint with the last write), so a rerun skips done chunks.
 */
export const copy: Operation = {
	option: {
		name: 'Copy Chunk',
		value: COPY_OPERATION,
		action: 'Copy chunks from a source database',
		description:
			'Stream each input chunk from the source database into this one, without one item per row; one summary per chunk',
	},
	properties: [
		systemParameter('sourceSystem', 'Source Database'),
		tableParameter('Table Name or ID', 'Destination table (collection)'),
		{
			displayName: 'Chunk',
			name: 'chunk',
			type: 'json',
			default: '={{ $json }}',
			description:
				'The Plan Chunks item to copy (migration, table, range, shape): its table is read from the source, its range is checkpointed here',
		},
		WRITE_MODE,
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5000,
			description: 'Rows per read and per write; memory holds about (Read Ahead + 1) batches per chunk in flight',
		},
		{
			displayName: 'Read Ahead (Batches)',
			name: 'readAhead',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 8 },
			default: 1,
			description: 'Batches read from the source while one is written; 0 reads only between writes',
		},
		{
			displayName: 'Parallel Chunks',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 8 },
			default: 1,
			description:
				'Input chunks copied at once; a failed chunk does not stop the others, each keeps its own checkpoint',
		},
		{
			...TRANSFORM_STEPS,
			description:
				'Applied to every row, batch by batch, as the Transform node does; a Compute value is evaluated once per chunk (for per-row expressions use rows as items: Read Chunk → Transform → Load)',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const sourceSystem = this.getNodeParameter('sourceSystem', 0) as DatabaseSystem;
		const concurrency = Math.max(1, Number(this.getNodeParameter('concurrency', 0, 1)) || 1);
		return withConnector(this, system, (destination) =>
			withConnector(
				this,
				sourceSystem,
				async (source) => {
					const settled = await inPool(items.length, concurrency, (i) => copyItem(this, source, destination, i));
					return collect(this, items, settled);
				},
				SOURCE_CREDENTIAL_TYPE[sourceSystem],
			),
		);
	},
};

type Copied = { summary: IDataObject; result: ChunkResult };

async function copyItem(
	context: IExecuteFunctions,
	source: DatabaseConnector,
	destination: DatabaseConnector,
	i: number,
): Promise<Copied> {
	const chunkItem = jsonParameter(context.getNodeParameter('chunk', i)) as Partial<PlannedChunk>;
	const chunk = parseChunkRef(chunkItem);
	const table = (context.getNodeParameter('table', i) as string) || chunk.table;
	const { children, ...rules } = await recordedLoadRules(destination, table, {
		childTables: Boolean(chunkItem.shape?.childTables),
	});
	const steps = ((context.getNodeParameter('steps.step', i, []) as StepParameters[]) ?? []).map(stepFromParameters);
	// The source's key names a row a step refuses; no step, no introspection.
	const primaryKey = steps.length ? (await source.introspect([chunk.table]))[0].primaryKey : [];
	const { value: result, lease } = await leasedChunk(context, destination, chunkItem, () =>
		audited(
			destination,
			{ migration: chunk.run, step: 'Load Chunk', table: chunk.table, chunk: chunkItem.chunk },
			() =>
				copyChunk(source, destination, chunk, {
					destinationTable: table,
					mode: context.getNodeParameter('mode', i) as WriteMode,
					batchSize: context.getNodeParameter('batchSize', i) as number,
					readAhead: context.getNodeParameter('readAhead', i, 1) as number,
					flatten: chunkItem.shape?.flatten || undefined,
					steps: steps.length ? [transformBatch(steps, table, primaryKey)] : [],
					rules: { ...rules, children },
				}),
			(r) => ({ rows: r.written, outcome: r.skipped ? 'skipped' : 'success' }),
		),
	);
	const identity = {
		migration: chunk.run,
		sourceTable: chunk.table,
		chunk: chunkItem.chunk ?? null,
		range: chunk.position as IDataObject,
	};
	// Another worker holds this chunk's lease (sent twice): it copies it, this one writes nothing.
	if (!result) return { summary: { table, written: 0, ...lease, ...identity }, result: NOTHING(table) };
	const summary: IDataObject = {
		table,
		rows: result.written + rejectedRowCount(result.rejected),
		written: result.written,
		rejected: rejectedRowCount(result.rejected),
		nulled: result.rejected.filter((r) => r.action === 'nulled').length,
		skippedAsDone: result.skipped,
		batches: result.batches,
		// "native": the engine's own bulk format end to end; "rows": the row pipeline (checks, rejects, steps).
		path: result.path,
		...(children ? { childRows: result.childRows } : {}),
		...lease,
		...identity,
	};
	return { summary, result };
}

const NOTHING = (table: string): ChunkResult => ({
	table,
	rows: 0,
	written: 0,
	rejected: [],
	skipped: true,
	childRows: {},
	batches: 0,
	path: 'rows',
});

/** Every chunk's outcome; with Continue On Fail a failed chunk is an `{ error }` item, else the first failure throws after the others finished. */
function collect(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	settled: Settled<Copied>[],
): INodeExecutionData[][] {
	const loaded: INodeExecutionData[] = [];
	const rejects: INodeExecutionData[] = [];
	for (const [i, outcome] of settled.entries()) {
		if (outcome.ok) {
			loaded.push({ json: outcome.value.summary, pairedItem: { item: i } });
			for (const r of outcome.value.result.rejected)
				rejects.push({ json: r as unknown as IDataObject, pairedItem: { item: i } });
		} else if (context.continueOnFail()) {
			const chunk = jsonParameter(context.getNodeParameter('chunk', i, {})) as IDataObject;
			loaded.push({
				json: { ...chunk, error: describeError(outcome.error).message },
				pairedItem: { item: i },
			});
		} else {
			throw toNodeError(context.getNode(), outcome.error, i);
		}
	}
	return [loaded, rejects];
}
