import { sourceKeysIfDifferent, type KeySegment } from '../../../core/sync/sync-deletes';
import { emit, syncOperation, type Step } from './step';

/** Source: the source's keys of each segment whose key digest differs (step 2). */
const step: Step = async (_node, source, i, outputs, items) => {
	const found = await sourceKeysIfDifferent(source, items[i].json as unknown as KeySegment);
	if (found) emit(outputs, 0, found, i);
};

export const changedSegmentsOperation = syncOperation(
	{
		name: 'Changed Key Segments (Source)',
		value: 'changedSegments',
		action: 'Find segments whose keys differ',
		description: "Key-set deletes, step 2: the source's keys of each segment whose key digest differs",
	},
	step,
	{ outputs: 1, once: false },
);
