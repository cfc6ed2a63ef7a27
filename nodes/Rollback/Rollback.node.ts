import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { audited } from '../../core/report/progress';
import { discardSnapshots, restoreRun, snapshotTables } from '../../core/rollback/rollback';
import { systemParameter, type DatabaseSystem } from '../shared/connection';
import { auditMigrationParameter, MIGRATION_NAME } from '../shared/database-properties';
import { auditedStep, databaseNodeMethods, withConnector } from '../shared/node-connector';
import { toNodeError } from '../shared/node-errors';

const DAY_MS = 24 * 60 * 60 * 1000;

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
						name: 'Snapshot',
						value: 'snapshot',
						action: 'Snapshot tables before writing',
						description:
							'Record each table as created by this migration (restore drops it) or copy its rows with their checksum. On the source credential it is a backup.',
					},
					{
						name: 'Restore',
						value: 'restore',
						action: 'Restore tables to their snapshot',
						description: 'Bring every table of the migration back to its snapshot, checked by checksum; safe to rerun',
					},
					{
						name: 'Discard',
						value: 'discard',
						action: 'Discard snapshots',
						description: 'Drop snapshot copies after success, or once the rollback period is over',
					},
				],
				default: 'snapshot',
			},
			systemParameter('system', 'Database'),
			{
				...MIGRATION_NAME,
				description: 'The migration run whose snapshots these are: the Migration Name of its chunks',
				displayOptions: { show: { operation: ['snapshot', 'restore'] } },
			},
			{
				displayName: 'Tables',
				name: 'tables',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'customers, orders',
				description:
					'Comma-separated names, or an expression giving an array, e.g. the destination tables of the Map step; tables that do not exist yet are recorded as created by the migration',
				displayOptions: { show: { operation: ['snapshot'] } },
			},
			{
				displayName: 'Migration Name',
				name: 'discardRun',
				type: 'string',
				default: '',
				description: "Only this run's snapshots; empty means every run's",
				displayOptions: { show: { operation: ['discard'] } },
			},
			auditMigrationParameter({ operation: ['discard'] }),
			{
				displayName: 'Keep for (Days)',
				name: 'keepDays',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'The rollback period: snapshots younger than this are kept; 0 discards them now',
				displayOptions: { show: { operation: ['discard'] } },
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
				await withConnector(this, system, async (connector) => {
					if (operation === 'snapshot') {
						const run = this.getNodeParameter('migration', i) as string;
						const tables = tableList(this.getNodeParameter('tables', i));
						const taken = await audited(connector, { migration: run, step: 'Snapshot' }, () =>
							snapshotTables(connector, run, tables),
						);
						for (const record of taken) {
							const { snapshot } = record;
							out.push({
								json: {
									migration: run,
									table: snapshot.table,
									createdByMigration: snapshot.createdByMigration,
									rows: snapshot.rows,
									digest: snapshot.digest ?? null,
									takenAt: record.takenAt,
								},
								pairedItem: { item: i },
							});
						}
					} else if (operation === 'restore') {
						const run = this.getNodeParameter('migration', i) as string;
						const restored = await audited(connector, { migration: run, step: 'Restore' }, () =>
							restoreRun(connector, run),
						);
						for (const outcome of restored)
							out.push({ json: outcome as unknown as IDataObject, pairedItem: { item: i } });
					} else {
						const run = this.getNodeParameter('discardRun', i, '') as string;
						const keepDays = this.getNodeParameter('keepDays', i, 0) as number;
						const discarded = await auditedStep(
							connector,
							this.getNodeParameter('auditMigration', i, '') as string,
							{ step: 'Discard Snapshots' },
							() => discardSnapshots(connector, { run: run || undefined, olderThanMs: keepDays * DAY_MS }),
							(list) => list.length,
						);
						out.push({ json: { discarded: discarded.length, snapshots: discarded }, pairedItem: { item: i } });
					}
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

function tableList(value: unknown): string[] {
	const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	const tables = list.map((t) => t.trim()).filter(Boolean);
	if (!tables.length) throw new RangeError('Name at least one table to snapshot');
	return tables;
}
