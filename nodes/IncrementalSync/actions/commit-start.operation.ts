import { startItem } from '../../../core/sync/inputs';
import { commitStart } from '../../../core/sync/sync';
import { emit, syncOperation, type Step } from './step';

/** Destination: records a Mark Start item unless the sync already has a watermark. */
const step: Step = async (node, destination, i, outputs, items) => {
	const start = startItem(items[i].json);
	const { state, recorded } = await commitStart(destination, start.sync, start);
	emit(outputs, 0, { ...state, recorded }, i);
};

export const commitStartOperation = syncOperation(
	{
		name: 'Commit Start (Destination)',
		value: 'commitStart',
		action: 'Record where the first sync starts',
		description: 'Stores the Mark Start position unless the sync already has a watermark',
	},
	step,
	{ outputs: 1, once: false },
);
