import { rollbackPlatform } from '../../../core/platform/rollback';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { PLATFORM_PROPERTIES, withPlatforms } from '../../shared/platforms';

export const DELETE_PLATFORM_RECORDS_OPERATION = 'deletePlatformRecords';

export const deletePlatformRecords: Operation = {
	option: {
		name: 'Delete Created Platform Records',
		value: DELETE_PLATFORM_RECORDS_OPERATION,
		action: 'Undo a platform migration',
		description:
			"Deletes what the migration's runs created on the destination, newest first, from its ID map (records that were there before are left), then forgets the map",
	},
	properties: PLATFORM_PROPERTIES.filter((p) => p.name !== 'projects'),
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const result = await withPlatforms(this, i, (parts) => rollbackPlatform(parts), { source: false });
				return paired([{ migration: this.getNodeParameter('migration', i) as string, ...result }], i);
			}),
		];
	},
};
