import { clearReplays, type ChangeBatch } from '../../../core/sync/sync';
import { emit, json, param, syncOperation, type Step } from './step';

/** Source: removes the replay entries a committed batch carried. */
const step: Step = async (node, source, i, outputs) => {
	const batch = json(param(node, 'batch', i)) as unknown as ChangeBatch;
	emit(
		outputs,
		0,
		{ sync: batch.sync, table: batch.table, cleared: await clearReplays(source.state, batch.replayed ?? []) },
		i,
	);
};

export const clearReplayedOperation = syncOperation(
	{
		name: 'Clear Replayed (Source)',
		value: 'clearReplayed',
		action: 'Remove replayed queue entries',
		description: 'After Commit Watermark: removes the replay entries the committed batch carried',
	},
	step,
	{ outputs: 1, once: false },
);
