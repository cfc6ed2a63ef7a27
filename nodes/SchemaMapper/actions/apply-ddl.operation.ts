import { applyDdl } from '../../../core/mapping/apply';
import { applyMappings } from './apply-mappings';

export const applyDdlOperation = applyMappings(
	{
		name: 'Apply DDL',
		value: 'applyDdl',
		action: 'Create destination tables',
		description: 'Create the tables, primary keys and indexes of the input mapping documents in this database',
	},
	'Create Tables',
	applyDdl,
);
