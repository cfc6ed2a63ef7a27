import { applyForeignKeys } from '../../../core/mapping/apply';
import type { DatabaseSystem } from '../../shared/connection';
import { auditMigrationParameter } from '../../shared/database-properties';
import { auditedStep, withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { mappingDocuments } from './json';

export const applyForeignKeysOperation: Operation = {
	option: {
		name: 'Apply Foreign Keys',
		value: 'applyForeignKeys',
		action: 'Add foreign keys after the load',
		description: 'Add the foreign keys of the input mapping documents, once all chunks are loaded',
	},
	properties: [
		{
			displayName: 'Mapping Documents',
			name: 'mappings',
			type: 'json',
			default: '',
			description:
				'The Map step\'s documents, e.g. {{ $("Map Schema").all().map((item) => item.json) }}; empty means the input items',
		},
		auditMigrationParameter({}),
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await eachItem(this, items, async (i) => {
				const mappings = mappingDocuments(this, items[i].json, i);
				const migration = this.getNodeParameter('auditMigration', i, '') as string;
				const done = await withConnector(this, system, async (connector) => {
					const results = [];
					for (const mapping of mappings)
						results.push(
							await auditedStep(
								connector,
								migration,
								{ step: 'Add Foreign Keys', table: mapping.destinationTable },
								() => applyForeignKeys(connector, mapping),
							),
						);
					return results;
				});
				return paired(done, i);
			}),
		];
	},
};
