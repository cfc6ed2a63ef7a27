import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import type { Value } from '../../core/model/schema';
import { stepFromParameters, transformRow, type StepParameters } from '../../core/mapping/transform';
import { rowToItem } from '../shared/items';
import { TRANSFORM_STEPS } from './transform-steps';
import { toNodeError } from '../shared/node-errors';

export class Transform implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Migration Transform',
		name: 'transform',
		subtitle: '={{ "steps: " + (($parameter["steps"] || {}).step || []).length }}',
		icon: { light: 'file:transform.svg', dark: 'file:transform.dark.svg' },
		group: ['transform'],
		version: 1,
		description: 'Rename, cast, default, compute (with expressions), drop, flatten and remap IDs of rows, in order',
		defaults: { name: 'Transform' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Rows', 'Rejected'],
		usableAsTool: true,
		properties: [TRANSFORM_STEPS],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const rows: INodeExecutionData[] = [];
		const rejected: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const steps = ((this.getNodeParameter('steps.step', i, []) as StepParameters[]) ?? []).map(stepFromParameters);
				const result = transformRow(items[i].json as IDataObject as Record<string, Value>, steps);
				if ('row' in result) rows.push(rowToItem(result.row, i));
				else
					rejected.push({
						json: {
							...result,
							value: result.value === undefined ? null : (result.value as IDataObject[keyof IDataObject]),
							row: items[i].json,
						},
						pairedItem: { item: i },
					});
			} catch (error) {
				if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, i);
				rejected.push({ json: { reason: (error as Error).message, row: items[i].json }, pairedItem: { item: i } });
			}
		}
		return [rows, rejected];
	}
}
