import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { TableMapping } from '../../../core/mapping/mapping';
import type { DatabaseConnector } from '../../../core/ports';
import type { DatabaseSystem } from '../../shared/connection';
import { auditMigrationParameter } from '../../shared/database-properties';
import { auditedStep, withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { MAPPING_DOCUMENTS, mappingDocuments } from './json';

/** An operation applying each input mapping document to this database, as one audited step per table. */
export function applyMappings(
	option: INodePropertyOptions & { value: string },
	step: string,
	apply: (connector: DatabaseConnector, mapping: TableMapping, parameter: (name: string) => unknown) => Promise<object>,
	properties: INodeProperties[] = [],
): Operation {
	return {
		option,
		properties: [MAPPING_DOCUMENTS, ...properties, auditMigrationParameter({})],
		async execute(items) {
			const system = this.getNodeParameter('system', 0) as DatabaseSystem;
			return [
				await eachItem(this, items, async (i) => {
					const mappings = mappingDocuments(this, items[i].json, i);
					const migration = this.getNodeParameter('auditMigration', i, '') as string;
					const done = await withConnector(this, system, async (connector) => {
						const results: IDataObject[] = [];
						for (const mapping of mappings)
							results.push(
								(await auditedStep(connector, migration, { step, table: mapping.destinationTable }, () =>
									apply(connector, mapping, (name) => this.getNodeParameter(name, i)),
								)) as IDataObject,
							);
						return results;
					});
					return paired(done, i);
				}),
			];
		},
	};
}
