import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DATABASE_CREDENTIALS, systemParameter, type DatabaseSystem } from '../shared/connection';
import { tableParameter } from '../shared/database-properties';
import { databaseNodeMethods, withConnector } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { beginOperation } from './actions/begin.operation';
import { readOperation } from './actions/read-changes.operation';
import { commitOperation } from './actions/commit.operation';
import { markStartOperation } from './actions/mark-start.operation';
import { commitStartOperation } from './actions/commit-start.operation';
import { checkWriteOperation } from './actions/check-write.operation';
import { queueReplayOperation } from './actions/queue-replay.operation';
import { clearReplayedOperation } from './actions/clear-replayed.operation';
import { keySegmentsOperation } from './actions/key-segments.operation';
import { changedSegmentsOperation } from './actions/changed-segments.operation';
import { deleteMissingOperation } from './actions/delete-missing.operation';
import { readinessOperation } from './actions/readiness.operation';
import { releaseOperation } from './actions/release.operation';
import { pendingReplaysOperation } from './actions/pending-replays.operation';
import { syncProperties } from './sync-properties';

const OPERATIONS = [
	beginOperation,
	readOperation,
	commitOperation,
	markStartOperation,
	commitStartOperation,
	checkWriteOperation,
	queueReplayOperation,
	clearReplayedOperation,
	keySegmentsOperation,
	changedSegmentsOperation,
	deleteMissingOperation,
	readinessOperation,
	releaseOperation,
	pendingReplaysOperation,
];

export class IncrementalSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Incremental Sync',
		name: 'incrementalSync',
		icon: { light: 'file:incrementalSync.svg', dark: 'file:incrementalSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Keep a destination in step with a live source: changes past the committed (cursor, key) watermark, deletes, dual-write replay, cutover readiness',
		defaults: { name: 'Incremental Sync' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter.operation === 'begin' ? [{ type: 'main', displayName: 'Start' }, { type: 'main', displayName: 'Busy' }] : $parameter.operation === 'read' ? [{ type: 'main', displayName: 'Changes' }, { type: 'main', displayName: 'Batch' }] : ['main'] }}`,
		usableAsTool: true,
		credentials: DATABASE_CREDENTIALS,
		properties: operationProperties(OPERATIONS, 'read', [
			systemParameter('system', 'Database'),
			// Shared by several steps, each shown for the operations that take it.
			tableParameter('Table Name or ID', 'The synced table (collection)', {
				operation: ['begin', 'read', 'commit', 'markStart', 'queueReplay', 'keySegments', 'release'],
			}),
			...syncProperties,
		]),
	};

	methods = {
		...databaseNodeMethods,
		loadOptions: {
			...databaseNodeMethods.loadOptions,
			async getColumns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const table = this.getCurrentNodeParameter('table') as string;
				const system = this.getCurrentNodeParameter('system') as DatabaseSystem;
				if (!table) return [];
				const [schema] = await withConnector(this, system, (c) => c.introspect([table]));
				return schema.columns.map((c) => ({
					name: c.name,
					value: c.name,
					description: `${c.nativeType} (${c.logical})`,
				}));
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return route(this, OPERATIONS);
	}
}
