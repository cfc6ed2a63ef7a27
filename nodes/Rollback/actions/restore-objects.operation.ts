import { discardObjectBackups, restoreObjects as restore } from '../../../core/files/restore';
import { runPathsOf, STATE_PROPERTIES, storeProperties, withStores } from '../../shared/object-stores';
import { eachItem, paired, type Operation } from '../../shared/operations';

const DESTINATION = [
	...storeProperties('destination').filter((p) => p.name !== 'destinationPrefix'),
	...STATE_PROPERTIES,
];

export const RESTORE_OBJECTS_OPERATION = 'restoreObjects';
export const DISCARD_OBJECTS_OPERATION = 'discardObjects';

export const restoreObjects: Operation = {
	option: {
		name: 'Restore Objects',
		value: RESTORE_OBJECTS_OPERATION,
		action: 'Undo a file migration',
		description:
			'Puts back every object the run overwrote (kept under the state prefix) and deletes every object it created; a rerun then copies again',
	},
	properties: DESTINATION,
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const paths = runPathsOf(this, i);
				const result = await withStores(this, i, ['destination'], ({ destination }) => restore(destination!, paths));
				return paired([{ migration: paths.migration, ...result }], i);
			}),
		];
	},
};

export const discardObjects: Operation = {
	option: {
		name: 'Discard Object Backups',
		value: DISCARD_OBJECTS_OPERATION,
		action: 'Discard what a file migration kept for its rollback',
		description:
			'After a run that stays: the objects it overwrote and its markers are deleted (the run can no longer be undone)',
	},
	properties: [
		...DESTINATION,
		{
			displayName: 'Also Delete the Run Records',
			name: 'all',
			type: 'boolean',
			default: false,
			description: 'Whether the plan and chunk records go too (a rerun with this name then copies as a new run)',
		},
	],
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const paths = runPathsOf(this, i);
				const all = this.getNodeParameter('all', i, false) as boolean;
				const deleted = await withStores(this, i, ['destination'], ({ destination }) =>
					discardObjectBackups(destination!, paths, all),
				);
				return paired([{ migration: paths.migration, deleted }], i);
			}),
		];
	},
};
