import { cutoverReadiness, type PendingReplays } from '../../../core/sync/cutover';
import { committedState } from '../../../core/sync/sync';
import type { Check } from '../../../core/validate/validate';
import { list } from './lag';
import { emit, json, param, syncOperation, type Step } from './step';

/** Destination: lag 0 and every validation check passing, as one verdict. */
const step: Step = async (node, destination, _i, outputs, items) => {
	const sync = param<string>(node, 'sync', 0);
	const tables = list(param(node, 'tables', 0));
	const cursorColumn = param<string>(node, 'cursorColumn', 0);
	const states = await Promise.all(tables.map((t) => committedState(destination, sync, t, cursorColumn)));
	// Checks from Verify Rows (one per item) or from Compare (a list per table).
	const checks = items
		.flatMap((item) => (Array.isArray(item.json.checks) ? item.json.checks : [item.json]) as unknown as Check[])
		.filter((c) => typeof c.check === 'string');
	const replays = (json(param(node, 'replays', 0, '{}')) ?? {}) as unknown as PendingReplays;
	emit(outputs, 0, cutoverReadiness(tables, states, checks, replays), 0);
};

export const readinessOperation = syncOperation(
	{
		name: 'Cutover Readiness (Destination)',
		value: 'readiness',
		action: 'Decide whether cutover is safe',
		description:
			'From the sync state, the Validate checks given as input and the pending replays: "Ready for production cutover: YES/NO" and why',
	},
	step,
	{ outputs: 1, once: true },
);
