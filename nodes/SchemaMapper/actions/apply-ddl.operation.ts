import { applyDdl, type IndexTiming } from '../../../core/mapping/apply';
import { applyMappings } from './apply-mappings';

export const applyDdlOperation = applyMappings(
	{
		name: 'Apply DDL',
		value: 'applyDdl',
		action: 'Create destination tables',
		description: 'Create the tables, primary keys and indexes of the input mapping documents in this database',
	},
	'Create Tables',
	(connector, mapping, parameter) => applyDdl(connector, mapping, { indexes: parameter('indexes') as IndexTiming }),
	[
		{
			displayName: 'Secondary Indexes',
			name: 'indexes',
			type: 'options',
			options: [
				{
					name: 'After the Load',
					value: 'afterLoad',
					description:
						'Create non-unique indexes in Apply Foreign Keys, once the rows are in: one build instead of upkeep per row',
				},
				{ name: 'With the Table', value: 'withTable', description: 'Create every index before the load' },
			],
			default: 'afterLoad',
			description:
				'When a table this step creates gets its non-unique indexes. Primary keys and unique indexes always come with the table; a table that exists already is left as it is.',
		},
	],
);
