import { canonicalInterval, canonicalText } from '../../core/model/canonical';
import { canonicalJsonText, canonicalJsonValue, canonicalNumber, isJsonText } from '../../core/model/json-text';

describe('JSON compared exactly', () => {
	it.each([
		['1.50', '1.5'],
		['1E+2', '100'],
		['-0.0', '0'],
		['0', '0'],
		['1e400', '1e400'],
		['-1.25e-400', '-1.25e-400'],
		['12345678901234567890', '12345678901234567890'],
		['0.00001', '0.00001'],
		['1e-5', '0.00001'],
		['100e-2', '1'],
	])('number %s → %s', (input, expected) => {
		expect(canonicalNumber(input)).toBe(expected);
	});

	it('keeps integers beyond 2^53 and huge exponents, which JSON.parse would alter', () => {
		expect(canonicalJsonText('{"n": 9007199254740993}')).toBe('{"n":9007199254740993}');
		expect(canonicalJsonText('{"n": 9007199254740993}')).not.toBe(canonicalJsonText('{"n": 9007199254740992}'));
		expect(canonicalJsonText('[1e400]')).toBe('[1e400]');
		expect(canonicalJsonText('[1e400]')).not.toBe(canonicalJsonValue(JSON.parse('[1e400]')));
		expect(canonicalJsonText('0.12345678901234567890')).toBe('0.1234567890123456789');
	});

	it('ignores key order and keeps the last of repeated keys, as jsonb does', () => {
		expect(canonicalJsonText('{"b":1,"a":[true,null]}')).toBe('{"a":[true,null],"b":1}');
		expect(canonicalJsonText('{"a":1,"a":12345678901234567890}')).toBe('{"a":12345678901234567890}');
		expect(canonicalJsonText('{"a":1,"a":2}')).toBe('{"a":2}');
	});

	it('tells a JSON null, false, 0 and "" apart, and text from a number', () => {
		const texts = ['null', 'false', '0', '""', '"0"', '[]', '{}'].map(canonicalJsonText);
		expect(new Set(texts).size).toBe(texts.length);
		expect(canonicalText('null', 'json')).toBe('null');
		expect(canonicalText(null, 'json')).toBeNull();
		expect(canonicalText('{"x": 1.0}', 'json')).toBe(canonicalText({ x: 1 }, 'json'));
	});

	it('reads escapes, unicode and whitespace; refuses what is not JSON', () => {
		expect(canonicalJsonText(' { "k\\u00e9" : "\\ud83d\\ude00\\n" , "z":1e2 } ')).toBe('{"ké":"😀\\n","z":100}');
		for (const bad of ['', '{', '[1,]', '01', '{"a" 1}', 'nul', '1 2', "{'a':1}"]) expect(isJsonText(bad)).toBe(false);
		expect(isJsonText('"just a string"')).toBe(true);
	});
});

describe('durations', () => {
	it.each([
		['838:59:59.000000', '838:59:59.000000'],
		['-838:59:59', '-838:59:59.000000'],
		['25:00:00', '25:00:00.000000'],
		['1 day 02:00:00', '26:00:00.000000'],
		['-1 days +02:00:00', '-22:00:00.000000'],
		['1 year 2 mons', '14 mons 00:00:00.000000'],
		['00:00:00.5', '00:00:00.500000'],
	])('%s → %s (MySQL TIME and PostgreSQL interval alike)', (input, expected) => {
		expect(canonicalInterval(input)).toBe(expected);
	});

	it('refuses text that is no duration', () => {
		expect(canonicalInterval('soon')).toBeUndefined();
		expect(canonicalInterval('12:3')).toBeUndefined();
	});
});
