import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import {
	compareWithFingerprint,
	fingerprintTable,
	verifyRows,
	type Check,
	type Comparison,
	type Fingerprint,
} from '../../core/validate/validate';
import { type TableMapping } from '../../core/mapping/mapping';
import { appendAudit, auditLog, runProgress } from '../../core/report/progress';
import { buildReport, reportHtml, reportMarkdown } from '../../core/report/report';
import { systemParameter, type DatabaseSystem } from '../shared/connection';
import { auditMigrationParameter } from '../shared/database-properties';
import { auditedStep, databaseNodeMethods, withConnector } from '../shared/node-connector';
import { failedItems, toNodeError } from '../shared/node-errors';
import { MAPPING_NAMESPACE } from '../../core/state/namespaces';

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
		outputs: `={{ $parameter.operation === 'verify' && $parameter.onFailure !== 'error' ? [{ type: 'main', displayName: 'Valid' }, { type: 'main', displayName: 'Invalid' }] : ['main'] }}`,
		usableAsTool: true,
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
						name: 'Fingerprint (Source)',
						value: 'fingerprint',
						action: 'Fingerprint source tables',
						description:
							'Per table: row count, checksums per key segment computed in the database, a seeded sample of rows',
					},
					{
						name: 'Compare (Destination)',
						value: 'compare',
						action: 'Compare the destination with fingerprints',
						description:
							'Per input fingerprint: columns, count, segment checksums, the sample row by row, orphaned foreign keys',
					},
					{
						name: 'Report (Destination)',
						value: 'report',
						action: 'Build the migration report',
						description:
							"The migration report from the run's plan, checkpoints, audit log, mappings and the input checks: JSON, Markdown, and an HTML file as binary data",
					},
					{
						name: 'Status (Destination)',
						value: 'status',
						action: 'Report live progress of a migration',
						description: 'Chunks and rows done of the plan, rows per second, ETA, errors: while the migration runs',
					},
					{
						name: 'Verify Rows (Source)',
						value: 'verify',
						action: 'Name every difference',
						description:
							'Reads the source rows of segments whose checksums differ and names each missing, extra or changed value; one item per check',
					},
				],
				default: 'fingerprint',
			},
			systemParameter('system', 'Database'),
			{
				displayName: 'Table Names or IDs',
				name: 'tables',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getTables', loadOptionsDependsOn: ['system'] },
				default: [],
				required: true,
				displayOptions: { show: { operation: ['fingerprint'] } },
				description:
					'Source tables to validate. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Migration Name',
				name: 'migration',
				type: 'string',
				default: 'migration',
				required: true,
				description: 'The run to report on: the Migration Name of its chunks',
				displayOptions: { show: { operation: ['report', 'status'] } },
			},
			{
				displayName: 'Rows per Segment',
				name: 'segmentRows',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10000,
				description: 'Checksums are compared per key segment of this many rows; a differing segment is read row by row',
				displayOptions: { show: { operation: ['fingerprint'] } },
			},
			{
				displayName: 'Sample Size',
				name: 'sampleSize',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 100,
				description: 'Rows picked at random (reproducibly, by the seed) and compared value by value',
				displayOptions: { show: { operation: ['fingerprint'] } },
			},
			{
				displayName: 'Sample at Most the Table',
				name: 'sampleAtMostTable',
				type: 'boolean',
				default: false,
				description: 'Whether a table with fewer rows than the sample size is sampled whole instead of refused',
				displayOptions: { show: { operation: ['fingerprint'] } },
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				default: 1,
				displayOptions: { show: { operation: ['fingerprint'] } },
			},
			{
				displayName: 'Destination Table Prefix',
				name: 'prefix',
				type: 'string',
				default: '',
				description: 'Prefix of the destination tables, as set in Schema Mapper Map',
				displayOptions: { show: { operation: ['compare'] } },
			},
			auditMigrationParameter({ operation: ['compare'] }),
			{
				displayName: 'Max Rows to Diff',
				name: 'maxDiffRows',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 100000,
				description: 'Destination rows of differing segments carried to Verify Rows; beyond, segments are counted only',
				displayOptions: { show: { operation: ['compare'] } },
			},
			{
				displayName: 'On Failure',
				name: 'onFailure',
				type: 'options',
				options: [
					{ name: 'Route to Invalid Output', value: 'route' },
					{ name: 'Stop With an Error', value: 'error' },
				],
				default: 'route',
				displayOptions: { show: { operation: ['verify'] } },
			},
		],
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		try {
			return await withConnector(this, system, async (connector) => {
				if (operation === 'fingerprint') {
					const out: INodeExecutionData[] = [];
					for (let i = 0; i < items.length; i++) {
						const options = {
							segmentRows: this.getNodeParameter('segmentRows', i) as number,
							sampleSize: this.getNodeParameter('sampleSize', i) as number,
							seed: this.getNodeParameter('seed', i) as number,
							sampleAtMostTable: this.getNodeParameter('sampleAtMostTable', i, false) as boolean,
						};
						for (const table of this.getNodeParameter('tables', i) as string[]) {
							const fingerprint = await fingerprintTable(connector, table, options);
							out.push({ json: fingerprint as unknown as IDataObject, pairedItem: { item: i } });
						}
					}
					return [out];
				}
				if (operation === 'status') {
					const out: INodeExecutionData[] = [];
					for (let i = 0; i < items.length; i++) {
						const progress = await runProgress(connector, this.getNodeParameter('migration', i) as string);
						out.push({ json: progress as unknown as IDataObject, pairedItem: { item: i } });
					}
					return [out];
				}
				if (operation === 'report') {
					const migration = this.getNodeParameter('migration', 0) as string;
					const checks = items
						.map((item) => item.json as unknown as Check)
						.filter((c) => typeof c.check === 'string' && typeof c.pass === 'boolean');
					const progress = await runProgress(connector, migration);
					const mappings = (await connector.state.list<TableMapping>(MAPPING_NAMESPACE))
						.map((e) => e.value)
						.filter((m) => m.table in progress.tables);
					await appendAudit(connector, { migration, step: 'Report', durationMs: 0, outcome: 'success' });
					const report = buildReport({ progress, audit: await auditLog(connector, migration), mappings, checks });
					const markdown = reportMarkdown(report);
					const html = await this.helpers.prepareBinaryData(
						Buffer.from(reportHtml(report), 'utf8'),
						`migration-report-${migration}.html`,
						'text/html',
					);
					const md = await this.helpers.prepareBinaryData(
						Buffer.from(markdown, 'utf8'),
						`migration-report-${migration}.md`,
						'text/markdown',
					);
					return [
						[
							{
								json: { ...(report as unknown as IDataObject), markdown },
								binary: { html, markdown: md },
								pairedItem: { item: 0 },
							},
						],
					];
				}
				if (operation === 'compare') {
					const out: INodeExecutionData[] = [];
					for (let i = 0; i < items.length; i++) {
						const fingerprint = requireShape<Fingerprint>(this, items[i].json, 'segments', 'Fingerprint (Source)', i);
						const comparison = await auditedStep(
							connector,
							this.getNodeParameter('auditMigration', i, '') as string,
							{ step: 'Validate', table: fingerprint.table },
							() =>
								compareWithFingerprint(connector, fingerprint, {
									destinationTable: `${this.getNodeParameter('prefix', i, '') as string}${fingerprint.table}`,
									maxDiffRows: this.getNodeParameter('maxDiffRows', i) as number,
								}),
						);
						out.push({ json: comparison as unknown as IDataObject, pairedItem: { item: i } });
					}
					return [out];
				}
				const checks: Array<{ check: Check; item: number }> = [];
				for (let i = 0; i < items.length; i++) {
					const comparison = requireShape<Comparison>(this, items[i].json, 'pending', 'Compare (Destination)', i);
					for (const check of await verifyRows(connector, comparison)) checks.push({ check, item: i });
				}
				const failed = checks.filter(({ check }) => !check.pass);
				if (failed.length && this.getNodeParameter('onFailure', 0) === 'error')
					throw new NodeOperationError(
						this.getNode(),
						`Validation failed: ${failed.map(({ check }) => `${check.table} ${check.check}`).join(', ')}`,
						{ description: JSON.stringify(failed.map(({ check }) => check)).slice(0, 2000) },
					);
				const all = checks.map(({ check, item }) => ({
					json: check as unknown as IDataObject,
					pairedItem: { item },
				}));
				if (this.getNodeParameter('onFailure', 0) === 'error') return [all];
				return failed.length ? [[], all] : [all, []];
			});
		} catch (error) {
			// n8n passes a throwing node's input on as its output: the error must be an item to reach the error output.
			if (this.continueOnFail()) return [failedItems(items, error)];
			throw toNodeError(this.getNode(), error);
		}
	}
}

function requireShape<T>(
	context: IExecuteFunctions,
	json: IDataObject,
	field: string,
	step: string,
	itemIndex: number,
): T {
	if (!json || !(field in json))
		throw new NodeOperationError(
			context.getNode(),
			`This operation needs the items of a Validate "${step}" step as input`,
			{
				itemIndex,
			},
		);
	return json as unknown as T;
}
