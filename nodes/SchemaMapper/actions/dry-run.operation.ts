import { dryRunDocument } from '../../../core/documents/dry-run';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { MAPPING_DOCUMENTS, mappingDocuments } from './json';
import { SAMPLE_RUN_PROPERTIES, sampleRun, withSampleRun } from './sample-run';

export const DRY_RUN_OPERATION = 'dryRun';

export const dryRunOperation: Operation = {
	option: {
		name: 'Dry Run',
		value: DRY_RUN_OPERATION,
		action: 'Dry run a migration on sample rows',
		description:
			"Sample rows of every mapped table through the run's read → transform → load into a scratch schema (database) of this one, validated and reported, then dropped: the real tables are not touched",
	},
	properties: [...SAMPLE_RUN_PROPERTIES, MAPPING_DOCUMENTS],
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const mappings = mappingDocuments(this, items[i].json, i);
				const result = await withSampleRun(this, (source, destination) =>
					sampleRun(this, source, destination, mappings, i),
				);
				return paired([{ ...result, markdown: dryRunDocument(result).markdown }], i);
			}),
		];
	},
};
