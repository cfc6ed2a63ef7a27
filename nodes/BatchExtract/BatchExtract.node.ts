import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DATABASE_CREDENTIALS, systemParameter } from '../shared/connection';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { plan } from './actions/plan.operation';
import { read } from './actions/read.operation';

const OPERATIONS = [plan, read];

export class BatchExtract implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Batch Extract',
		name: 'batchExtract',
		icon: { light: 'file:batchExtract.svg', dark: 'file:batchExtract.dark.svg' },
		group: ['input'],
		version: 1,
		// Operations without a table show just their name, not "undefined".
		subtitle: '={{$parameter["operation"] + ($parameter["table"] ? ": " + $parameter["table"] : "")}}',
		description: 'Plan primary-key chunks of a table, or read one chunk as items',
		defaults: { name: 'Batch Extract' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: DATABASE_CREDENTIALS,
		properties: operationProperties(OPERATIONS, 'plan', [systemParameter('system', 'Source Database')]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
