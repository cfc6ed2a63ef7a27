import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { copyObjectChunk } from '../../../core/files/copy';
import type { ObjectChunk } from '../../../core/files/plan';
import { RequestError } from '../../../core/model/errors';
import { toNodeError } from '../../shared/node-errors';
import { prefixOf, runPathsOf, STATE_PROPERTIES, storeProperties, withStores } from '../../shared/object-stores';
import type { Operation } from '../../shared/operations';

export const COPY_OBJECTS_OPERATION = 'copyObjects';

const MB = 1024 * 1024;

/** The chunk an input item is (Plan Objects' output), its shape checked. */
function chunkOf(json: IDataObject): ObjectChunk {
	const range = json.range as ObjectChunk['range'] | undefined;
	if (typeof json.chunk !== 'number' || !range || typeof range.prefix !== 'string')
		throw new RequestError(
			'Copy Objects takes the chunks of Plan Objects as its input items ({chunk, range, files, bytes})',
		);
	return { chunk: json.chunk, range, files: Number(json.files ?? 0), bytes: Number(json.bytes ?? 0) };
}

export const copyObjects: Operation = {
	option: {
		name: 'Copy Objects',
		value: COPY_OBJECTS_OPERATION,
		action: 'Copy the objects of each chunk',
		description:
			"Each input chunk's objects, several at once: skipped when already at the destination, else streamed (multipart) or copied server-side, the destination's checksum checked against the source's; failures on Rejected",
	},
	properties: [
		...storeProperties('source'),
		...storeProperties('destination'),
		...STATE_PROPERTIES,
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 64 },
			default: 8,
			description: 'Objects copied at once',
		},
		{
			displayName: 'Part Size (MB)',
			name: 'partSizeMb',
			type: 'number',
			typeOptions: { minValue: 5, maxValue: 5120 },
			default: 16,
			description:
				'Multipart: bytes per part (S3 takes 5 MB to 5 GB, at most 10,000 parts); an object up to one part goes in one request',
		},
		{
			displayName: 'Parts in Flight',
			name: 'queueSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 32 },
			default: 4,
			description: 'Parts of one object uploaded at once (memory: concurrency × parts in flight × part size at most)',
		},
		{
			displayName: 'Keep Overwritten Objects',
			name: 'keepOverwritten',
			type: 'boolean',
			default: true,
			description:
				'Whether an object the run would overwrite is first copied under the state prefix, and the objects it creates are recorded, so Rollback → Restore Objects can undo the run',
		},
		{
			displayName: 'Check Source ETags',
			name: 'checkSourceEtag',
			type: 'boolean',
			default: true,
			description:
				"Whether the bytes read are checked against the source's MD5 ETag (single-part objects); turn off for buckets encrypted with SSE-KMS or SSE-C, whose ETags are not MD5s",
		},
	],
	async execute(items) {
		const loaded: INodeExecutionData[] = [];
		const rejected: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const chunk = chunkOf(items[i].json);
				const result = await withStores(this, i, ['source', 'destination'], ({ source, destination }) =>
					copyObjectChunk(source!, destination!, chunk, {
						sourcePrefix: prefixOf(this, 'source', i),
						destinationPrefix: prefixOf(this, 'destination', i),
						paths: runPathsOf(this, i),
						concurrency: Number(this.getNodeParameter('concurrency', i, 8)),
						partSize: Number(this.getNodeParameter('partSizeMb', i, 16)) * MB,
						queueSize: Number(this.getNodeParameter('queueSize', i, 4)),
						keepOverwritten: this.getNodeParameter('keepOverwritten', i, true) as boolean,
						checkSourceEtag: this.getNodeParameter('checkSourceEtag', i, true) as boolean,
					}),
				);
				const { failed, ...summary } = result;
				loaded.push({
					json: {
						...summary,
						failed: failed.length,
						bytesPerSecond: summary.seconds > 0 ? Math.round(summary.copiedBytes / summary.seconds) : null,
					},
					pairedItem: { item: i },
				});
				for (const failure of failed)
					rejected.push({
						json: { chunk: chunk.chunk, ...failure } as unknown as IDataObject,
						pairedItem: { item: i },
					});
			} catch (error) {
				if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, i);
				// The whole chunk failed (its listing, a lost store): on Loaded as failed too, so what follows sees every chunk.
				const chunk = items[i].json.chunk ?? null;
				const message = toNodeError(this.getNode(), error, i).message;
				loaded.push({
					json: { chunk, failed: Number(items[i].json.files ?? 0) || 1, error: message },
					pairedItem: { item: i },
				});
				rejected.push({ json: { chunk, error: message }, pairedItem: { item: i } });
			}
		}
		return [loaded, rejected];
	},
};
