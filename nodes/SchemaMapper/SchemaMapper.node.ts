import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { systemParameter } from '../shared/connection';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { applyDdlOperation } from './actions/apply-ddl.operation';
import { applyForeignKeysOperation } from './actions/apply-foreign-keys.operation';
import { assess } from './actions/assess.operation';
import { checkSettingsOperation } from './actions/check-settings.operation';
import { map } from './actions/map.operation';
import { MAP_API_OPERATION, mapApi } from './actions/map-api.operation';
import { DRY_RUN_OPERATION, dryRunOperation } from './actions/dry-run.operation';
import { PLAN_OPERATION, planOperation } from './actions/plan.operation';

const OPERATIONS = [
	checkSettingsOperation,
	assess,
	map,
	mapApi,
	planOperation,
	dryRunOperation,
	applyForeignKeysOperation,
	applyDdlOperation,
];
/** Operations that read a source database in a second slot and sample into the node's database. */
const SAMPLING = [DRY_RUN_OPERATION, PLAN_OPERATION];

export class SchemaMapper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Schema Mapper',
		name: 'schemaMapper',
		icon: { light: 'file:schemaMapper.svg', dark: 'file:schemaMapper.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Assess a database, map its tables to another engine, plan the migration from a measured dry run, and create the tables there',
		defaults: { name: 'Schema Mapper' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// Literal here only: n8n's lint (credential-test-required) reads a literal block to see every
		// credential is tested; the other nodes share DATABASE_CREDENTIALS (nodes/shared/connection.ts).
		credentials: [
			{
				name: 'migrationPostgresApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: {
					show: { system: ['postgres'] },
					hide: { operation: [MAP_API_OPERATION], schema: ['fileMigration'] },
				},
			},
			{
				name: 'migrationMySqlApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: {
					show: { system: ['mysql'] },
					hide: { operation: [MAP_API_OPERATION], schema: ['fileMigration'] },
				},
			},
			{
				name: 'migrationMongoDbApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: {
					show: { system: ['mongodb'] },
					hide: { operation: [MAP_API_OPERATION], schema: ['fileMigration'] },
				},
			},
			{
				name: 'migrationRestApi',
				required: true,
				testedBy: 'migrationRestConnectionTest',
				displayOptions: { show: { operation: [MAP_API_OPERATION] } },
			},
			{
				name: 'migrationPostgresSourceApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { operation: SAMPLING, sourceSystem: ['postgres'] } },
			},
			{
				name: 'migrationMySqlSourceApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { operation: SAMPLING, sourceSystem: ['mysql'] } },
			},
			{
				name: 'migrationMongoDbSourceApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { operation: SAMPLING, sourceSystem: ['mongodb'] } },
			},
		],
		properties: operationProperties(OPERATIONS, 'assess', [
			{
				...systemParameter('system', 'Database'),
				// A file migration's settings need no database.
				displayOptions: { hide: { operation: [MAP_API_OPERATION], schema: ['fileMigration'] } },
			},
		]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
