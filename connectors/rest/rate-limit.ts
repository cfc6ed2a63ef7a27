/**
 * The run's pace: one schedule every request keeps to (requests/s, a burst ahead of it), slowed by
 * what the API says of its own limit before it answers 429 (`X-RateLimit-*`, `RateLimit-*`), and
 * paused whole by a `Retry-After`. Time and sleep are injected, so the unit tests need no clock.
 */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

type Headers = Record<string, string | undefined>;

export class RateLimiter {
	/** When the next request is due at the configured rate (GCRA's theoretical arrival time): a late wake-up is made up, not lost. */
	private due: number;
	private pausedUntil = 0;
	private lastSent = 0;
	/** The API's own budget: this many requests left until then. */
	private budget?: { remaining: number; until: number };
	private queue: Promise<void> = Promise.resolve();

	constructor(
		private readonly rate: number,
		private readonly burst: number,
		private readonly clock: Clock = realClock,
	) {
		this.due = clock.now();
	}

	/** Waits for this request's turn; requests take turns in the order they asked. */
	take(): Promise<void> {
		const turn = this.queue.then(() => this.wait());
		this.queue = turn.catch(() => undefined);
		return turn;
	}

	private async wait(): Promise<void> {
		for (;;) {
			const now = this.clock.now();
			if (now < this.pausedUntil) {
				await this.clock.sleep(this.pausedUntil - now);
				continue;
			}
			const spread = this.spreadDelay(now);
			if (spread > 0) {
				await this.clock.sleep(spread);
				continue;
			}
			if (this.rate <= 0) break;
			const interval = 1000 / this.rate;
			// Up to `burst` requests may go ahead of the schedule; beyond that, each waits for its slot.
			const earliest = this.due - (Math.max(1, this.burst) - 1) * interval;
			if (now < earliest) {
				await this.clock.sleep(Math.ceil(earliest - now));
				continue;
			}
			this.due = Math.max(this.due, now) + interval;
			break;
		}
		if (this.budget) this.budget.remaining -= 1;
		this.lastSent = this.clock.now();
	}

	/** With the API's budget known, requests are spread evenly over what is left of its window. */
	private spreadDelay(now: number): number {
		const budget = this.budget;
		if (!budget || now >= budget.until) {
			this.budget = undefined;
			return 0;
		}
		if (budget.remaining <= 0) return budget.until - now;
		const gap = (budget.until - now) / (budget.remaining + 1);
		return Math.max(0, this.lastSent + gap - now);
	}

	/** Reads the API's limit headers of a response. */
	observe(headers: Headers): void {
		const remaining = numberHeader(headers, ['x-ratelimit-remaining', 'ratelimit-remaining']);
		const reset = numberHeader(headers, ['x-ratelimit-reset', 'ratelimit-reset']);
		if (remaining === undefined || reset === undefined) return;
		const now = this.clock.now();
		// Epoch seconds (GitHub's X-RateLimit-Reset) or seconds from now (the IETF RateLimit-Reset).
		const until = reset > 1e9 ? reset * 1000 : now + reset * 1000;
		if (until > now) this.budget = { remaining, until };
	}

	/** Stops every request until `ms` from now (a 429's or 503's Retry-After). */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}
}

function numberHeader(headers: Headers, names: string[]): number | undefined {
	for (const name of names) {
		const value = headers[name];
		if (value !== undefined && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	}
	return undefined;
}

/** Retry-After as milliseconds from now: seconds, or an HTTP date. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
	if (!value) return undefined;
	if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
