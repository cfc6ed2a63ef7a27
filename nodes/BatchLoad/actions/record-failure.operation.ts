import type { PlannedChunk } from '../../../core/copy/chunks';
import { recordChunkFailure } from '../../../core/copy/fan-out';
import type { DatabaseSystem } from '../../shared/connection';
import { chunkWorkerName } from '../../shared/chunk-lease';
import { jsonParameter } from '../../shared/items';
import { withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';

export const RECORD_FAILURE_OPERATION = 'recordFailure';

/** A chunk's execution gave up: its reason goes where the run that sent it (Fan Out Chunks) reads it. */
export const recordFailure: Operation = {
	option: {
		name: 'Record Chunk Failure',
		value: RECORD_FAILURE_OPERATION,
		action: 'Record why a chunk failed',
		description: 'Store why a sent chunk failed for good, so the run waiting in Fan Out Chunks answers with it',
	},
	properties: [
		{
			displayName: 'Chunk',
			name: 'chunk',
			type: 'json',
			default: '={{ $json }}',
			description: 'The chunk that failed (migration, table, range)',
		},
		{
			displayName: 'Error',
			name: 'error',
			type: 'string',
			default: '={{ $json.error }}',
			description: 'Why it failed',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await withConnector(this, system, (destination) =>
				eachItem(this, items, async (i) => {
					const chunk = jsonParameter(this.getNodeParameter('chunk', i)) as PlannedChunk;
					const error = String(this.getNodeParameter('error', i) || 'unknown error');
					await recordChunkFailure(destination.state, chunk, error, chunkWorkerName(this));
					return paired([{ ...chunk, error, recorded: true }], i);
				}),
			),
			[],
		];
	},
};
