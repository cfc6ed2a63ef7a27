import { checkDualWrite, checkRulesAgainst } from '../../../core/sync/dual-write';
import { emit, json, param, syncOperation, type Step } from './step';

/** Old database: the dual-write request checked against its settings and the live table, before anything is written. */
const step: Step = async (node, source, i, outputs) => {
	const allowed = json(param(node, 'allowedWrites', i, '{}')) as unknown as Record<string, string[]>;
	// The body as it came: a string is no request object, and is refused as one.
	const request = checkDualWrite(param(node, 'request', i), {
		allowed,
		maxRows: param(node, 'maxRows', i, 1000),
		maxBodyBytes: param(node, 'maxBodyBytes', i, 1048576),
	});
	const [table] = await source.introspect([request.table]);
	checkRulesAgainst(table, allowed[request.table]);
	emit(outputs, 0, { ...request, valueExcerpt: param(node, 'valueExcerpt', i, 40) }, i);
};

export const checkWriteOperation = syncOperation(
	{
		name: 'Check Dual Write (Old Database)',
		value: 'checkWrite',
		action: 'Check a dual write against its settings',
		description:
			'Before any write: only the listed tables and columns, at most so many rows and bytes; the rows on output, or the reason it is refused',
	},
	step,
	{ outputs: 1, once: false },
);
