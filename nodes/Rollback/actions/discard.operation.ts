import { discardSnapshots } from '../../../core/rollback/rollback';
import type { DatabaseSystem } from '../../shared/connection';
import { auditMigrationParameter } from '../../shared/database-properties';
import { auditedStep, withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';

const DAY_MS = 24 * 3600 * 1000;

export const discard: Operation = {
	option: {
		name: 'Discard',
		value: 'discard',
		action: 'Discard snapshots',
		description: 'Drop snapshot copies after success, or once the rollback period is over',
	},
	properties: [
		{
			displayName: 'Migration Name',
			name: 'discardRun',
			type: 'string',
			default: '',
			description: "Only this run's snapshots; empty means every run's",
		},
		auditMigrationParameter({}),
		{
			displayName: 'Keep for (Days)',
			name: 'keepDays',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'The rollback period: snapshots younger than this are kept; 0 discards them now',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await eachItem(this, items, async (i) => {
				const run = this.getNodeParameter('discardRun', i, '') as string;
				const keepDays = this.getNodeParameter('keepDays', i, 0) as number;
				const discarded = await withConnector(this, system, (connector) =>
					auditedStep(
						connector,
						this.getNodeParameter('auditMigration', i, '') as string,
						{ step: 'Discard Snapshots' },
						() => discardSnapshots(connector, { run: run || undefined, olderThanMs: keepDays * DAY_MS }),
						(list) => list.length,
					),
				);
				return paired([{ discarded: discarded.length, snapshots: discarded }], i);
			}),
		];
	},
};
