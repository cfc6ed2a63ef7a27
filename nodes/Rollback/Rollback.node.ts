import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DATABASE_CREDENTIALS, systemParameter } from '../shared/connection';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { snapshot } from './actions/snapshot.operation';
import { restore } from './actions/restore.operation';
import { discard } from './actions/discard.operation';

const OPERATIONS = [snapshot, restore, discard];

export class Rollback implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Rollback',
		name: 'rollback',
		icon: { light: 'file:rollback.svg', dark: 'file:rollback.dark.svg' },
		group: ['transform'],
		version: 1,
		// Operations without a migration show just their name, not "undefined".
		subtitle: '={{$parameter["operation"] + ($parameter["migration"] ? ": " + $parameter["migration"] : "")}}',
		description: 'Snapshot tables before a migration writes, restore them exactly on failure, discard after success',
		defaults: { name: 'Rollback' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: DATABASE_CREDENTIALS,
		properties: operationProperties(OPERATIONS, 'snapshot', [systemParameter('system', 'Database')]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
