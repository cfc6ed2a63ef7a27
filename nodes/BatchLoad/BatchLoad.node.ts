import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DATABASE_CREDENTIALS, systemParameter } from '../shared/connection';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { COPY_OPERATION, copy } from './actions/copy.operation';
import { COPY_PAGES_OPERATION, copyPagesOperation } from './actions/copy-pages.operation';
import { load } from './actions/load.operation';
import { skipDone } from './actions/skip-done.operation';

const OPERATIONS = [load, copy, copyPagesOperation, skipDone];

export class BatchLoad implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Batch Load',
		name: 'batchLoad',
		icon: { light: 'file:batchLoad.svg', dark: 'file:batchLoad.dark.svg' },
		group: ['output'],
		version: 1,
		// Operations without a table show just their name, not "undefined".
		subtitle: '={{$parameter["operation"] + ($parameter["table"] ? ": " + $parameter["table"] : "")}}',
		description:
			'Write items in bulk (insert or upsert) or stream chunks from a source database, reject bad rows with reasons, and checkpoint the chunk',
		defaults: { name: 'Batch Load' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Loaded', 'Rejected'],
		usableAsTool: true,
		// The destination by `system`; Copy Chunk's source in a second slot of its own type (SOURCE_CREDENTIAL_TYPE),
		// literal so n8n's lint (credential-test-required) sees each is tested.
		credentials: [
			...DATABASE_CREDENTIALS,
			{
				name: 'migrationPostgresSourceApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { operation: [COPY_OPERATION], sourceSystem: ['postgres'] } },
			},
			{
				name: 'migrationMySqlSourceApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { operation: [COPY_OPERATION], sourceSystem: ['mysql'] } },
			},
			{
				name: 'migrationMongoDbSourceApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { operation: [COPY_OPERATION], sourceSystem: ['mongodb'] } },
			},
			{
				name: 'migrationRestApi',
				required: true,
				testedBy: 'migrationRestConnectionTest',
				displayOptions: { show: { operation: [COPY_PAGES_OPERATION] } },
			},
		],
		properties: operationProperties(OPERATIONS, 'load', [systemParameter('system', 'Destination Database')]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS, 2);
	}
}
