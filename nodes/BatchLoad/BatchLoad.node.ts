import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { chunkKey, parseChunkRef, type PlannedChunk } from '../../core/copy/chunks';
import { audited, clearStaleCheckpoints, recordPlan } from '../../core/report/progress';
import type { ChildTable } from '../../core/mapping/child-tables';
import type { DatabaseConnector, WriteMode } from '../../core/ports';
import { SchemaError } from '../../core/model/errors';
import { loadRows } from '../../core/copy/load';
import { type TableMapping } from '../../core/mapping/mapping';
import { systemParameter, type DatabaseSystem } from '../shared/connection';
import { tableParameter } from '../shared/database-properties';
import { itemToRow } from '../shared/items';
import { databaseNodeMethods, withConnector } from '../shared/node-connector';
import { failedItems, toNodeError } from '../shared/node-errors';
import { CHUNK_NAMESPACE, MAPPING_NAMESPACE } from '../../core/state/namespaces';

export class BatchLoad implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Batch Load',
		name: 'batchLoad',
		icon: { light: 'file:batchLoad.svg', dark: 'file:batchLoad.dark.svg' },
		group: ['output'],
		version: 1,
		// Operations without a table show just their name, not "undefined".
		subtitle: '={{$parameter["operation"] + ($parameter["table"] ? ": " + $parameter["table"] : "")}}',
		description: 'Write items in bulk (insert or upsert), reject bad rows with reasons, and checkpoint the chunk',
		defaults: { name: 'Batch Load' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Loaded', 'Rejected'],
		usableAsTool: true,
		credentials: [
			{
				name: 'migrationPostgresApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { system: ['postgres'] } },
			},
			{
				name: 'migrationMySqlApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { system: ['mysql'] } },
			},
			{
				name: 'migrationMongoDbApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { system: ['mongodb'] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Load',
						value: 'load',
						action: 'Load rows',
						description:
							'Write every input item as a row; one summary item, and one item per rejected row on the second output',
					},
					{
						name: 'Skip Done Chunks',
						value: 'skipDone',
						action: 'Skip chunks already loaded',
						description: 'Pass on only the Plan Chunks items whose checkpoint is not in the destination yet',
					},
				],
				default: 'load',
			},
			systemParameter('system', 'Destination Database'),
			tableParameter('Table Name or ID', 'Destination table (collection)', { operation: ['load'] }),
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Upsert', value: 'upsert', description: 'Insert or replace by primary key: safe to rerun' },
					{ name: 'Insert', value: 'insert', description: 'Plain insert: a key already present is rejected' },
				],
				default: 'upsert',
				displayOptions: { show: { operation: ['load'] } },
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5000,
				description: 'Rows per write (COPY on PostgreSQL, multi-row INSERT on MySQL, bulk write on MongoDB)',
				displayOptions: { show: { operation: ['load'] } },
			},
			{
				displayName: 'Arrays',
				name: 'arrays',
				type: 'options',
				options: [
					{ name: 'As Given', value: 'asGiven', description: 'Write array fields into the table as they are (JSON)' },
					{
						name: 'To Child Tables',
						value: 'childTables',
						description:
							'Write array fields to the child tables Schema Mapper designed (Map with Arrays: Child Tables, then Apply DDL here)',
					},
				],
				default: 'asGiven',
				displayOptions: { show: { operation: ['load'] } },
			},
			{
				displayName: 'Record Chunk as Done',
				name: 'recordChunk',
				type: 'boolean',
				default: true,
				description: 'Whether to store the chunk checkpoint with the last write, so a rerun skips this chunk',
				displayOptions: { show: { operation: ['load'] } },
			},
			{
				displayName: 'Chunk',
				name: 'chunk',
				type: 'json',
				default: '={{ $("When Executed by Another Workflow").first().json }}',
				description: 'The Plan Chunks item these rows belong to (migration, table, range)',
				displayOptions: { show: { operation: ['load'], recordChunk: [true] } },
			},
		],
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		try {
			return await withConnector(this, system, async (destination) => {
				if (operation === 'skipDone') {
					const pending: INodeExecutionData[] = [];
					// The plan as first seen, per run: live progress and the report measure against it.
					const runs = new Map<string, PlannedChunk[]>();
					for (const item of items) {
						const chunk = item.json as unknown as PlannedChunk;
						if (typeof chunk.migration === 'string' && typeof chunk.chunks === 'number')
							runs.set(chunk.migration, [...(runs.get(chunk.migration) ?? []), chunk]);
					}
					for (const [migration, chunks] of runs) {
						await recordPlan(destination, migration, chunks);
						await clearStaleCheckpoints(destination, migration, [...new Set(chunks.map((c) => c.table))]);
					}
					for (const [i, item] of items.entries()) {
						const ref = parseChunkRef(item.json);
						if (!(await destination.state.get(CHUNK_NAMESPACE, chunkKey(ref))))
							pending.push({ json: item.json, pairedItem: { item: i } });
					}
					return [pending, []];
				}
				const table = this.getNodeParameter('table', 0) as string;
				const chunk = this.getNodeParameter('recordChunk', 0)
					? parseChunkRef(this.getNodeParameter('chunk', 0))
					: undefined;
				// An empty chunk arrives as one item without fields (the reader's "always output data").
				const children =
					this.getNodeParameter('arrays', 0, 'asGiven') === 'childTables'
						? await recordedChildTables(destination, table)
						: undefined;
				const rows = items.filter((item) => Object.keys(item.json).length > 0).map(itemToRow);
				const load = () =>
					loadRows(destination, rows, {
						table,
						chunk,
						mode: this.getNodeParameter('mode', 0) as WriteMode,
						batchSize: this.getNodeParameter('batchSize', 0) as number,
						children,
					});
				const chunkItem = chunk ? (parseJson(this.getNodeParameter('chunk', 0)) as Partial<PlannedChunk>) : undefined;
				const result = chunk
					? await audited(
							destination,
							{ migration: chunk.run, step: 'Load Chunk', table: chunk.table, chunk: chunkItem?.chunk },
							load,
							(r) => ({
								rows: r.written,
								outcome: r.skipped ? 'skipped' : 'success',
							}),
						)
					: await load();
				const summary: IDataObject = {
					table,
					rows: rows.length,
					written: result.written,
					rejected: result.rejected.length,
					skippedAsDone: result.skipped,
					...(children ? { childRows: result.childRows } : {}),
					...(chunk ? { migration: chunk.run, sourceTable: chunk.table, range: chunk.position as IDataObject } : {}),
				};
				const rejects = result.rejected.map((r) => ({ json: r as unknown as IDataObject, pairedItem: { item: 0 } }));
				return [[{ json: summary, pairedItem: { item: 0 } }], rejects];
			});
		} catch (error) {
			// Continue On Fail (and the error output): every input item fails with the reason, and n8n routes them.
			if (this.continueOnFail()) return [failedItems(items, error), []];
			throw toNodeError(this.getNode(), error);
		}
	}
}

async function recordedChildTables(destination: DatabaseConnector, table: string): Promise<ChildTable[]> {
	const mapping = await destination.state.get<TableMapping>(MAPPING_NAMESPACE, table);
	if (!mapping?.children?.length)
		throw new SchemaError(
			'SCHEMA_ERROR',
			`No child tables are recorded for ${table}: run Schema Mapper Map with Arrays "Child Tables", then Apply DDL on this database`,
			{ table },
		);
	return mapping.children;
}

function parseJson(value: unknown): unknown {
	return typeof value === 'string' ? JSON.parse(value) : value;
}
