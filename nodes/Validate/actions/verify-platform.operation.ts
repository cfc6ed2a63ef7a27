import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { verifyPlatform as verify } from '../../../core/platform/verify';
import type { Operation } from '../../shared/operations';
import { PLATFORM_PROPERTIES, withPlatforms } from '../../shared/platforms';
import { ON_FAILURE } from './verdict';

export const VERIFY_PLATFORM_OPERATION = 'verifyPlatform';

export const verifyPlatform: Operation = {
	option: {
		name: 'Verify Platform Records',
		value: VERIFY_PLATFORM_OPERATION,
		action: 'Verify a platform migration',
		description:
			'The source read again: every record must be in the ID map, every mapped record is read back from the destination and compared field by field with what the map says (relationships, labels, users, text), attachments hashed on both sides, links listed; counts per object type',
	},
	properties: [...PLATFORM_PROPERTIES, ON_FAILURE],
	async execute(items) {
		const result = await withPlatforms(this, 0, (parts) => verify(parts));
		const item = { json: result as unknown as IDataObject, pairedItem: items.map((_item, i) => ({ item: i })) };
		if (this.getNodeParameter('onFailure', 0) === 'error') {
			if (!result.passed)
				throw new NodeOperationError(
					this.getNode(),
					`Validation failed: ${result.problems.length + result.moreProblems} difference(s)`,
					{ description: JSON.stringify(result.problems.slice(0, 20)) },
				);
			return [[item]];
		}
		return result.passed ? [[item], []] : [[], [item]];
	},
};
