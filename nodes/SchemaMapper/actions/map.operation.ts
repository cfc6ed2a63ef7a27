import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { designMappings, type DesignOptions } from '../../../core/mapping/apply';
import { mappingMarkdown } from '../../../core/mapping/mapping-document';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { parseJsonObject } from './json';
import { TABLES } from './tables';

/** What Map designs with, whatever the source: overrides, invalid-value policies, document shape, prefix. */
export const MAP_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Type Overrides',
		name: 'overrides',
		type: 'json',
		default: '{}',
		description:
			'Logical types per column, e.g. {"orders.note": "text", "payload": "json"}; keys are "table.column" or "column"',
	},
	{
		displayName: 'Invalid Values',
		name: 'policies',
		type: 'json',
		default: '{}',
		description:
			'What Batch Load does with a value the destination cannot hold exactly (a zero date, text with NUL…), per column: "reject" refuses the row (the default), "null" writes NULL there and lists the value as a reject. Keys are "table.column", "column" or "*", e.g. {"orders.shipped_at": "null"}.',
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
		displayName: 'Arrays',
		name: 'arrays',
		type: 'options',
		options: [
			{ name: 'Keep as JSON', value: 'json', description: 'An array field becomes one JSON (jsonb) column' },
			{
				name: 'Child Tables',
				value: 'childTables',
				description:
					'An array field becomes a table <table>_<field> with one row per element (parent key, position, value or one column per leaf), and a <field>_count column in the parent',
			},
		],
		default: 'json',
	},
	{
		displayName: 'Separator',
		name: 'separator',
		type: 'string',
		default: '_',
		description: 'Joins names of flattened leaves and child tables',
	},
	{
		displayName: 'Destination Table Prefix',
		name: 'prefix',
		type: 'string',
		default: '',
	},
];

/** The MAP_OPTIONS of item i as core's design options. */
export function designOptionsOf(context: IExecuteFunctions, i: number): DesignOptions {
	return {
		overrides: parseJsonObject(context.getNodeParameter('overrides', i, '{}'), 'Type Overrides') as Record<
			string,
			string
		>,
		policies: parseJsonObject(context.getNodeParameter('policies', i, '{}'), 'Invalid Values') as Record<
			string,
			string
		>,
		prefix: context.getNodeParameter('prefix', i, '') as string,
		flatten: context.getNodeParameter('flatten', i, false) as boolean,
		separator: context.getNodeParameter('separator', i, '_') as string,
		childTables: context.getNodeParameter('arrays', i, 'json') === 'childTables',
	};
}

export const map: Operation = {
	option: {
		name: 'Map',
		value: 'map',
		action: 'Map source tables',
		description: 'One mapping document per source table: its schema and the engine-neutral target schema',
	},
	properties: [TABLES, ...MAP_OPTIONS],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await eachItem(this, items, async (i) => {
				const designed = await withConnector(this, system, (connector) =>
					designMappings(connector, this.getNodeParameter('tables', i, []) as string[], designOptionsOf(this, i)),
				);
				return paired(
					designed.map((mapping) => ({ ...mapping, markdown: mappingMarkdown(mapping) })),
					i,
				);
			}),
		];
	},
};
