import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Check } from '../../../core/validate/validate';

export const ON_FAILURE: INodeProperties = {
	displayName: 'On Failure',
	name: 'onFailure',
	type: 'options',
	options: [
		{ name: 'Route to Invalid Output', value: 'route' },
		{ name: 'Stop With an Error', value: 'error' },
	],
	default: 'route',
};

/** The whole verdict routed: every check to Valid, or every check to Invalid; or an error, if asked. */
export function routeVerdict(
	context: IExecuteFunctions,
	checks: Array<{ check: Check; item: number }>,
): INodeExecutionData[][] {
	const failed = checks.filter(({ check }) => !check.pass);
	const stop = context.getNodeParameter('onFailure', 0) === 'error';
	if (failed.length && stop)
		throw new NodeOperationError(
			context.getNode(),
			`Validation failed: ${failed.map(({ check }) => `${check.table} ${check.check}`).join(', ')}`,
			{ description: JSON.stringify(failed.map(({ check }) => check)).slice(0, 2000) },
		);
	const all = checks.map(({ check, item }) => ({ json: check as unknown as IDataObject, pairedItem: { item } }));
	if (stop) return [all];
	return failed.length ? [[], all] : [all, []];
}
