import { keySegments } from '../../../core/sync/sync-deletes';
import { emit, param, syncOperation, type Step } from './step';

/** Destination: key segments with the digest of their keys (key-set deletes, step 1). */
const step: Step = async (node, destination, i, outputs) => {
	for (const segment of await keySegments(destination, param(node, 'table', i), param(node, 'segmentRows', i, 10000)))
		emit(outputs, 0, segment, i);
};

export const keySegmentsOperation = syncOperation(
	{
		name: 'Key Segments (Destination)',
		value: 'keySegments',
		action: 'Checksum destination keys per segment',
		description: 'Key-set deletes, step 1: primary-key segments and the digest of their keys',
	},
	step,
	{ outputs: 1, once: false },
);
