import { runProgress } from '../../../core/report/progress';
import { progressPage } from '../../../core/report/progress-page';
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
	properties: [
		{ ...MIGRATION_NAME, description: 'The run to report on: the Migration Name of its chunks' },
		{
			displayName: 'Add HTML Page',
			name: 'page',
			type: 'boolean',
			default: false,
			description:
				'Whether to add `html`: the progress as a page that reloads itself (bars per table, rows per second over time, ETA, rejects, last error), for a browser',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const out = await withConnector(this, system, async (destination) => {
			const progress = [];
			for (let i = 0; i < items.length; i++) {
				const run = await runProgress(destination, this.getNodeParameter('migration', i) as string);
				const page = this.getNodeParameter('page', i, false) as boolean;
				progress.push(...paired([page ? { ...run, html: progressPage(run) } : run], i));
			}
			return progress;
		});
		return [out];
	},
};
