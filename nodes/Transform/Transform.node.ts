import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { databaseCredentials, systemParameter } from '../shared/connection';
import { databaseNodeMethods } from '../shared/node-connector';
import { operationProperties, route } from '../shared/operations';
import { lookUpIds } from './actions/look-up-ids.operation';
import { recordIds } from './actions/record-ids.operation';
import { rewriteIds } from './actions/rewrite-ids.operation';
import { TRANSFORM_ROWS_OPERATION, transformRows } from './actions/transform-rows.operation';

const OPERATIONS = [transformRows, recordIds, lookUpIds, rewriteIds];

export class Transform implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Migration Transform',
		name: 'transform',
		subtitle:
			'={{ ($parameter["operation"] || "transform") === "transform" ? "steps: " + (($parameter["steps"] || {}).step || []).length : $parameter["operation"] }}',
		icon: { light: 'file:transform.svg', dark: 'file:transform.dark.svg' },
		group: ['transform'],
		version: 1,
		description:
			'Rename, cast, default, compute (with expressions), drop, flatten and remap IDs of rows, in order; record, look up and rewrite IDs through a migration’s ID map between any nodes',
		defaults: { name: 'Transform' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ ($parameter.operation || 'transform') === 'transform' ? [{ type: 'main', displayName: 'Rows' }, { type: 'main', displayName: 'Rejected' }] : $parameter.operation === 'recordIds' ? ['main'] : [{ type: 'main', displayName: $parameter.operation === 'lookUpIds' ? 'Mapped' : 'Rewritten' }, { type: 'main', displayName: 'Not Mapped' }] }}`,
		usableAsTool: true,
		// The ID map operations keep their map in a PostgreSQL or MySQL database (the State Database).
		credentials: databaseCredentials([TRANSFORM_ROWS_OPERATION]),
		properties: operationProperties(OPERATIONS, TRANSFORM_ROWS_OPERATION, [
			systemParameter('system', 'State Database', [TRANSFORM_ROWS_OPERATION]),
		]),
	};

	methods = databaseNodeMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const outputs = (this.getNodeParameter('operation', 0, TRANSFORM_ROWS_OPERATION) as string) === 'recordIds' ? 1 : 2;
		return route(this, OPERATIONS, outputs);
	}
}
