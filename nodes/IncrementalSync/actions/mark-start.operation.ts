import { startPosition } from '../../../core/sync/sync';
import { emit, param, syncOperation, type Step } from './step';

/** Source: where the first sync starts, read before the backfill. */
const step: Step = async (node, source, i, outputs) => {
	const start = await startPosition(
		source,
		param(node, 'table', i),
		param(node, 'cursorColumn', i),
		param(node, 'lagSeconds', i, 5),
	);
	emit(outputs, 0, { sync: param<string>(node, 'sync', i), ...start }, i);
};

export const markStartOperation = syncOperation(
	{
		name: 'Mark Start (Source)',
		value: 'markStart',
		action: 'Read where the first sync starts',
		description: 'Before the backfill: the source clock minus the lag, so every change during the backfill is synced',
	},
	step,
	{ outputs: 1, once: false },
);
