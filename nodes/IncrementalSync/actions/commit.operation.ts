import { LEASE_NAMESPACE } from '../../../core/state/namespaces';
import { changeBatch, refuseRejected } from '../../../core/sync/inputs';
import { commitBatch, watermarkKey } from '../../../core/sync/sync';
import { lagFields } from './lag';
import { emit, json, param, syncOperation, type Step } from './step';

/** Destination: after the load, the batch's deletes and its watermark in one transaction; then the lease is given back. */
const step: Step = async (node, destination, i, outputs) => {
	const batch = changeBatch(json(param(node, 'batch', i)));
	refuseRejected(Number(param(node, 'rejected', i, 0) ?? 0), batch.table);
	const leaseSeconds = param(node, 'leaseSeconds', i, 600);
	const state = await commitBatch(destination, batch, {
		expectedTable: param<string>(node, 'table', i),
		destinationTable: param<string>(node, 'destinationTable', i, ''),
		leaseSeconds,
	});
	await destination.state.release(LEASE_NAMESPACE, watermarkKey(batch.sync, batch.table), batch.owner);
	emit(
		outputs,
		0,
		{
			...lagFields(state),
			upserts: batch.upserts,
			deleted: batch.deletedKeys.length,
			replayed: batch.replayed.length,
			more: batch.more,
		},
		i,
	);
};

export const commitOperation = syncOperation(
	{
		name: 'Commit Watermark (Destination)',
		value: 'commit',
		action: 'Commit the watermark after the load',
		description: "After Batch Load: the batch's deletes and its watermark in one transaction, lag metrics as output",
	},
	step,
	{ outputs: 1, once: false },
);
