import { canonicalDecimal, canonicalJson } from '../model/canonical';
import { isJsonText } from '../model/json-text';
import { flattenRow } from './flatten';
import { valueProblem, type Rejection } from '../copy/row-check';
import type { Column, LogicalType, Row, Value } from '../model/schema';

/** One step of a Transform, applied in order; values of computed fields arrive resolved. */
export type TransformStep =
	| { action: 'rename'; field: string; to: string }
	| { action: 'drop'; field: string }
	| { action: 'cast'; field: string; type: LogicalType }
	| { action: 'default'; field: string; value: Value }
	| { action: 'compute'; field: string; value: Value }
	| { action: 'flatten'; field: string; separator: string }
	| { action: 'remap'; field: string; mapping: Record<string, Value>; unmapped: 'reject' | 'keep' | 'null' };

export type TransformResult = { row: Row } | { field: string; value: Value | undefined; reason: string };

/** Applies the steps to a copy of the row; a value that cannot be converted exactly stops the row with a reason. */
export function transformRow(input: Row, steps: TransformStep[]): TransformResult {
	let row: Row = { ...input };
	for (const step of steps) {
		const current = row[step.field];
		switch (step.action) {
			case 'rename':
				if (step.field in row) {
					const renamed: Row = {};
					for (const [k, v] of Object.entries(row)) renamed[k === step.field ? step.to : k] = v;
					row = renamed;
				}
				break;
			case 'drop':
				delete row[step.field];
				break;
			case 'default':
				if (current === null || current === undefined || current === '') row[step.field] = step.value;
				break;
			case 'compute':
				row[step.field] = step.value;
				break;
			case 'cast': {
				const cast = castValue(current, step.type);
				if ('reason' in cast) return { field: step.field, value: current, reason: cast.reason };
				row[step.field] = cast.value;
				break;
			}
			case 'flatten':
				if (current && typeof current === 'object' && !Array.isArray(current) && !Buffer.isBuffer(current)) {
					delete row[step.field];
					Object.assign(row, flattenRow({ [step.field]: current }, step.separator));
				}
				break;
			case 'remap': {
				if (current === null || current === undefined) break;
				const key = String(current);
				if (Object.prototype.hasOwnProperty.call(step.mapping, key)) row[step.field] = step.mapping[key];
				else if (step.unmapped === 'reject')
					return { field: step.field, value: current, reason: `no new id for ${key} in the ID map` };
				else if (step.unmapped === 'null') row[step.field] = null;
				break;
			}
		}
	}
	return { row };
}

/** Exact casts only: '1.50' → decimal '1.5', 1e3 → int64 '1000'; '1.5' → int64 is refused, not rounded. */
export function castValue(value: Value | undefined, type: LogicalType): { value: Value } | { reason: string } {
	if (value === null || value === undefined) return { value: null };
	const column: Column = { name: 'value', nativeType: '', logical: type, nullable: true };
	let converted: Value = value;
	switch (type) {
		case 'int16':
		case 'int32':
		case 'int64':
			converted =
				typeof value === 'number' && Number.isSafeInteger(value)
					? String(value)
					: typeof value === 'string' && /^[+-]?\d+(\.0*)?$/.test(value.trim())
						? canonicalDecimal(value)
						: value;
			if (type !== 'int64' && typeof converted === 'string') converted = Number(converted);
			break;
		case 'decimal':
			converted =
				typeof value === 'number' && Number.isFinite(value)
					? String(value)
					: typeof value === 'string'
						? value.trim()
						: value;
			if (typeof converted === 'string' && !valueProblem(converted, column)) converted = canonicalDecimal(converted);
			break;
		case 'float32':
		case 'float64':
			converted =
				typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
			if (
				typeof converted === 'number' &&
				typeof value === 'string' &&
				canonicalDecimal(String(converted)) !== canonicalDecimal(value.trim())
			) {
				return { reason: `${value} is not exactly representable as a ${type}` };
			}
			break;
		case 'boolean':
			converted =
				typeof value === 'string' && ['true', 't', '1'].includes(value.toLowerCase())
					? true
					: typeof value === 'string' && ['false', 'f', '0'].includes(value.toLowerCase())
						? false
						: value === 1
							? true
							: value === 0
								? false
								: value;
			break;
		case 'string':
		case 'text':
			converted =
				typeof value === 'object' && !Buffer.isBuffer(value)
					? canonicalJson(value)
					: Buffer.isBuffer(value)
						? value.toString('base64')
						: String(value);
			break;
		case 'json':
			// JSON text stays text: parsing it would round its big numbers (see json-text.ts).
			if (typeof value === 'string' && !isJsonText(value)) return { reason: `not valid JSON: ${value.slice(0, 60)}` };
			break;
		case 'timestamptz':
			if (typeof value === 'number') converted = new Date(value).toISOString();
			else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value))
				converted = `${value.replace(' ', 'T')}Z`;
			break;
	}
	const problem = valueProblem(converted, column);
	return problem ? { reason: `cannot cast to ${type}: ${problem}` } : { value: converted };
}

/** A step as the Transform node's parameters give it (one entry of its Steps list). */
export interface StepParameters {
	action: TransformStep['action'];
	field: string;
	to?: string;
	type?: LogicalType;
	value?: Value;
	separator?: string;
	mapping?: string | Record<string, Value>;
	unmapped?: 'reject' | 'keep' | 'null';
}

/** The step those parameters describe; a step missing what it needs is refused. */
export function stepFromParameters(p: StepParameters): TransformStep {
	if (!p.field) throw new RangeError(`A ${p.action} step needs a field`);
	switch (p.action) {
		case 'rename':
			if (!p.to) throw new RangeError(`Rename of ${p.field} needs a new name`);
			return { action: 'rename', field: p.field, to: p.to };
		case 'cast':
			return { action: 'cast', field: p.field, type: p.type ?? 'string' };
		case 'flatten':
			return { action: 'flatten', field: p.field, separator: p.separator ?? '_' };
		case 'remap': {
			const mapping =
				typeof p.mapping === 'string' ? (JSON.parse(p.mapping || '{}') as Record<string, Value>) : (p.mapping ?? {});
			return { action: 'remap', field: p.field, mapping, unmapped: p.unmapped ?? 'reject' };
		}
		case 'default':
		case 'compute':
			return { action: p.action, field: p.field, value: p.value ?? null };
		default:
			return { action: 'drop', field: p.field };
	}
}

/**
 * The steps over a whole batch (the streaming Copy Chunk): rows out, and a rejection naming the
 * row by its key (the source's primary key) for each row a step refused.
 */
export function transformBatch(
	steps: TransformStep[],
	table: string,
	primaryKey: string[],
): (rows: Row[]) => { rows: Row[]; rejected: Rejection[] } {
	return (batch) => {
		const rows: Row[] = [];
		const rejected: Rejection[] = [];
		for (const input of batch) {
			const result = transformRow(input, steps);
			if ('row' in result) rows.push(result.row);
			else
				rejected.push({
					table,
					key: primaryKey.map((c) => input[c] ?? null),
					column: result.field,
					value: result.value === undefined || result.value === null ? null : textOf(result.value),
					reason: result.reason,
				});
		}
		return { rows, rejected };
	};
}

const textOf = (value: Value): string =>
	typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('base64') : canonicalJson(value);
