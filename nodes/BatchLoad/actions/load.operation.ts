import type { IDataObject } from 'n8n-workflow';
import { parseChunkRef, type PlannedChunk } from '../../../core/copy/chunks';
import { loadRows } from '../../../core/copy/load';
import { recordedLoadRules } from '../../../core/mapping/apply';
import { rejectedRowCount } from '../../../core/copy/row-check';
import type { WriteMode } from '../../../core/ports';
import { audited } from '../../../core/report/progress';
import type { DatabaseSystem } from '../../shared/connection';
import { tableParameter, WRITE_MODE, arraysParameter } from '../../shared/database-properties';
import { itemToRow, jsonParameter } from '../../shared/items';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';
import { leasedChunk } from '../../shared/chunk-lease';

export const load: Operation = {
	option: {
		name: 'Load',
		value: 'load',
		action: 'Load rows',
		description:
			'Write every input item as a row; one summary item, and one item per rejected row on the second output',
	},
	properties: [
		tableParameter('Table Name or ID', 'Destination table (collection)'),
		WRITE_MODE,
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5000,
			description: 'Rows per write (COPY on PostgreSQL, multi-row INSERT on MySQL, bulk write on MongoDB)',
		},
		arraysParameter('Map with Arrays: Child Tables, then Apply DDL here'),
		{
			displayName: 'Record Chunk as Done',
			name: 'recordChunk',
			type: 'boolean',
			default: true,
			description: 'Whether to store the chunk checkpoint with the last write, so a rerun skips this chunk',
		},
		{
			displayName: 'Chunk',
			name: 'chunk',
			type: 'json',
			default: '={{ $("When Executed by Another Workflow").first().json }}',
			description: 'The Plan Chunks item these rows belong to (migration, table, range)',
			displayOptions: { show: { recordChunk: [true] } },
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return withConnector(this, system, async (destination) => {
			const table = this.getNodeParameter('table', 0) as string;
			const chunk = this.getNodeParameter('recordChunk', 0)
				? parseChunkRef(this.getNodeParameter('chunk', 0))
				: undefined;
			const { children, ...rules } = await recordedLoadRules(destination, table, {
				childTables: this.getNodeParameter('arrays', 0, 'asGiven') === 'childTables',
			});
			// An empty chunk arrives as one item without fields (the reader's "always output data").
			const rows = items.filter((item) => Object.keys(item.json).length > 0).map(itemToRow);
			const write = () =>
				loadRows(destination, rows, {
					table,
					chunk,
					mode: this.getNodeParameter('mode', 0) as WriteMode,
					batchSize: this.getNodeParameter('batchSize', 0) as number,
					children,
					...rules,
				});
			const chunkItem = chunk ? (jsonParameter(this.getNodeParameter('chunk', 0)) as Partial<PlannedChunk>) : undefined;
			const audit = () =>
				audited(
					destination,
					{ migration: chunk!.run, step: 'Load Chunk', table: chunk!.table, chunk: chunkItem?.chunk },
					write,
					(r) => ({
						rows: r.written,
						outcome: r.skipped ? 'skipped' : 'success',
					}),
				);
			const { value: result, lease } = chunk
				? await leasedChunk(this, destination, chunkItem!, audit)
				: { value: await write(), lease: {} };
			const identity = chunk
				? { migration: chunk.run, sourceTable: chunk.table, range: chunk.position as IDataObject }
				: {};
			// Another worker holds this chunk's lease (sent twice): it loads it, this one writes nothing.
			if (!result) return [[{ json: { table, written: 0, ...lease, ...identity }, pairedItem: { item: 0 } }], []];
			const summary: IDataObject = {
				table,
				rows: rows.length,
				written: result.written,
				rejected: rejectedRowCount(result.rejected),
				nulled: result.rejected.filter((r) => r.action === 'nulled').length,
				skippedAsDone: result.skipped,
				...(children ? { childRows: result.childRows } : {}),
				...lease,
				...identity,
			};
			const rejects = result.rejected.map((r) => ({ json: r as unknown as IDataObject, pairedItem: { item: 0 } }));
			return [[{ json: summary, pairedItem: { item: 0 } }], rejects];
		});
	},
};
