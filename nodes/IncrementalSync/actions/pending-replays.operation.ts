import { pendingReplays } from '../../../core/sync/sync';
import { list } from './lag';
import { emit, param, syncOperation, type Step } from './step';

/** Old database: how many refused dual writes wait in its replay queue, per table (read by Cutover Readiness). */
const step: Step = async (node, oldDatabase, _i, outputs) => {
	const sync = param<string>(node, 'sync', 0);
	emit(outputs, 0, { sync, replays: await pendingReplays(oldDatabase.state, sync, list(param(node, 'tables', 0))) }, 0);
};

export const pendingReplaysOperation = syncOperation(
	{
		name: 'Pending Replays (Old Database)',
		value: 'pendingReplays',
		action: 'Count dual writes waiting for replay',
		description:
			'Per table: the dual writes the new database refused that wait in the replay queue, and the oldest one’s time',
	},
	step,
	{ outputs: 1, once: true },
);
