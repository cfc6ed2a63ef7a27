import { parseRange } from '../../../core/copy/chunks';
import { flattenRow } from '../../../core/mapping/flatten';
import type { DatabaseSystem } from '../../shared/connection';
import { tableParameter } from '../../shared/database-properties';
import { rowToItem } from '../../shared/items';
import { withConnector } from '../../shared/node-connector';
import { eachItem, type Operation } from '../../shared/operations';

export const read: Operation = {
	option: {
		name: 'Read Chunk',
		value: 'read',
		action: 'Read one chunk',
		description: 'The rows of one key range, one item per row',
	},
	properties: [
		tableParameter('Table Name or ID', 'Source table (collection)'),
		{
			displayName: 'Range',
			name: 'range',
			type: 'json',
			default: '={{ $json.range }}',
			description: 'The key range to read: the "range" of a Plan Chunks item',
		},
		{
			displayName: 'Flatten Nested Documents',
			name: 'flatten',
			type: 'boolean',
			default: false,
			description:
				'Whether nested objects (MongoDB subdocuments, JSON objects) become one column per leaf, e.g. address_city; arrays stay JSON. Set it alike in Map and Read Chunk.',
		},
		{
			displayName: 'Separator',
			name: 'separator',
			type: 'string',
			default: '_',
			displayOptions: { show: { flatten: [true] } },
		},
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5000,
			description: 'Rows fetched per round trip while reading the chunk',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const out = await withConnector(this, system, (source) =>
			eachItem(this, items, async (i) => {
				const rows = [];
				const table = this.getNodeParameter('table', i) as string;
				const range = parseRange(this.getNodeParameter('range', i));
				const batchSize = this.getNodeParameter('batchSize', i) as number;
				const separator = this.getNodeParameter('flatten', i, false)
					? (this.getNodeParameter('separator', i, '_') as string)
					: undefined;
				for await (const batch of source.read(table, range, { batchSize }))
					for (const row of batch) rows.push(rowToItem(separator ? flattenRow(row, separator) : row, i));
				return rows;
			}),
		);
		return [out];
	},
};
