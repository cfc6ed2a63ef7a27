import { replayKeys } from '../../../core/sync/inputs';
import { queueReplays } from '../../../core/sync/sync';
import { itemToRow } from '../../shared/items';
import { emit, param, syncOperation, type Step } from './step';

/** Old database: keys of the input rows whose write to the new database failed, for the next sync to replay. */
const step: Step = async (node, oldDatabase, _i, outputs, items) => {
	const table = param<string>(node, 'table', 0);
	const [schema] = await oldDatabase.introspect([table]);
	const keys = replayKeys(
		schema,
		items.map((item) => ({ row: itemToRow(item), key: item.json.key })),
	);
	const queued = await queueReplays(oldDatabase.state, param(node, 'sync', 0), table, keys);
	emit(outputs, 0, { table, queued }, 0);
};

export const queueReplayOperation = syncOperation(
	{
		name: 'Queue Replay (Old Database)',
		value: 'queueReplay',
		action: 'Queue failed dual writes for replay',
		description: 'Keys of rows the new database refused, kept in the old database for the next sync to replay',
	},
	step,
	{ outputs: 1, once: true },
);
