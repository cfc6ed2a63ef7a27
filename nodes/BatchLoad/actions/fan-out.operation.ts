import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { forgetFailures, keyOfChunk, nextChunks, type Ledger } from '../../../core/copy/fan-out';
import type { PlannedChunk } from '../../../core/copy/chunks';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';

export const FAN_OUT_OPERATION = 'fanOut';

/** What the node keeps between its runs in one execution (n8n's node context): the chunks and what was sent. */
interface FanOutContext {
	chunks?: PlannedChunk[];
	ledger?: Ledger;
}

/**
 * Hands chunks out as executions of their own and waits for them by their state in the destination.
 * Its first output goes to the request that starts a chunk's execution (the chunk worker's
 * webhook: any n8n worker may take it) and from there back here; each run returns the next chunks
 * to send, at most Chunks at Once out, until every chunk is checkpointed (nothing comes out: the
 * workflow goes on) or some failed for good (the second output, once nothing else is out).
 */
export const fanOut: Operation = {
	option: {
		name: 'Fan Out Chunks',
		value: FAN_OUT_OPERATION,
		action: 'Fan out chunks to worker executions',
		description:
			'Send each chunk to an execution of its own (Send → the chunk webhook → back here) and wait for their checkpoints; chunks that failed for good on Failed',
	},
	properties: [
		{
			displayName: 'Chunks at Once',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 4,
			description:
				'Chunks out at the same time, over all workers: each opens its own source and destination connections',
		},
		{
			displayName: 'Lease (Seconds)',
			name: 'leaseSeconds',
			type: 'number',
			typeOptions: { minValue: 2 },
			default: 60,
			description:
				"A worker's hold on its chunk, renewed while it copies: the chunk of a worker that died is sent again once it expires",
		},
		{
			displayName: 'Wait for a Worker (Seconds)',
			name: 'claimSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 120,
			description: 'How long a sent chunk may wait for a worker to take it before it is sent again',
		},
		{
			displayName: 'Sends per Chunk',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 3,
			description: 'A chunk whose worker died (or that no worker took) this many times fails the run',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const context = this.getContext('node') as FanOutContext;
		const first = !context.chunks;
		// The first run gets the chunks (Skip Done Chunks' items); later runs get the requests' answers.
		const chunks = (context.chunks ??= items.map((item) => item.json as unknown as PlannedChunk));
		const ledger = (context.ledger ??= {});
		const leaseSeconds = this.getNodeParameter('leaseSeconds', 0) as number;
		const decision = await withConnector(this, system, async (destination) => {
			if (first) await forgetFailures(destination.state, chunks);
			return nextChunks(destination.state, () => destination.clock(), chunks, ledger, {
				concurrency: this.getNodeParameter('concurrency', 0) as number,
				claimSeconds: this.getNodeParameter('claimSeconds', 0) as number,
				maxAttempts: this.getNodeParameter('maxAttempts', 0) as number,
				pollMs: 1000,
				signal: this.getExecutionCancelSignal(),
			});
		});
		const item = (index: number, json: IDataObject): INodeExecutionData => ({
			json,
			pairedItem: { item: first ? index : 0 },
		});
		const send = decision.send.map((i) =>
			item(i, {
				...(chunks[i] as unknown as IDataObject),
				lease: { seconds: leaseSeconds },
				attempt: ledger[keyOfChunk(chunks[i])].attempts,
			}),
		);
		const failed = decision.failed.map(({ index, error }) =>
			item(index, { ...(chunks[index] as unknown as IDataObject), error }),
		);
		return [send, failed];
	},
};
