import { runProgress } from '../../../core/report/progress';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import { paired, type Operation } from '../../shared/operations';

export const status: Operation = {
	option: {
		name: 'Status (Destination)',
		value: 'status',
		action: 'Report live progress of a migration',
		description: 'Chunks and rows done of the plan, rows per second, ETA, errors: while the migration runs',
	},
	properties: [{ ...MIGRATION_NAME, description: 'The run to report on: the Migration Name of its chunks' }],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const out = await withConnector(this, system, async (destination) => {
			const progress = [];
			for (let i = 0; i < items.length; i++)
				progress.push(...paired([await runProgress(destination, this.getNodeParameter('migration', i) as string)], i));
			return progress;
		});
		return [out];
	},
};
