import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { assessTables } from '../../core/mapping/assess';
import { childTablesFor } from '../../core/mapping/child-tables';
import { flattenRow, flattenSchema } from '../../core/mapping/flatten';
import { mapTables, type TableMapping } from '../../core/mapping/mapping';
import { assessmentMarkdown, mappingMarkdown } from '../../core/mapping/mapping-document';
import type { DatabaseConnector, ChangeSource } from '../../core/ports';
import type { Row } from '../../core/model/schema';
import { systemParameter, type DatabaseSystem } from '../shared/connection';
import { auditMigrationParameter } from '../shared/database-properties';
import { auditedStep, databaseNodeMethods, withConnector } from '../shared/node-connector';
import { checkSettings, SETTINGS_SCHEMAS, type SettingsSchemaName } from '../../core/settings/run-settings';
import { toNodeError } from '../shared/node-errors';
import { MAPPING_NAMESPACE } from '../../core/state/namespaces';

export class SchemaMapper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Schema Mapper',
		name: 'schemaMapper',
		icon: { light: 'file:schemaMapper.svg', dark: 'file:schemaMapper.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Assess a database, map its tables to another engine, and create them there',
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
						name: 'Check Run Settings',
						value: 'checkSettings',
						action: 'Check the settings of a run',
						description:
							"Before anything is written: the caller's settings over the defaults, known names, types and ranges, named tables within this database's name limit",
					},
					{
						name: 'Assess',
						value: 'assess',
						action: 'Assess a database',
						description: 'One item per table: rows, size, keys, indexes, foreign keys and issues',
					},
					{
						name: 'Map',
						value: 'map',
						action: 'Map source tables',
						description: 'One mapping document per source table: its schema and the engine-neutral target schema',
					},
					{
						name: 'Apply Foreign Keys',
						value: 'applyForeignKeys',
						action: 'Add foreign keys after the load',
						description: 'Add the foreign keys of the input mapping documents, once all chunks are loaded',
					},
					{
						name: 'Apply DDL',
						value: 'applyDdl',
						action: 'Create destination tables',
						description: 'Create the tables, primary keys and indexes of the input mapping documents in this database',
					},
				],
				default: 'assess',
			},
			systemParameter('system', 'Database'),
			{
				displayName: 'Settings Of',
				name: 'schema',
				type: 'options',
				options: [
					{ name: 'A Migration', value: 'dbMigration', description: 'Migration, tables, chunks, validation, rollback' },
					{
						name: 'A Zero-Downtime Migration',
						value: 'zeroDowntime',
						description: 'Sync name, tables, cursor column, lag; backfill and sync',
					},
				],
				default: 'dbMigration',
				description: 'Which settings are accepted: each template family has its own (see the README)',
				displayOptions: { show: { operation: ['checkSettings'] } },
			},
			{
				displayName: 'Request',
				name: 'request',
				type: 'json',
				default: '={{ $json.request ?? null }}',
				description:
					"The settings a caller gave (a webhook body, a calling workflow's item); null: a run nobody configured (Manual, Schedule), which takes the defaults",
				displayOptions: { show: { operation: ['checkSettings'] } },
			},
			{
				displayName: 'Defaults',
				name: 'defaults',
				type: 'json',
				default: '{"migration": "migration", "tables": [], "rowsPerChunk": 10000, "batchSize": 5000}',
				description: 'The settings of a run nobody configured, and what a caller leaves out (except tables)',
				displayOptions: { show: { operation: ['checkSettings'] } },
			},
			{
				displayName: 'Table Names or IDs',
				name: 'tables',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getTables', loadOptionsDependsOn: ['system'] },
				default: [],
				displayOptions: { show: { operation: ['assess', 'map'] } },
				description:
					'Tables (collections); none means all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Exact Row Counts',
				name: 'exactCounts',
				type: 'boolean',
				default: false,
				description: 'Whether to count rows exactly (a full scan per table) instead of using the database estimate',
				displayOptions: { show: { operation: ['assess'] } },
			},
			{
				displayName: 'Type Overrides',
				name: 'overrides',
				type: 'json',
				default: '{}',
				description:
					'Logical types per column, e.g. {"orders.note": "text", "payload": "json"}; keys are "table.column" or "column"',
				displayOptions: { show: { operation: ['map'] } },
			},
			{
				displayName: 'Mapping Documents',
				name: 'mappings',
				type: 'json',
				default: '',
				description:
					'The Map step\'s documents, e.g. {{ $("Map Schema").all().map((item) => item.json) }}; empty means the input items',
				displayOptions: { show: { operation: ['applyForeignKeys', 'applyDdl'] } },
			},
			auditMigrationParameter({ operation: ['applyDdl', 'applyForeignKeys'] }),
			{
				displayName: 'Flatten Nested Documents',
				name: 'flatten',
				type: 'boolean',
				default: false,
				description:
					'Whether nested objects (MongoDB subdocuments, JSON objects) become one column per leaf, e.g. address_city; arrays stay JSON. Set it alike in Map and Read Chunk.',
				displayOptions: { show: { operation: ['map'] } },
			},
			{
				displayName: 'Arrays',
				name: 'arrays',
				type: 'options',
				options: [
					{ name: 'Keep as JSON', value: 'json', description: 'An array field becomes one JSON (jsonb) column' },
					{
						name: 'Child Tables',
						value: 'childTables',
						description:
							'An array field becomes a table <table>_<field> with one row per element (parent key, position, value or one column per leaf), and a <field>_count column in the parent',
					},
				],
				default: 'json',
				displayOptions: { show: { operation: ['map'] } },
			},
			{
				displayName: 'Separator',
				name: 'separator',
				type: 'string',
				default: '_',
				description: 'Joins names of flattened leaves and child tables',
				displayOptions: { show: { operation: ['map'] } },
			},
			{
				displayName: 'Destination Table Prefix',
				name: 'prefix',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['map'] } },
			},
		],
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const system = this.getNodeParameter('system', i) as DatabaseSystem;
				const operation = this.getNodeParameter('operation', i) as string;
				if (operation === 'checkSettings') {
					const request = this.getNodeParameter('request', i, null) as unknown;
					const defaults = parseJsonObject(this.getNodeParameter('defaults', i, '{}'));
					const schema = SETTINGS_SCHEMAS[this.getNodeParameter('schema', i, 'dbMigration') as SettingsSchemaName];
					const settings = await withConnector(this, system, async (connector) =>
						checkSettings(schema, request, defaults, connector.capabilities.maxIdentifier),
					);
					out.push({ json: settings as unknown as IDataObject, pairedItem: { item: i } });
					continue;
				}
				if (operation === 'applyForeignKeys' || operation === 'applyDdl') {
					const given = this.getNodeParameter('mappings', i, '') as unknown;
					const documents = given
						? typeof given === 'string'
							? (JSON.parse(given) as IDataObject[])
							: (given as IDataObject[])
						: [items[i].json];
					const mappings = (Array.isArray(documents) ? documents : [documents]).map((d) => requireMapping(this, d, i));
					await withConnector(this, system, async (connector) => {
						for (const mapping of mappings) {
							const migration = this.getNodeParameter('auditMigration', i, '') as string;
							const json = await auditedStep(
								connector,
								migration,
								{
									step: operation === 'applyDdl' ? 'Create Tables' : 'Add Foreign Keys',
									table: mapping.destinationTable,
								},
								() => (operation === 'applyDdl' ? applyDdl(connector, mapping) : applyForeignKeys(connector, mapping)),
							);
							out.push({ json, pairedItem: { item: i } });
						}
					});
					continue;
				}
				const tables = this.getNodeParameter('tables', i, []) as string[];
				if (operation === 'map') {
					const overrides = parseJsonObject(this.getNodeParameter('overrides', i, '{}')) as Record<string, string>;
					const prefix = this.getNodeParameter('prefix', i, '') as string;
					const flatten = this.getNodeParameter('flatten', i, false) as boolean;
					const separator = this.getNodeParameter('separator', i, '_') as string;
					const childTables = this.getNodeParameter('arrays', i, 'json') === 'childTables';
					const designed = await withConnector(this, system, async (connector) => {
						const found = await connector.introspect(tables.length ? tables : undefined);
						const samples = new Map<string, Row[]>();
						if (flatten || childTables)
							for (const schema of found) {
								const sample = await sampleRows(connector, schema.name);
								samples.set(schema.name, flatten ? sample.map((row) => flattenRow(row, separator)) : sample);
							}
						const schemas = flatten
							? found.map((schema) => flattenSchema(schema, samples.get(schema.name)!, separator))
							: found;
						return mapTables(schemas, overrides, prefix).map((mapping) => {
							if (!childTables) return mapping;
							const { parent, children } = childTablesFor(mapping.target, samples.get(mapping.table)!, separator);
							return { ...mapping, target: parent, children };
						});
					});
					for (const mapping of designed)
						out.push({
							json: { ...(mapping as unknown as IDataObject), markdown: mappingMarkdown(mapping) },
							pairedItem: { item: i },
						});
					continue;
				}
				const exactCounts = this.getNodeParameter('exactCounts', i, false) as boolean;
				const assessed = await withConnector(this, system, (connector) =>
					assessTables(connector, tables, { exactCounts }),
				);
				for (const table of assessed)
					out.push({
						json: { ...(table as unknown as IDataObject), markdown: assessmentMarkdown(table) },
						pairedItem: { item: i },
					});
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

async function applyDdl(connector: DatabaseConnector, mapping: TableMapping): Promise<IDataObject> {
	const { markdown: _, ...document } = mapping as TableMapping & { markdown?: string };
	await connector.createTable(mapping.target, { ifNotExists: true });
	for (const child of mapping.children ?? []) await connector.createTable(child.schema, { ifNotExists: true });
	// Batch Load reads the child-table design from here, so the chunk worker needs no extra input.
	await connector.state.set(MAPPING_NAMESPACE, mapping.destinationTable, document);
	return {
		table: mapping.destinationTable,
		sourceTable: mapping.table,
		created: true,
		columns: mapping.target.columns.length,
		indexes: mapping.target.indexes.length,
		childTables: (mapping.children ?? []).map((c) => c.table),
	};
}

async function applyForeignKeys(connector: DatabaseConnector, mapping: TableMapping): Promise<IDataObject> {
	let added = await connector.addForeignKeys(mapping.destinationTable, mapping.foreignKeys ?? []);
	for (const child of mapping.children ?? [])
		added += await connector.addForeignKeys(child.table, child.schema.foreignKeys);
	return { table: mapping.destinationTable, foreignKeys: mapping.foreignKeys?.length ?? 0, added };
}

function parseJsonObject(value: unknown): Record<string, unknown> {
	const parsed = typeof value === 'string' ? (JSON.parse(value || '{}') as unknown) : value;
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		throw new RangeError('Type Overrides must be a JSON object');
	return parsed as Record<string, unknown>;
}

function requireMapping(context: IExecuteFunctions, json: IDataObject, itemIndex: number): TableMapping {
	const mapping = json as unknown as TableMapping;
	if (!mapping.target?.columns || !mapping.destinationTable) {
		throw new NodeOperationError(
			context.getNode(),
			'This operation needs mapping documents from a Schema Mapper "Map" step as input',
			{ itemIndex },
		);
	}
	return mapping;
}

/** The first rows in key order: what flattening infers leaf columns from. */
async function sampleRows(connector: ChangeSource, table: string, size = 1000): Promise<Row[]> {
	for await (const rows of connector.read(table, {}, { batchSize: size })) return rows;
	return [];
}
