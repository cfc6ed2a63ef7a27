import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { verifyObjects as verify } from '../../../core/files/verify';
import { checkStatePrefix } from '../../../core/files/keys';
import { prefixOf, STATE_PROPERTIES, storeProperties, withStores } from '../../shared/object-stores';
import type { Operation } from '../../shared/operations';
import { ON_FAILURE } from './verdict';

export const VERIFY_OBJECTS_OPERATION = 'verifyObjects';

export const verifyObjects: Operation = {
	option: {
		name: 'Verify Objects',
		value: VERIFY_OBJECTS_OPERATION,
		action: 'Verify a file copy',
		description:
			'Both listings side by side: missing, extra and resized objects, counts and bytes per folder, every object read on both sides and its SHA-256 compared, and a manifest digest of each side',
	},
	properties: [
		...storeProperties('source'),
		...storeProperties('destination'),
		{
			...STATE_PROPERTIES.find((p) => p.name === 'statePrefix')!,
			description: "The run's own keys in the destination, left out of the comparison",
		},
		{
			displayName: 'Compare',
			name: 'mode',
			type: 'options',
			options: [
				{ name: 'Checksums (Read Every Object on Both Sides)', value: 'checksum' },
				{ name: 'Listings Only (Keys and Sizes)', value: 'size' },
			],
			default: 'checksum',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 64 },
			default: 8,
			description: 'Objects read at once on each side',
		},
		ON_FAILURE,
	],
	async execute(items) {
		const statePrefix = checkStatePrefix(this.getNodeParameter('statePrefix', 0, '.dm-migration/') as string);
		const result = await withStores(this, 0, ['source', 'destination'], ({ source, destination }) =>
			verify(source!, destination!, {
				sourcePrefix: prefixOf(this, 'source', 0),
				destinationPrefix: prefixOf(this, 'destination', 0),
				statePrefix,
				mode: this.getNodeParameter('mode', 0, 'checksum') as 'checksum' | 'size',
				concurrency: Number(this.getNodeParameter('concurrency', 0, 8)),
				partSize: 16 * 1024 * 1024,
			}),
		);
		const item = { json: result as unknown as IDataObject, pairedItem: items.map((_item, i) => ({ item: i })) };
		if (this.getNodeParameter('onFailure', 0) === 'error') {
			if (!result.valid)
				throw new NodeOperationError(this.getNode(), `Validation failed: ${result.differences} objects differ`, {
					description: JSON.stringify(result.listed.slice(0, 20)),
				});
			return [[item]];
		}
		return result.valid ? [[item], []] : [[], [item]];
	},
};
