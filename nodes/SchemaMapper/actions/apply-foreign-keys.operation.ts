import { applyForeignKeys } from '../../../core/mapping/apply';
import { applyMappings } from './apply-mappings';

export const applyForeignKeysOperation = applyMappings(
	{
		name: 'Apply Foreign Keys',
		value: 'applyForeignKeys',
		action: 'Add foreign keys after the load',
		description: 'Add the foreign keys of the input mapping documents, once all chunks are loaded',
	},
	'Add Foreign Keys',
	applyForeignKeys,
);
