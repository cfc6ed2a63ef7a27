import { RateLimiter, retryAfterMs, type Clock } from '../../connectors/rest/rate-limit';
import { retryDelay, withRetries } from '../../connectors/rest/retry';
import { safeUrl } from '../../connectors/rest/rest-errors';
import { parseExactJson, exactRow, ExactNumber } from '../../core/model/exact-json';
import { canonicalJsonValue } from '../../core/model/json-text';
import { logicalOfJson, widenLogical } from '../../core/mapping/flatten';
import { valueProblem } from '../../core/copy/row-check';

/** A clock that only moves when slept on. */
const START = Date.parse('2026-12-03T10:00:00Z');

function fakeClock(start = START): Clock & { t: number; slept: number[] } {
	const clock = {
		t: start,
		slept: [] as number[],
		now: () => clock.t,
		sleep: async (ms: number) => {
			clock.slept.push(ms);
			clock.t += ms;
		},
	};
	return clock;
}

describe('rate limiter', () => {
	it('a token bucket: the burst at once, then one request per 1/rate', async () => {
		const clock = fakeClock();
		const limiter = new RateLimiter(10, 3, clock);
		const times: number[] = [];
		for (let i = 0; i < 7; i++) {
			await limiter.take();
			times.push(clock.t - START);
		}
		expect(times).toEqual([0, 0, 0, 100, 200, 300, 400]);
	});

	it('spreads requests over what the API says is left of its window, and waits out an empty budget', async () => {
		const clock = fakeClock();
		const limiter = new RateLimiter(0, 1, clock);
		limiter.observe({ 'ratelimit-remaining': '4', 'ratelimit-reset': '1' });
		const start = clock.t;
		for (let i = 0; i < 4; i++) await limiter.take();
		expect(clock.t - start).toBeGreaterThanOrEqual(600);
		expect(clock.t - start).toBeLessThanOrEqual(1000);
		limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((clock.t + 5000) / 1000) });
		const before = clock.t;
		await limiter.take();
		expect(clock.t - before).toBe(5000);
	});

	it('a pause (Retry-After) holds every request', async () => {
		const clock = fakeClock();
		const limiter = new RateLimiter(0, 1, clock);
		limiter.pause(2500);
		await limiter.take();
		expect(clock.t - START).toBe(2500);
	});

	it('Retry-After in seconds or as an HTTP date', () => {
		expect(retryAfterMs('3', 0)).toBe(3000);
		const now = Date.parse('2026-12-03T10:00:00Z');
		expect(retryAfterMs('Thu, 03 Dec 2026 10:00:07 GMT', now)).toBe(7000);
		expect(retryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
		expect(retryAfterMs('soon', now)).toBeUndefined();
		expect(retryAfterMs(undefined, now)).toBeUndefined();
	});
});

describe('retries', () => {
	const policy = { maxRetries: 4, maxElapsedMs: 60_000, baseDelayMs: 100, maxDelayMs: 1000 };

	it('retries 429, 502, 503, 504 and dropped connections with exponential backoff and full jitter, not other statuses', () => {
		for (const status of [429, 502, 503, 504]) expect(retryDelay(policy, 0, 0, { status }, () => 1)).toBe(100);
		for (const status of [400, 401, 403, 404, 500, 501])
			expect(retryDelay(policy, 0, 0, { status }, () => 1)).toBeUndefined();
		for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE'])
			expect(retryDelay(policy, 0, 0, { code }, () => 1)).toBe(100);
		expect([0, 1, 2, 3].map((n) => retryDelay(policy, n, 0, { status: 503 }, () => 1))).toEqual([100, 200, 400, 800]);
		expect(retryDelay(policy, 3, 0, { status: 503 }, () => 0.5)).toBe(400);
		expect(retryDelay(policy, 4, 0, { status: 503 }, () => 1)).toBeUndefined();
	});

	it("waits at least the server's Retry-After, and gives up past the elapsed limit", () => {
		expect(retryDelay(policy, 0, 0, { status: 429, retryAfterMs: 5000 }, () => 1)).toBe(5000);
		expect(retryDelay(policy, 0, 58_000, { status: 429, retryAfterMs: 5000 }, () => 1)).toBeUndefined();
	});

	it('withRetries: the value after transient failures; the error when they run out', async () => {
		const clock = fakeClock();
		let calls = 0;
		const failing = (times: number) => async () => {
			if (calls++ < times) throw Object.assign(new Error('reset'), { failure: { code: 'ECONNRESET' } });
			return 'ok';
		};
		const read = (e: unknown) => (e as { failure: { code: string } }).failure;
		await expect(withRetries(failing(2), policy, read, clock)).resolves.toBe('ok');
		calls = 0;
		await expect(withRetries(failing(9), policy, read, clock)).rejects.toThrow('reset');
		expect(calls).toBe(5);
	});
});

describe('secrets out of URLs', () => {
	it('masks secret-looking query parameters and the configured one', () => {
		expect(safeUrl('/v1/x?page=2&api_key=abc&access_token=t&sig=s')).toBe(
			'/v1/x?page=2&api_key=***&access_token=***&sig=***',
		);
		expect(safeUrl('https://h/p?k=secret1&q=1', ['k'])).toBe('/p?k=***&q=1');
	});
});

describe('JSON numbers a double would round', () => {
	it('keeps them exactly, everything else as JSON.parse gives it', () => {
		const parsed = parseExactJson(
			'{"id":12345678901234567890,"n":1.5,"p":0.1,"d":3.14159265358979323846,"s":"12345678901234567890","e":1e400,"a":[9007199254740993]}',
		) as Record<string, unknown>;
		expect(parsed.id).toEqual(new ExactNumber('12345678901234567890'));
		expect(parsed.n).toBe(1.5);
		expect(parsed.p).toBe(0.1);
		expect(parsed.d).toEqual(new ExactNumber('3.14159265358979323846'));
		expect(parsed.s).toBe('12345678901234567890');
		expect(parsed.e).toEqual(new ExactNumber('1e400'));
		expect(canonicalJsonValue(parsed.a)).toBe('[9007199254740993]');
		expect(parseExactJson('[9007199254740991, 1e2]')).toEqual([9007199254740991, 100]);
		expect(() => parseExactJson('{"a": 12345678901234567890')).toThrow(SyntaxError);
	});

	it('as row values: digits for a number field, canonical JSON text for an object holding one', () => {
		const record = parseExactJson(
			'{"id":1,"big":-92233720368547758080,"meta":{"n":12345678901234567890,"x":[1]},"plain":{"a":1}}',
		) as never;
		const row = exactRow(record, canonicalJsonValue);
		expect(row.big).toBe('-92233720368547758080');
		expect(row.meta).toBe('{"n":12345678901234567890,"x":[1]}');
		expect(row.plain).toEqual({ a: 1 });
	});

	it('typed as int64 within its range, decimal beyond it or with fraction digits; widened to decimal beside other numbers', () => {
		expect(logicalOfJson(new ExactNumber('9223372036854775807') as never)).toBe('int64');
		expect(logicalOfJson(new ExactNumber('9223372036854775808') as never)).toBe('decimal');
		expect(logicalOfJson(new ExactNumber('0.10000000000000000001') as never)).toBe('decimal');
		expect(widenLogical('int64', 'decimal')).toBe('decimal');
		expect(widenLogical('float64', 'decimal')).toBe('decimal');
		expect(widenLogical('int64', 'float64')).toBe('float64');
	});

	it('a float column refuses digits a double would round, naming them', () => {
		const column = { name: 'f', nativeType: 'double', logical: 'float64' as const, nullable: true };
		expect(valueProblem('3.14159265358979323846', column)).toBe(
			'3.14159265358979323846 cannot be held exactly by a floating-point column (it would be rounded)',
		);
		expect(valueProblem('0.1', column)).toBeUndefined();
		expect(valueProblem('1e-7', column)).toBeUndefined();
		expect(valueProblem(0.30000000000000004, column)).toBeUndefined();
	});
});
