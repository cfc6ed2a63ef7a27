import { verifyRows, type Check, type Comparison } from '../../../core/validate/validate';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';
import { requireShape } from './input';
import { ON_FAILURE, routeVerdict } from './verdict';

export const verify: Operation = {
	option: {
		name: 'Verify Rows (Source)',
		value: 'verify',
		action: 'Name every difference',
		description:
			'Reads the source rows of segments whose checksums differ and names each missing, extra or changed value; one item per check',
	},
	properties: [ON_FAILURE],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const checks = await withConnector(this, system, async (source) => {
			const found: Array<{ check: Check; item: number }> = [];
			for (let i = 0; i < items.length; i++) {
				const comparison = requireShape<Comparison>(this, items[i].json, 'pending', 'Compare (Destination)', i);
				for (const check of await verifyRows(source, comparison)) found.push({ check, item: i });
			}
			return found;
		});
		return routeVerdict(this, checks);
	},
};
