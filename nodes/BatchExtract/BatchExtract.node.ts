import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { databaseCredentials, systemParameter } from '../shared/connection';
import { s3Credentials } from '../shared/object-stores';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { plan } from './actions/plan.operation';
import { read } from './actions/read.operation';
import { PLAN_OBJECTS_OPERATION, planObjects } from './actions/plan-objects.operation';

const OPERATIONS = [plan, read, planObjects];
const FILE_OPERATIONS = [PLAN_OBJECTS_OPERATION];

export class BatchExtract implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Batch Extract',
		name: 'batchExtract',
		icon: { light: 'file:batchExtract.svg', dark: 'file:batchExtract.dark.svg' },
		group: ['input'],
		version: 1,
		// Operations without a table show just their name, not "undefined".
		subtitle: '={{$parameter["operation"] + ($parameter["table"] ? ": " + $parameter["table"] : "")}}',
		description:
			'Plan primary-key chunks of a table, read one chunk as items, or plan the objects of a bucket or folder',
		defaults: { name: 'Batch Extract' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			...databaseCredentials(FILE_OPERATIONS),
			...s3Credentials({ source: FILE_OPERATIONS, destination: FILE_OPERATIONS }),
		],
		properties: operationProperties(OPERATIONS, 'plan', [
			systemParameter('system', 'Source Database', FILE_OPERATIONS),
		]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
