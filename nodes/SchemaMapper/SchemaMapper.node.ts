import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { assessTables } from '../../core/assess';
import { CONNECTION_TEST, systemParameter, type DatabaseSystem } from '../shared/connection';
import { testConnection } from '../shared/credential-test';
import { listTables, withConnector } from '../shared/node-connector';
import { toNodeError } from '../shared/node-errors';

export class SchemaMapper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Schema Mapper',
		name: 'schemaMapper',
		icon: { light: 'file:schemaMapper.svg', dark: 'file:schemaMapper.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Assess a database before migrating it: tables, rows, sizes, keys and incompatibilities',
		defaults: { name: 'Schema Mapper' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// Literal, so n8n's lint can see every credential is tested.
		credentials: [
			{
				name: 'migrationPostgresApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { system: ['postgres'] } },
			},
			{
				name: 'migrationMySqlApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { system: ['mysql'] } },
			},
			{
				name: 'migrationMongoDbApi',
				required: true,
				testedBy: 'migrationConnectionTest',
				displayOptions: { show: { system: ['mongodb'] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Assess',
						value: 'assess',
						action: 'Assess a database',
						description: 'One item per table: rows, size, keys, indexes, foreign keys and issues',
					},
				],
				default: 'assess',
			},
			systemParameter('system', 'Database'),
			{
				displayName: 'Table Names or IDs',
				name: 'tables',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getTables', loadOptionsDependsOn: ['system'] },
				default: [],
				description:
					'Tables (collections) to assess; none means all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Exact Row Counts',
				name: 'exactCounts',
				type: 'boolean',
				default: false,
				description: 'Whether to count rows exactly (a full scan per table) instead of using the database estimate',
			},
		],
	};

	methods = {
		loadOptions: {
			async getTables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return listTables(this, this.getCurrentNodeParameter('system') as DatabaseSystem);
			},
		},
		credentialTest: { [CONNECTION_TEST]: testConnection },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const system = this.getNodeParameter('system', i) as DatabaseSystem;
				const tables = this.getNodeParameter('tables', i, []) as string[];
				const exactCounts = this.getNodeParameter('exactCounts', i, false) as boolean;
				const assessed = await withConnector(this, system, (connector) =>
					assessTables(connector, tables, { exactCounts }),
				);
				for (const table of assessed) out.push({ json: table as unknown as IDataObject, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw toNodeError(this.getNode(), error, i);
			}
		}
		return [out];
	}
}
