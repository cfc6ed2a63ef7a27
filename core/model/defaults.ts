import type { Column } from './schema';

/**
 * Column defaults that mean the same in every engine: the clock, a number, a string, a boolean.
 * Anything else (functions, sequences, expressions) is not carried: the load writes every value
 * anyway, and a default the other engine would read differently must not be guessed.
 */
export type PortableDefault =
	| { kind: 'now' }
	| { kind: 'number'; text: string }
	| { kind: 'string'; text: string }
	| { kind: 'boolean'; value: boolean };

const NUMERIC = new Set(['int16', 'int32', 'int64', 'decimal', 'float32', 'float64']);
const TEXTUAL = new Set(['string', 'text', 'uuid']);
const TEMPORAL = new Set(['timestamp', 'timestamptz', 'date']);

export function portableDefault(column: Column): PortableDefault | undefined {
	const expression = column.defaultExpression?.trim();
	if (!expression || /^null$/i.test(expression)) return undefined;
	// MariaDB: current_timestamp(3); PostgreSQL: CURRENT_TIMESTAMP(3), now(), LOCALTIMESTAMP.
	if (/^(current_timestamp|now|localtimestamp)\s*(\(\s*\d*\s*\))?$/i.test(expression))
		return TEMPORAL.has(column.logical) ? { kind: 'now' } : undefined;
	// 0, (-1), '-1.5'::numeric (PostgreSQL quotes negative numerics).
	const number = /^\(?'?(-?\d+(?:\.\d+)?)'?\)?(?:::[\w ]+)?$/.exec(expression);
	if (number && NUMERIC.has(column.logical)) return { kind: 'number', text: number[1] };
	if (column.logical === 'boolean') {
		if (/^(true|'?1'?|b'1')$/i.test(expression)) return { kind: 'boolean', value: true };
		if (/^(false|'?0'?|b'0')$/i.test(expression)) return { kind: 'boolean', value: false };
		return undefined;
	}
	const quoted = /^'((?:[^']|'')*)'(?:::[\w ."]+)?$/.exec(expression);
	if (quoted && TEXTUAL.has(column.logical)) return { kind: 'string', text: quoted[1].replace(/''/g, "'") };
	return undefined;
}
