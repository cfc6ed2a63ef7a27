import { committedState, newRunOwner, takeLease, waitingMessage } from '../../../core/sync/sync';
import { emit, param, syncOperation, type Step } from './step';

/** Destination: takes the sync's lease and reads its committed watermark. */
const step: Step = async (node, destination, i, outputs) => {
	const sync = param<string>(node, 'sync', i);
	const table = param<string>(node, 'table', i);
	const cursorColumn = param<string>(node, 'cursorColumn', i);
	const state = await committedState(destination, sync, table, cursorColumn);
	// Before its backfill a sync has nothing to follow: it says so, and takes no lease.
	if (!state && param(node, 'waitForStart', i, false)) {
		emit(outputs, 1, { sync, table, waiting: 'backfill', message: waitingMessage(sync, table) }, i);
		return;
	}
	const owner = newRunOwner(node.getExecutionId());
	const lease = await takeLease(destination.state, sync, table, owner, param(node, 'leaseSeconds', i, 600));
	const item = {
		sync,
		table,
		cursorColumn,
		owner,
		watermark: state?.watermark ?? null,
		lastSync: state?.committedAt ?? null,
	};
	if (lease.acquired) emit(outputs, 0, item, i);
	else
		emit(
			outputs,
			1,
			{
				...item,
				holder: lease.holder,
				until: lease.until,
				busy: `another run (${lease.holder}) holds this sync until ${lease.until}`,
			},
			i,
		);
};

export const beginOperation = syncOperation(
	{
		name: 'Begin Sync (Destination)',
		value: 'begin',
		action: 'Take the sync lease and read its watermark',
		description: 'One run at a time per sync and table: the committed watermark on Start, or the holder on Busy',
	},
	step,
	{ outputs: 2, once: false },
);
