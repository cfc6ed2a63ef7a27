import { chunksToLoad } from '../../../core/copy/skip-done';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';

export const skipDone: Operation = {
	option: {
		name: 'Skip Done Chunks',
		value: 'skipDone',
		action: 'Skip chunks already loaded',
		description: 'Pass on only the Plan Chunks items whose checkpoint is not in the destination yet',
	},
	properties: [],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const pending = await withConnector(this, system, (destination) =>
			chunksToLoad(
				destination,
				items.map((item) => item.json),
			),
		);
		return [pending.map((i) => ({ json: items[i].json, pairedItem: { item: i } })), []];
	},
};
