import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodePropertyOptions } from 'n8n-workflow';
import type { DatabaseConnector } from '../../../core/ports';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';

export type Output = INodeExecutionData[];

/** One sync step on one input item (or on all of them, for steps that take the whole input once). */
export type Step = (
	node: IExecuteFunctions,
	connector: DatabaseConnector,
	i: number,
	outputs: Output[],
	items: INodeExecutionData[],
) => Promise<void>;

export const param = <T>(node: IExecuteFunctions, name: string, i: number, fallback?: T): T =>
	node.getNodeParameter(name, i, fallback) as T;

export const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as IDataObject;

export const emit = (outputs: Output[], index: number, value: unknown, i: number) =>
	outputs[index].push({ json: value as IDataObject, pairedItem: { item: i } });

/**
 * A sync step as an operation: one connector for the whole input, the step per item (or once),
 * its outputs as the node shows them. Its parameters sit in ../sync-properties.ts, where several
 * steps share them.
 */
export function syncOperation(
	option: INodePropertyOptions & { value: string },
	step: Step,
	shape: { outputs: number; once: boolean },
): Operation {
	return {
		option,
		properties: [],
		async execute(items) {
			const system = this.getNodeParameter('system', 0) as DatabaseSystem;
			return withConnector(this, system, async (connector) => {
				const outputs: Output[] = Array.from({ length: shape.outputs }, () => []);
				if (shape.once) await step(this, connector, 0, outputs, items);
				else for (let i = 0; i < items.length; i++) await step(this, connector, i, outputs, items);
				return outputs;
			});
		},
	};
}
