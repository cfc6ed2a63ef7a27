import { assessTables } from '../../../core/mapping/assess';
import { assessmentMarkdown } from '../../../core/mapping/mapping-document';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { TABLES } from './tables';

export const assess: Operation = {
	option: {
		name: 'Assess',
		value: 'assess',
		action: 'Assess a database',
		description: 'One item per table: rows, size, keys, indexes, foreign keys and issues',
	},
	properties: [
		TABLES,
		{
			displayName: 'Exact Row Counts',
			name: 'exactCounts',
			type: 'boolean',
			default: false,
			description: 'Whether to count rows exactly (a full scan per table) instead of using the database estimate',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await eachItem(this, items, async (i) => {
				const tables = this.getNodeParameter('tables', i, []) as string[];
				const exactCounts = this.getNodeParameter('exactCounts', i, false) as boolean;
				const assessed = await withConnector(this, system, (connector) =>
					assessTables(connector, tables, { exactCounts }),
				);
				return paired(
					assessed.map((table) => ({ ...table, markdown: assessmentMarkdown(table) })),
					i,
				);
			}),
		];
	},
};
