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
import type { DatabaseConnector } from '../../core/ports';
import { cutoverReadiness } from '../../core/sync/cutover';
import { checkDualWrite, checkRulesAgainst } from '../../core/sync/dual-write';
import { SchemaError, StateError } from '../../core/model/errors';
import type { KeyTuple } from '../../core/model/schema';
import { keyOf } from '../../core/model/schema';
import {
	clearReplays,
	commitBatch,
	commitStart,
	committedState,
	watermarkKey,
	newRunOwner,
	queueReplays,
	readChangeBatch,
	startPosition,
	takeLease,
	type ChangeBatch,
	type SyncState,
} from '../../core/sync/sync';
import {
	deleteMissingKeys,
	keySegments,
	sourceKeysIfDifferent,
	type KeySegment,
	type SegmentKeys,
} from '../../core/sync/sync-deletes';
import type { Check } from '../../core/validate/validate';
import { systemParameter, type DatabaseSystem } from '../shared/connection';
import { tableParameter } from '../shared/database-properties';
import { itemToRow, rowToItem } from '../shared/items';
import { databaseNodeMethods, withConnector } from '../shared/node-connector';
import { failedItems, toNodeError } from '../shared/node-errors';
import { syncProperties } from './sync-properties';
import { LEASE_NAMESPACE } from '../../core/state/namespaces';

type Output = INodeExecutionData[];

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
			syncProperties.operation,
			systemParameter('system', 'Database'),
			tableParameter('Table Name or ID', 'The synced table (collection)', {
				operation: ['begin', 'read', 'commit', 'markStart', 'queueReplay', 'keySegments'],
			}),
			...syncProperties.rest,
		],
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
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		try {
			return await withConnector(this, system, async (connector) => {
				const outputs: Output[] = operation === 'begin' || operation === 'read' ? [[], []] : [[]];
				const run = STEPS[operation];
				if (!run) throw new RangeError(`Unknown operation ${operation}`);
				if (operation === 'readiness' || operation === 'queueReplay') {
					await run(this, connector, 0, outputs, items);
					return outputs;
				}
				for (let i = 0; i < items.length; i++) await run(this, connector, i, outputs, items);
				return outputs;
			});
		} catch (error) {
			if (this.continueOnFail()) return [failedItems(items, error)];
			throw toNodeError(this.getNode(), error);
		}
	}
}

type Step = (
	node: IExecuteFunctions,
	connector: DatabaseConnector,
	i: number,
	outputs: Output[],
	items: INodeExecutionData[],
) => Promise<void>;

const param = <T>(node: IExecuteFunctions, name: string, i: number, fallback?: T): T =>
	node.getNodeParameter(name, i, fallback) as T;

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as IDataObject;

const emit = (outputs: Output[], index: number, value: unknown, i: number) =>
	outputs[index].push({ json: value as IDataObject, pairedItem: { item: i } });

const STEPS: Record<string, Step> = {
	/** Old database: the dual-write request checked against its settings and the live table, before anything is written. */
	async checkWrite(node, source, i, outputs) {
		const allowed = json(param(node, 'allowedWrites', i, '{}')) as unknown as Record<string, string[]>;
		// The body as it came: a string is no request object, and is refused as one.
		const request = checkDualWrite(param(node, 'request', i), {
			allowed,
			maxRows: param(node, 'maxRows', i, 1000),
			maxBodyBytes: param(node, 'maxBodyBytes', i, 1048576),
		});
		const [table] = await source.introspect([request.table]);
		checkRulesAgainst(table, allowed[request.table]);
		emit(outputs, 0, { ...request, valueExcerpt: param(node, 'valueExcerpt', i, 40) }, i);
	},

	/** Destination: takes the sync's lease and reads its committed watermark. */
	async begin(node, destination, i, outputs) {
		const sync = param<string>(node, 'sync', i);
		const table = param<string>(node, 'table', i);
		const cursorColumn = param<string>(node, 'cursorColumn', i);
		const state = await committedState(destination, sync, table, cursorColumn);
		const owner = newRunOwner(node.getExecutionId());
		const lease = await takeLease(destination.state, sync, table, owner, param(node, 'leaseSeconds', i, 600));
		const item = {
			sync,
			table,
			cursorColumn,
			owner,
			watermark: state?.watermark ?? null,
			lastSync: state?.committedAt ?? null,
		};
		if (lease.acquired) emit(outputs, 0, item, i);
		else emit(outputs, 1, { ...item, busy: `another run (${lease.holder}) holds this sync until ${lease.until}` }, i);
	},

	/** Source: the next batch past the watermark on output 1, its rows on output 0. */
	async read(node, source, i, outputs, items) {
		const start = items[i].json;
		if (typeof start.owner !== 'string' || typeof start.sync !== 'string')
			throw new SchemaError(
				'SCHEMA_ERROR',
				'Read Changes takes the item of Begin Sync (sync, owner, watermark) as input',
				{},
			);
		const table = param<string>(node, 'table', i);
		if (start.table && start.table !== table)
			throw new SchemaError('SCHEMA_ERROR', `The watermark item is for table ${String(start.table)}, not ${table}`, {
				table,
			});
		const { batch, rows } = await readChangeBatch(source, {
			sync: start.sync,
			table,
			cursorColumn: param(node, 'cursorColumn', i),
			owner: start.owner,
			after: (start.watermark as ChangeBatch['from']) ?? null,
			batchSize: param(node, 'batchSize', i, 5000),
			lagSeconds: param(node, 'lagSeconds', i, 5),
			softDeleteColumn: param<string>(node, 'softDeleteColumn', i, '') || undefined,
			replayQueue: param(node, 'replayQueue', i, true) ? source.state : undefined,
		});
		// An empty batch still goes on as one empty item, so the load and the commit run (Batch Load skips it).
		outputs[0].push(...(rows.length ? rows.map((r) => rowToItem(r, i)) : [{ json: {}, pairedItem: { item: i } }]));
		emit(outputs, 1, batch, i);
	},

	/** Destination: after the load, the batch's deletes and its watermark in one transaction; then the lease is given back. */
	async commit(node, destination, i, outputs) {
		const batch = json(param(node, 'batch', i)) as unknown as ChangeBatch;
		if (!batch || typeof batch.sync !== 'string' || !('from' in batch))
			throw new SchemaError('SCHEMA_ERROR', 'Batch must be the Batch output of Read Changes', {});
		const rejected = Number(param(node, 'rejected', i, 0) ?? 0);
		if (rejected > 0)
			throw new StateError(
				`${rejected} row(s) of this batch were rejected by the load (see its Rejected output): the watermark of ${batch.table} is not committed`,
				{ table: batch.table },
			);
		const leaseSeconds = param(node, 'leaseSeconds', i, 600);
		const state = await commitBatch(destination, batch, {
			expectedTable: param<string>(node, 'table', i),
			destinationTable: param<string>(node, 'destinationTable', i, ''),
			leaseSeconds,
		});
		await destination.state.release(LEASE_NAMESPACE, watermarkKey(batch.sync, batch.table), batch.owner);
		emit(
			outputs,
			0,
			{
				...lagFields(state),
				upserts: batch.upserts,
				deleted: batch.deletedKeys.length,
				replayed: batch.replayed.length,
				more: batch.more,
			},
			i,
		);
	},

	/** Source: where the first sync starts, read before the backfill. */
	async markStart(node, source, i, outputs) {
		const start = await startPosition(
			source,
			param(node, 'table', i),
			param(node, 'cursorColumn', i),
			param(node, 'lagSeconds', i, 5),
		);
		emit(outputs, 0, { sync: param<string>(node, 'sync', i), ...start }, i);
	},

	/** Destination: records a Mark Start item unless the sync already has a watermark. */
	async commitStart(node, destination, i, outputs, items) {
		const start = items[i].json as unknown as SyncState & { sync: string };
		if (typeof start.table !== 'string' || typeof start.cursorColumn !== 'string')
			throw new SchemaError('SCHEMA_ERROR', 'Commit Start takes the item of Mark Start as input', {});
		const { state, recorded } = await commitStart(destination, start.sync, start);
		emit(outputs, 0, { ...state, recorded }, i);
	},

	/** Old database: keys of the input rows whose write to the new database failed, for the next sync to replay. */
	async queueReplay(node, oldDatabase, _i, outputs, items) {
		const table = param<string>(node, 'table', 0);
		const [schema] = await oldDatabase.introspect([table]);
		// Rows (from an error output) carry their key columns; rejections (a Rejected output) carry `key`.
		const keys: KeyTuple[] = items.map((item) =>
			schema.primaryKey.every((k) => k in item.json) || !Array.isArray(item.json.key)
				? keyOf(itemToRow(item), schema.primaryKey)
				: (item.json.key as KeyTuple),
		);
		if (keys.some((k) => k.some((v) => v === null)))
			throw new SchemaError(
				'NO_PRIMARY_KEY',
				`Every queued row needs its primary key (${schema.primaryKey.join(', ')})`,
				{ table },
			);
		const queued = await queueReplays(oldDatabase.state, param(node, 'sync', 0), table, keys);
		emit(outputs, 0, { table, queued }, 0);
	},

	/** Source: removes the replay entries a committed batch carried. */
	async clearReplayed(node, source, i, outputs) {
		const batch = json(param(node, 'batch', i)) as unknown as ChangeBatch;
		emit(
			outputs,
			0,
			{ sync: batch.sync, table: batch.table, cleared: await clearReplays(source.state, batch.replayed ?? []) },
			i,
		);
	},

	/** Destination: key segments with the digest of their keys (key-set deletes, step 1). */
	async keySegments(node, destination, i, outputs) {
		for (const segment of await keySegments(destination, param(node, 'table', i), param(node, 'segmentRows', i, 10000)))
			emit(outputs, 0, segment, i);
	},

	/** Source: the source's keys of each segment whose key digest differs (step 2). */
	async changedSegments(_node, source, i, outputs, items) {
		const found = await sourceKeysIfDifferent(source, items[i].json as unknown as KeySegment);
		if (found) emit(outputs, 0, found, i);
	},

	/** Destination: deletes the keys of each segment the source no longer has (step 3). */
	async deleteMissing(_node, destination, i, outputs, items) {
		const segment = items[i].json as unknown as SegmentKeys;
		if (!Array.isArray(segment.sourceKeys)) return; // no segment differed: the empty item that keeps the flow going
		emit(
			outputs,
			0,
			{ table: segment.table, range: segment.range, deleted: await deleteMissingKeys(destination, segment) },
			i,
		);
	},

	/** Destination: lag 0 and every validation check passing, as one verdict. */
	async readiness(node, destination, _i, outputs, items) {
		const sync = param<string>(node, 'sync', 0);
		const tables = list(param(node, 'tables', 0));
		const cursorColumn = param<string>(node, 'cursorColumn', 0);
		const states = await Promise.all(tables.map((t) => committedState(destination, sync, t, cursorColumn)));
		// Checks from Verify Rows (one per item) or from Compare (a list per table).
		const checks = items
			.flatMap((item) => (Array.isArray(item.json.checks) ? item.json.checks : [item.json]) as unknown as Check[])
			.filter((c) => typeof c.check === 'string');
		emit(outputs, 0, cutoverReadiness(tables, states, checks), 0);
	},
};

function lagFields(state: SyncState): IDataObject {
	return {
		sync: state.sync,
		table: state.table,
		watermark: state.watermark as unknown as IDataObject,
		rowsBehind: state.rowsBehind ?? null,
		secondsBehind: state.secondsBehind ?? null,
		lastSyncTime: state.committedAt ?? null,
	};
}

function list(value: unknown): string[] {
	const names = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	return names.map((t) => t.trim()).filter(Boolean);
}
