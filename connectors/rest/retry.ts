/**
 * Which failures a request is retried on, and how long it waits: 429, 502, 503 and 504, timeouts
 * and dropped connections, with exponential backoff and full jitter (or the server's Retry-After),
 * until the retries or the elapsed time run out. Any other answer fails at once.
 */
import type { Clock } from './rate-limit';

export const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set([
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'ECONNREFUSED',
	'EAI_AGAIN',
	'ERR_BAD_RESPONSE',
]);

export interface RetryPolicy {
	maxRetries: number;
	maxElapsedMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

/** A failure of one attempt: what the retry loop needs to know of it. */
export interface AttemptFailure {
	status?: number;
	code?: string;
	/** The server's Retry-After, in milliseconds. */
	retryAfterMs?: number;
}

export function retryable(failure: AttemptFailure): boolean {
	if (failure.status !== undefined) return RETRY_STATUSES.has(failure.status);
	return failure.code !== undefined && RETRY_CODES.has(failure.code);
}

/** The wait before retry `attempt` (0 for the first retry), or undefined when no retry is left. */
export function retryDelay(
	policy: RetryPolicy,
	attempt: number,
	elapsedMs: number,
	failure: AttemptFailure,
	random: () => number = Math.random,
): number | undefined {
	if (!retryable(failure) || attempt >= policy.maxRetries) return undefined;
	const backoff = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	const delay = Math.max(backoff, failure.retryAfterMs ?? 0);
	return elapsedMs + delay > policy.maxElapsedMs ? undefined : delay;
}

/** Runs `attempt` until it succeeds or its failure is not retried; `failureOf` reads a thrown error. */
export async function withRetries<T>(
	attempt: () => Promise<T>,
	policy: RetryPolicy,
	failureOf: (error: unknown) => AttemptFailure,
	clock: Clock,
	onRetry?: (failure: AttemptFailure, delayMs: number) => void,
): Promise<T> {
	const started = clock.now();
	for (let n = 0; ; n++) {
		const outcome = await attempt().then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return outcome.value;
		const failure = failureOf(outcome.error);
		const delay = retryDelay(policy, n, clock.now() - started, failure);
		if (delay === undefined) return Promise.reject(outcome.error);
		onRetry?.(failure, delay);
		await clock.sleep(delay);
	}
}
