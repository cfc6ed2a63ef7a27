import { planTableChunks } from '../../../core/copy/chunks';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME, tableParameter } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';

export const plan: Operation = {
	option: {
		name: 'Plan Chunks',
		value: 'plan',
		action: 'Plan chunks of a table',
		description: 'One item per primary-key range (never OFFSET)',
	},
	properties: [
		tableParameter('Table Name or ID', 'Source table (collection)'),
		MIGRATION_NAME,
		{
			displayName: 'Rows per Chunk',
			name: 'rowsPerChunk',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10000,
			description: 'Rows in each chunk; one chunk-worker execution handles one chunk, so memory stays O(chunk)',
		},
		{
			displayName: 'Flatten Nested Documents',
			name: 'flatten',
			type: 'boolean',
			default: false,
			description:
				'Whether the chunk worker flattens rows as Map did: carried on each chunk item (shape.flatten), so Read Chunk needs no setting of its own',
		},
		{
			displayName: 'Separator',
			name: 'separator',
			type: 'string',
			default: '_',
			displayOptions: { show: { flatten: [true] } },
		},
		{
			displayName: 'Arrays to Child Tables',
			name: 'childTables',
			type: 'boolean',
			default: false,
			description: 'Whether Map designed child tables: carried on each chunk item (shape.childTables) for Load Chunk',
		},
		{
			displayName: 'Rows as Items',
			name: 'rowsAsItems',
			type: 'boolean',
			default: false,
			description:
				"Whether the chunk worker sends every row through n8n as an item (Read Chunk → Load Chunk), so n8n's own nodes can sit between them; off, Copy Chunk streams the chunk in one step (faster, memory O(batch)). Carried on each chunk item (shape.rowsAsItems).",
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await withConnector(this, system, (source) =>
				eachItem(this, items, async (i) => {
					const chunks = await planTableChunks(
						source,
						this.getNodeParameter('migration', i) as string,
						this.getNodeParameter('table', i) as string,
						this.getNodeParameter('rowsPerChunk', i) as number,
						{
							flatten: this.getNodeParameter('flatten', i, false)
								? (this.getNodeParameter('separator', i, '_') as string)
								: undefined,
							childTables: this.getNodeParameter('childTables', i, false) as boolean,
							rowsAsItems: this.getNodeParameter('rowsAsItems', i, false) as boolean,
						},
					);
					return paired(chunks, i);
				}),
			),
		];
	},
};
