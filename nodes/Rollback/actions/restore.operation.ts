import { restoreRun } from '../../../core/rollback/rollback';
import { audited } from '../../../core/report/progress';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';

export const restore: Operation = {
	option: {
		name: 'Restore',
		value: 'restore',
		action: 'Restore tables to their snapshot',
		description: 'Bring every table of the migration back to its snapshot, checked by checksum; safe to rerun',
	},
	properties: [
		{ ...MIGRATION_NAME, description: 'The migration run whose snapshots these are: the Migration Name of its chunks' },
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await eachItem(this, items, async (i) => {
				const run = this.getNodeParameter('migration', i) as string;
				const restored = await withConnector(this, system, (connector) =>
					audited(connector, { migration: run, step: 'Restore' }, () => restoreRun(connector, run)),
				);
				return paired(restored, i);
			}),
		];
	},
};
