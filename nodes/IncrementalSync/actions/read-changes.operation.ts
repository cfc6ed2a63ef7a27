import { beginItem } from '../../../core/sync/inputs';
import { readChangeBatch } from '../../../core/sync/sync';
import { rowToItem } from '../../shared/items';
import { emit, param, syncOperation, type Step } from './step';

/** Source: the next batch past the watermark on output 1, its rows on output 0. */
const step: Step = async (node, source, i, outputs, items) => {
	const table = param<string>(node, 'table', i);
	const start = beginItem(items[i].json, table);
	const { batch, rows } = await readChangeBatch(source, {
		...start,
		table,
		cursorColumn: param(node, 'cursorColumn', i),
		batchSize: param(node, 'batchSize', i, 5000),
		lagSeconds: param(node, 'lagSeconds', i, 5),
		softDeleteColumn: param<string>(node, 'softDeleteColumn', i, '') || undefined,
		replayQueue: param(node, 'replayQueue', i, true) ? source.state : undefined,
	});
	// An empty batch still goes on as one empty item, so the load and the commit run (Batch Load skips it).
	outputs[0].push(...(rows.length ? rows.map((r) => rowToItem(r, i)) : [{ json: {}, pairedItem: { item: i } }]));
	emit(outputs, 1, batch, i);
};

export const readOperation = syncOperation(
	{
		name: 'Read Changes (Source)',
		value: 'read',
		action: 'Read rows changed since the watermark',
		description:
			'Rows past the (cursor, key) watermark up to the source clock minus the lag, in order, one batch; rows on Changes, the batch on Batch',
	},
	step,
	{ outputs: 2, once: false },
);
