import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { verifyRows, type Check, type Comparison } from '../../../core/validate/validate';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';
import { requireShape } from './input';

export const verify: Operation = {
	option: {
		name: 'Verify Rows (Source)',
		value: 'verify',
		action: 'Name every difference',
		description:
			'Reads the source rows of segments whose checksums differ and names each missing, extra or changed value; one item per check',
	},
	properties: [
		{
			displayName: 'On Failure',
			name: 'onFailure',
			type: 'options',
			options: [
				{ name: 'Route to Invalid Output', value: 'route' },
				{ name: 'Stop With an Error', value: 'error' },
			],
			default: 'route',
		},
	],
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
		const failed = checks.filter(({ check }) => !check.pass);
		const stop = this.getNodeParameter('onFailure', 0) === 'error';
		if (failed.length && stop)
			throw new NodeOperationError(
				this.getNode(),
				`Validation failed: ${failed.map(({ check }) => `${check.table} ${check.check}`).join(', ')}`,
				{ description: JSON.stringify(failed.map(({ check }) => check)).slice(0, 2000) },
			);
		const all = checks.map(({ check, item }) => ({ json: check as unknown as IDataObject, pairedItem: { item } }));
		// The whole verdict is routed: every check to Valid, or every check to Invalid.
		if (stop) return [all];
		return failed.length ? [[], all] : [all, []];
	},
};
