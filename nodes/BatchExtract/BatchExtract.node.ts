import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { parseRange, planTableChunks } from '../../core/copy/chunks';
import { flattenRow } from '../../core/mapping/flatten';
import { systemParameter, type DatabaseSystem } from '../shared/connection';
import { MIGRATION_NAME, tableParameter } from '../shared/database-properties';
import { rowToItem } from '../shared/items';
import { databaseNodeMethods, withConnector } from '../shared/node-connector';
import { toNodeError } from '../shared/node-errors';

export class BatchExtract implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Batch Extract',
		name: 'batchExtract',
		icon: { light: 'file:batchExtract.svg', dark: 'file:batchExtract.dark.svg' },
		group: ['input'],
		version: 1,
		// Operations without a table show just their name, not "undefined".
		subtitle: '={{$parameter["operation"] + ($parameter["table"] ? ": " + $parameter["table"] : "")}}',
		description: 'Plan primary-key chunks of a table, or read one chunk as items',
		defaults: { name: 'Batch Extract' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
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
						name: 'Plan Chunks',
						value: 'plan',
						action: 'Plan chunks of a table',
						description: 'One item per primary-key range (never OFFSET)',
					},
					{
						name: 'Read Chunk',
						value: 'read',
						action: 'Read one chunk',
						description: 'The rows of one key range, one item per row',
					},
				],
				default: 'plan',
			},
			systemParameter('system', 'Source Database'),
			tableParameter('Table Name or ID', 'Source table (collection)'),
			{ ...MIGRATION_NAME, displayOptions: { show: { operation: ['plan'] } } },
			{
				displayName: 'Rows per Chunk',
				name: 'rowsPerChunk',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10000,
				description: 'Rows in each chunk; one chunk-worker execution handles one chunk, so memory stays O(chunk)',
				displayOptions: { show: { operation: ['plan'] } },
			},
			{
				displayName: 'Range',
				name: 'range',
				type: 'json',
				default: '={{ $json.range }}',
				description: 'The key range to read: the "range" of a Plan Chunks item',
				displayOptions: { show: { operation: ['read'] } },
			},
			{
				displayName: 'Flatten Nested Documents',
				name: 'flatten',
				type: 'boolean',
				default: false,
				description:
					'Whether nested objects (MongoDB subdocuments, JSON objects) become one column per leaf, e.g. address_city; arrays stay JSON. Set it alike in Map and Read Chunk.',
				displayOptions: { show: { operation: ['read'] } },
			},
			{
				displayName: 'Separator',
				name: 'separator',
				type: 'string',
				default: '_',
				displayOptions: { show: { operation: ['read'], flatten: [true] } },
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5000,
				description: 'Rows fetched per round trip while reading the chunk',
				displayOptions: { show: { operation: ['read'] } },
			},
		],
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const out: INodeExecutionData[] = [];
		await withConnector(this, system, async (source) => {
			for (let i = 0; i < items.length; i++) {
				try {
					const table = this.getNodeParameter('table', i) as string;
					if (operation === 'plan') {
						const migration = this.getNodeParameter('migration', i) as string;
						const rowsPerChunk = this.getNodeParameter('rowsPerChunk', i) as number;
						for (const chunk of await planTableChunks(source, migration, table, rowsPerChunk)) {
							out.push({ json: chunk as unknown as IDataObject, pairedItem: { item: i } });
						}
					} else {
						const range = parseRange(this.getNodeParameter('range', i));
						const batchSize = this.getNodeParameter('batchSize', i) as number;
						const separator = this.getNodeParameter('flatten', i, false)
							? (this.getNodeParameter('separator', i, '_') as string)
							: undefined;
						for await (const rows of source.read(table, range, { batchSize }))
							for (const row of rows) out.push(rowToItem(separator ? flattenRow(row, separator) : row, i));
					}
				} catch (error) {
					if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, i);
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				}
			}
		});
		return [out];
	}
}
