import { applyForeignKeys } from '../../../core/mapping/apply';
import { applyMappings } from './apply-mappings';

export const applyForeignKeysOperation = applyMappings(
	{
		name: 'Apply Foreign Keys',
		value: 'applyForeignKeys',
		action: 'Add indexes and foreign keys after the load',
		description:
			'Once all chunks are loaded: the indexes Apply DDL left for after the load, then the foreign keys of the input mapping documents',
	},
	'Add Foreign Keys',
	applyForeignKeys,
);
