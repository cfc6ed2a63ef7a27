import { fileProgress } from '../../../core/files/run-state';
import { runPathsOf, STATE_PROPERTIES, storeProperties, withStores } from '../../shared/object-stores';
import { eachItem, paired, type Operation } from '../../shared/operations';

export const OBJECT_STATUS_OPERATION = 'objectStatus';

/** Where a file run keeps its records: the destination store and the state prefix. */
export const FILE_RUN_PROPERTIES = [
	...storeProperties('destination').filter((p) => p.name !== 'destinationPrefix'),
	...STATE_PROPERTIES,
];

export const objectStatus: Operation = {
	option: {
		name: 'Status of a File Migration',
		value: OBJECT_STATUS_OPERATION,
		action: 'Report live progress of a file migration',
		description:
			'Files and bytes done of the plan, bytes per second, ETA: from the records the run keeps in the destination',
	},
	properties: FILE_RUN_PROPERTIES,
	async execute(items) {
		return [
			await eachItem(this, items, async (i) =>
				paired(
					[
						await withStores(this, i, ['destination'], ({ destination }) =>
							fileProgress(destination!, runPathsOf(this, i)),
						),
					],
					i,
				),
			),
		];
	},
};
