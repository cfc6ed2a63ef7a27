import { designMappings } from '../../../core/mapping/apply';
import { mappingMarkdown } from '../../../core/mapping/mapping-document';
import { recordTable, sampleRecords, sampledTable } from '../../../core/mapping/record-schema';
import { API_RESOURCE_PROPERTIES, RESOURCE, withApiSource } from '../../shared/rest';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { designOptionsOf, MAP_OPTIONS } from './map.operation';

export const MAP_API_OPERATION = 'mapApi';

/**
 * Map for a REST API: the resource becomes a table whose columns are inferred from the records of
 * its first pages (the id field its primary key), then designed like any source (overrides,
 * flattening, arrays to child tables).
 */
export const mapApi: Operation = {
	option: {
		name: 'Map API Resource',
		value: MAP_API_OPERATION,
		action: 'Map an API resource to a table',
		description: 'A mapping document for a REST API resource, its columns inferred from a sample of pages',
	},
	properties: [
		{
			displayName: 'Table Name',
			name: 'tableName',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'customers',
			description: 'The table the records land in (the Destination Table Prefix goes before it)',
		},
		...API_RESOURCE_PROPERTIES,
		{
			displayName: 'ID Field',
			name: 'idField',
			type: 'string',
			default: 'id',
			description: 'The field that identifies a record: the primary key, so a rerun upserts instead of duplicating',
		},
		{
			displayName: 'Sample Pages',
			name: 'samplePages',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: 'Pages read to infer the columns; a field the sample never shows is refused by name at load time',
		},
		...MAP_OPTIONS,
	],
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const table = this.getNodeParameter('tableName', i) as string;
				const options = designOptionsOf(this, i);
				const records = await withApiSource(this, i, (source) =>
					sampleRecords(source, RESOURCE, this.getNodeParameter('samplePages', i, 5) as number),
				);
				// Typed from the records as parsed: a number a double would round is still a number here (int64 or decimal).
				const schema = recordTable(table, records, this.getNodeParameter('idField', i, 'id') as string);
				const designed = await designMappings(sampledTable(schema, records), [table], options);
				return paired(
					designed.map((mapping) => ({
						...mapping,
						api: { resource: this.getNodeParameter('resourcePath', i) as string, sampled: records.length },
						markdown: mappingMarkdown(mapping),
					})),
					i,
				);
			}),
		];
	},
};
