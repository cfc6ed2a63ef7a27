import { deleteMissingKeys, type SegmentKeys } from '../../../core/sync/sync-deletes';
import { emit, syncOperation, type Step } from './step';

/** Destination: deletes the keys of each segment the source no longer has (step 3). */
const step: Step = async (_node, destination, i, outputs, items) => {
	const segment = items[i].json as unknown as SegmentKeys;
	if (!Array.isArray(segment.sourceKeys)) return; // no segment differed: the empty item that keeps the flow going
	emit(
		outputs,
		0,
		{ table: segment.table, range: segment.range, deleted: await deleteMissingKeys(destination, segment) },
		i,
	);
};

export const deleteMissingOperation = syncOperation(
	{
		name: 'Delete Missing Keys (Destination)',
		value: 'deleteMissing',
		action: 'Delete rows the source no longer has',
		description: 'Key-set deletes, step 3: deletes the keys of each segment that the source no longer has',
	},
	step,
	{ outputs: 1, once: false },
);
