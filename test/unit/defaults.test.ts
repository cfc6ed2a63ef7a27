import { portableDefault } from '../../core/model/defaults';
import type { Column, LogicalType } from '../../core/model/schema';

const column = (logical: LogicalType, defaultExpression?: string): Column => ({
	name: 'c',
	nativeType: '',
	logical,
	nullable: true,
	defaultExpression,
});

describe('portable column defaults', () => {
	it.each([
		['timestamp', 'current_timestamp(3)', { kind: 'now' }],
		['timestamptz', 'CURRENT_TIMESTAMP(3)', { kind: 'now' }],
		['timestamp', 'now()', { kind: 'now' }],
		['int32', '0', { kind: 'number', text: '0' }],
		['decimal', "'-1.5'::numeric", { kind: 'number', text: '-1.5' }],
		['int64', '(-1)', { kind: 'number', text: '-1' }],
		['string', "'it''s'::character varying", { kind: 'string', text: "it's" }],
		['string', "'it''s'", { kind: 'string', text: "it's" }],
		['boolean', 'true', { kind: 'boolean', value: true }],
		['boolean', '0', { kind: 'boolean', value: false }],
	] as const)('%s DEFAULT %s', (logical, expression, expected) => {
		expect(portableDefault(column(logical, expression))).toEqual(expected);
	});

	it.each([
		['string', 'NULL'],
		['string', 'uuid()'],
		['int64', "nextval('t_id_seq'::regclass)"],
		['string', 'current_timestamp()'],
		['int32', "'abc'"],
		['text', undefined],
	] as const)('%s DEFAULT %s is not carried', (logical, expression) => {
		expect(portableDefault(column(logical, expression))).toBeUndefined();
	});
});
