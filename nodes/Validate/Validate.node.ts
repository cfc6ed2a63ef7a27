import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { databaseCredentials, systemParameter } from '../shared/connection';
import { s3Credentials } from '../shared/object-stores';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { fingerprint } from './actions/fingerprint.operation';
import { compare } from './actions/compare.operation';
import { report } from './actions/report.operation';
import { status } from './actions/status.operation';
import { verify } from './actions/verify.operation';
import { VERIFY_API_OPERATION, verifyApi } from './actions/verify-api.operation';
import { VERIFY_OBJECTS_OPERATION, verifyObjects } from './actions/verify-objects.operation';
import { OBJECT_STATUS_OPERATION, objectStatus } from './actions/object-status.operation';
import { OBJECT_REPORT_OPERATION, objectReport } from './actions/object-report.operation';
import { VERIFY_PLATFORM_OPERATION, verifyPlatform } from './actions/verify-platform.operation';
import { PLATFORM_REPORT_OPERATION, platformReport } from './actions/platform-report.operation';
import { documents } from './actions/documents.operation';

const OPERATIONS = [
	fingerprint,
	compare,
	report,
	documents,
	status,
	verify,
	verifyApi,
	verifyObjects,
	objectStatus,
	objectReport,
	verifyPlatform,
	platformReport,
];
const FILE_OPERATIONS = [VERIFY_OBJECTS_OPERATION, OBJECT_STATUS_OPERATION, OBJECT_REPORT_OPERATION];
/** Operations that need no database at all. */
const NO_DATABASE = [...FILE_OPERATIONS, PLATFORM_REPORT_OPERATION];

export class Validate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Validate',
		name: 'validate',
		icon: { light: 'file:validate.svg', dark: 'file:validate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Compare source and destination: counts, in-database checksums, a seeded sample, foreign keys; for files, listings and SHA-256 per object',
		defaults: { name: 'Validate' },
		inputs: [NodeConnectionTypes.Main],
		// Verify Rows routes the whole verdict: every check to Valid, or every check to Invalid.
		outputs: `={{ ['verify', 'verifyApi', 'verifyObjects', 'verifyPlatform'].includes($parameter.operation) && $parameter.onFailure !== 'error' ? [{ type: 'main', displayName: 'Valid' }, { type: 'main', displayName: 'Invalid' }] : ['main'] }}`,
		usableAsTool: true,
		credentials: [
			...databaseCredentials(NO_DATABASE),
			...s3Credentials({ source: [VERIFY_OBJECTS_OPERATION], destination: FILE_OPERATIONS }),
			{
				name: 'migrationRestApi',
				required: true,
				testedBy: 'migrationRestConnectionTest',
				displayOptions: { show: { operation: [VERIFY_API_OPERATION] } },
			},
			{
				name: 'migrationPlatformSourceApi',
				required: true,
				testedBy: 'migrationPlatformConnectionTest',
				displayOptions: { show: { operation: [VERIFY_PLATFORM_OPERATION] } },
			},
			{
				name: 'migrationPlatformApi',
				required: true,
				testedBy: 'migrationPlatformConnectionTest',
				displayOptions: { show: { operation: [VERIFY_PLATFORM_OPERATION] } },
			},
		],
		properties: operationProperties(OPERATIONS, 'fingerprint', [systemParameter('system', 'Database', NO_DATABASE)]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
