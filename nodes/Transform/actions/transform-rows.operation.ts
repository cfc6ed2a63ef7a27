import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { Value } from '../../../core/model/schema';
import { stepFromParameters, transformRow, type StepParameters } from '../../../core/mapping/transform';
import { rowToItem } from '../../shared/items';
import { toNodeError } from '../../shared/node-errors';
import type { Operation } from '../../shared/operations';
import { TRANSFORM_STEPS } from './transform-steps';

export const TRANSFORM_ROWS_OPERATION = 'transform';

export const transformRows: Operation = {
	option: {
		name: 'Transform Rows',
		value: TRANSFORM_ROWS_OPERATION,
		action: 'Transform rows step by step',
		description: 'Rename, cast, default, compute (with expressions), drop, flatten and remap IDs of rows, in order',
	},
	properties: [TRANSFORM_STEPS],
	async execute(items) {
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
	},
};
