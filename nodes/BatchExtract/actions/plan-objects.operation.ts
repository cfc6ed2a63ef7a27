import { planAndRecord } from '../../../core/files/plan';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { prefixOf, runPathsOf, STATE_PROPERTIES, storeProperties, withStores } from '../../shared/object-stores';

export const PLAN_OBJECTS_OPERATION = 'planObjects';

export const planObjects: Operation = {
	option: {
		name: 'Plan Objects',
		value: PLAN_OBJECTS_OPERATION,
		action: 'Plan the objects of a store into chunks',
		description:
			'Lists the source (S3 bucket or folder) under its prefix and cuts it into chunks by count and bytes; one item per chunk; the plan is recorded in the destination',
	},
	properties: [
		...storeProperties('source'),
		...storeProperties('destination'),
		...STATE_PROPERTIES,
		{
			displayName: 'Files per Chunk',
			name: 'filesPerChunk',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1000,
		},
		{
			displayName: 'MB per Chunk',
			name: 'mbPerChunk',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1024,
			description: 'A chunk closes before it passes this many megabytes (one larger object is a chunk of its own)',
		},
	],
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const paths = runPathsOf(this, i);
				const plan = await withStores(this, i, ['source', 'destination'], ({ source, destination }) =>
					planAndRecord(source!, destination!, prefixOf(this, 'source', i), paths, {
						filesPerChunk: Number(this.getNodeParameter('filesPerChunk', i, 1000)),
						bytesPerChunk: Number(this.getNodeParameter('mbPerChunk', i, 1024)) * 1024 * 1024,
						statePrefix: paths.statePrefix,
					}),
				);
				const totals = { files: plan.files, bytes: plan.bytes, chunks: plan.chunks.length };
				return paired(
					plan.chunks.map((chunk) => ({ migration: paths.migration, ...chunk, plan: totals })),
					i,
				);
			}),
		];
	},
};
