import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { databaseCredentials, systemParameter } from '../shared/connection';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { COPY_OPERATION, copy } from './actions/copy.operation';
import { COPY_PAGES_OPERATION, copyPagesOperation } from './actions/copy-pages.operation';
import { load } from './actions/load.operation';
import { skipDone } from './actions/skip-done.operation';
import { FAN_OUT_OPERATION, fanOut } from './actions/fan-out.operation';
import { recordFailure } from './actions/record-failure.operation';
import { COPY_OBJECTS_OPERATION, copyObjects } from './actions/copy-objects.operation';
import { MIGRATE_PLATFORM_OPERATION, migratePlatform } from './actions/migrate-platform.operation';

const OPERATIONS = [load, copy, copyPagesOperation, skipDone, fanOut, recordFailure, copyObjects, migratePlatform];
const FILE_OPERATIONS = [COPY_OBJECTS_OPERATION];

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
			'Write items in bulk (insert or upsert), stream chunks from a source database or API, or copy the objects of a bucket or folder; reject bad rows or files with reasons, and checkpoint the chunk',
		defaults: { name: 'Batch Load' },
		inputs: [NodeConnectionTypes.Main],
		// Fan Out Chunks: the chunks to send now, and those that failed for good; every other operation: rows loaded and rejected.
		outputs: `={{ $parameter.operation === '${FAN_OUT_OPERATION}' ? [{ type: 'main', displayName: 'Send' }, { type: 'main', displayName: 'Failed' }] : [{ type: 'main', displayName: 'Loaded' }, { type: 'main', displayName: 'Rejected' }] }}`,
		usableAsTool: true,
		// The destination by `system`; Copy Chunk's source in a second slot of its own type (SOURCE_CREDENTIAL_TYPE),
		// literal so n8n's lint (credential-test-required) sees each is tested.
		credentials: [
			...databaseCredentials(FILE_OPERATIONS),
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
			// The S3 slots (nodes/shared/object-stores.ts s3Credentials), literal here for the same lint.
			{
				name: 'migrationS3SourceApi',
				required: true,
				testedBy: 'migrationS3ConnectionTest',
				displayOptions: { show: { operation: [COPY_OBJECTS_OPERATION], sourceStore: ['s3'] } },
			},
			{
				name: 'migrationS3Api',
				required: true,
				testedBy: 'migrationS3ConnectionTest',
				displayOptions: { show: { operation: [COPY_OBJECTS_OPERATION], destinationStore: ['s3'] } },
			},
			{
				name: 'migrationRestApi',
				required: true,
				testedBy: 'migrationRestConnectionTest',
				displayOptions: { show: { operation: [COPY_PAGES_OPERATION] } },
			},
			// A platform migration: its source and destination platforms (the database slot holds its ID map).
			{
				name: 'migrationPlatformSourceApi',
				required: true,
				testedBy: 'migrationPlatformConnectionTest',
				displayOptions: { show: { operation: [MIGRATE_PLATFORM_OPERATION] } },
			},
			{
				name: 'migrationPlatformApi',
				required: true,
				testedBy: 'migrationPlatformConnectionTest',
				displayOptions: { show: { operation: [MIGRATE_PLATFORM_OPERATION] } },
			},
		],
		properties: operationProperties(OPERATIONS, 'load', [
			systemParameter('system', 'Destination Database (State Database for Platforms)', FILE_OPERATIONS),
		]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS, 2);
	}
}
