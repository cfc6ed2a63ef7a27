import { LEASE_NAMESPACE } from '../../../core/state/namespaces';
import { holderIsGone, newRunOwner, ownerName } from '../../../core/sync/run-owner';
import { committedState, takeLease, watermarkKey, waitingMessage } from '../../../core/sync/sync';
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
	const ttl = param<number>(node, 'leaseSeconds', i, 600);
	let lease = await takeLease(destination.state, sync, table, owner, ttl);
	// A holder whose process is gone (n8n killed) can commit nothing: its lease is taken over now.
	const tookOver = !lease.acquired && holderIsGone(lease.holder) ? ownerName(lease.holder) : undefined;
	if (tookOver) {
		await destination.state.release(LEASE_NAMESPACE, watermarkKey(sync, table), lease.holder);
		lease = await takeLease(destination.state, sync, table, owner, ttl);
	}
	const item = {
		sync,
		table,
		cursorColumn,
		owner,
		watermark: state?.watermark ?? null,
		lastSync: state?.committedAt ?? null,
		...(tookOver && lease.acquired ? { tookOverFrom: `${tookOver} (its process is gone)` } : {}),
	};
	if (lease.acquired) emit(outputs, 0, item, i);
	else
		emit(
			outputs,
			1,
			{
				...item,
				holder: ownerName(lease.holder),
				until: lease.until,
				busy: `another run (${ownerName(lease.holder)}) holds this sync until ${lease.until}`,
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
