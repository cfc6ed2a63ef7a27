import { LEASE_NAMESPACE } from '../../../core/state/namespaces';
import { watermarkKey } from '../../../core/sync/sync';
import { emit, param, syncOperation, type Step } from './step';

/** Destination: gives the sync's lease back when a run fails, so the next run need not wait for it to expire. */
const step: Step = async (node, destination, i, outputs) => {
	const sync = param<string>(node, 'sync', i);
	const table = param<string>(node, 'table', i);
	const owner = param<string>(node, 'owner', i);
	await destination.state.release(LEASE_NAMESPACE, watermarkKey(sync, table), owner);
	emit(outputs, 0, { sync, table, released: owner }, i);
};

export const releaseOperation = syncOperation(
	{
		name: 'Release Lease (Destination)',
		value: 'release',
		action: 'Give the sync lease back',
		description: "After a failed step: frees the run's lease at once (it frees itself after Lease (Seconds) otherwise)",
	},
	step,
	{ outputs: 1, once: true },
);
