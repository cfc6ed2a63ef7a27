/** The platform engine's pure parts: the order records and types are made in, and templates. */
import { parentsFirst, typeOrder } from '../../core/platform/records';
import { fill, fillPath, placeholders } from '../../core/platform/template';
import { redmineSource } from '../../connectors/platform/presets';

describe('parents first', () => {
	it('puts every record after the records it points at', () => {
		const { order, deferred } = parentsFirst([
			{ id: '3', points: ['1'] },
			{ id: '1', points: ['2'] },
			{ id: '2', points: [] },
			{ id: '4', points: ['3', 'unknown'] },
		]);
		expect(order).toEqual(['2', '1', '3', '4']);
		expect(deferred).toEqual([]);
	});

	it('breaks a cycle by deferring one link, and walks a 100,000-deep chain without overflowing', () => {
		const cycle = parentsFirst([
			{ id: 'a', points: ['b'] },
			{ id: 'b', points: ['a'] },
		]);
		expect(cycle.order.sort()).toEqual(['a', 'b']);
		expect(cycle.deferred).toHaveLength(1);
		const chain = Array.from({ length: 100_000 }, (_v, i) => ({
			id: String(i),
			points: i ? [String(i - 1)] : [],
		})).reverse();
		expect(parentsFirst(chain).order[0]).toBe('0');
	});
});

describe('type order', () => {
	it('makes what a type points at first (Redmine: users and projects before issues)', () => {
		const order = typeOrder(redmineSource('key'));
		const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
		before('user', 'issue');
		before('project', 'milestone');
		before('milestone', 'issue');
		before('membership', 'issue');
		expect(order).not.toContain('comment'); // held in an issue's detail: made after it
	});
});

describe('templates', () => {
	it('fills placeholders, encodes path values, and names the missing one', () => {
		expect(
			fill('{owner}/{project.name}#{dest.number}', { owner: 'o', 'project.name': 'r', 'dest.number': 7 }, 'x'),
		).toBe('o/r#7');
		expect(fillPath('/repos/{owner}/{name}', { owner: 'o', name: 'a b/c' }, 'x')).toBe('/repos/o/a%20b%2Fc');
		expect(placeholders('/a/{b}/{c.d}')).toEqual(['b', 'c.d']);
		expect(() => fill('/a/{b}', {}, 'issue 3')).toThrow('issue 3: "/a/{b}" needs {b}, which has no value');
	});
});
