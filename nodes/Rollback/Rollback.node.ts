import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { databaseCredentials, systemParameter } from '../shared/connection';
import { s3Credentials } from '../shared/object-stores';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { snapshot } from './actions/snapshot.operation';
import { restore } from './actions/restore.operation';
import { discard } from './actions/discard.operation';
import {
	DISCARD_OBJECTS_OPERATION,
	discardObjects,
	RESTORE_OBJECTS_OPERATION,
	restoreObjects,
} from './actions/restore-objects.operation';
import { DELETE_PLATFORM_RECORDS_OPERATION, deletePlatformRecords } from './actions/delete-platform-records.operation';

const OPERATIONS = [snapshot, restore, discard, restoreObjects, discardObjects, deletePlatformRecords];
const FILE_OPERATIONS = [RESTORE_OBJECTS_OPERATION, DISCARD_OBJECTS_OPERATION];

export class Rollback implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Rollback',
		name: 'rollback',
		icon: { light: 'file:rollback.svg', dark: 'file:rollback.dark.svg' },
		group: ['transform'],
		version: 1,
		// Operations without a migration show just their name, not "undefined".
		subtitle: '={{$parameter["operation"] + ($parameter["migration"] ? ": " + $parameter["migration"] : "")}}',
		description:
			'Snapshot tables before a migration writes, restore them exactly on failure, discard after success; undo a file or platform migration',
		defaults: { name: 'Rollback' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			...databaseCredentials(FILE_OPERATIONS),
			...s3Credentials({ source: [], destination: FILE_OPERATIONS }),
			{
				name: 'migrationPlatformApi',
				required: true,
				testedBy: 'migrationPlatformConnectionTest',
				displayOptions: { show: { operation: [DELETE_PLATFORM_RECORDS_OPERATION] } },
			},
		],
		properties: operationProperties(OPERATIONS, 'snapshot', [systemParameter('system', 'Database', FILE_OPERATIONS)]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
