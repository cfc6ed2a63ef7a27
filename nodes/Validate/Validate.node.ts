import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DATABASE_CREDENTIALS, systemParameter } from '../shared/connection';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { fingerprint } from './actions/fingerprint.operation';
import { compare } from './actions/compare.operation';
import { report } from './actions/report.operation';
import { status } from './actions/status.operation';
import { verify } from './actions/verify.operation';
import { VERIFY_API_OPERATION, verifyApi } from './actions/verify-api.operation';

const OPERATIONS = [fingerprint, compare, report, status, verify, verifyApi];

export class Validate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Validate',
		name: 'validate',
		icon: { light: 'file:validate.svg', dark: 'file:validate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Compare source and destination: counts, in-database checksums, a seeded sample, foreign keys',
		defaults: { name: 'Validate' },
		inputs: [NodeConnectionTypes.Main],
		// Verify Rows routes the whole verdict: every check to Valid, or every check to Invalid.
		outputs: `={{ ['verify', 'verifyApi'].includes($parameter.operation) && $parameter.onFailure !== 'error' ? [{ type: 'main', displayName: 'Valid' }, { type: 'main', displayName: 'Invalid' }] : ['main'] }}`,
		usableAsTool: true,
		credentials: [
			...DATABASE_CREDENTIALS,
			{
				name: 'migrationRestApi',
				required: true,
				testedBy: 'migrationRestConnectionTest',
				displayOptions: { show: { operation: [VERIFY_API_OPERATION] } },
			},
		],
		properties: operationProperties(OPERATIONS, 'fingerprint', [systemParameter('system', 'Database')]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
