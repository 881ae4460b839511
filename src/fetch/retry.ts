/**
 * When a failed exchange is tried again, as a pure function of the failure and the attempt
 * number: the crawler's loop only sleeps for what this returns, so the policy is tested without
 * servers. Retried: connection errors (refused, reset, cut mid-body, connect timeout) and the
 * statuses 408, 429, 500, 502, 503, 504. Not retried: header and body timeouts (a slow host stays
 * slow and would hold a slot for minutes), TLS and DNS failures, other statuses.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (0: none). */
  retries: number;
  /** First backoff; doubles on each retry, up to maxBackoffMs, with up to 25% jitter added. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A Retry-After longer than this ends the retries instead of being waited for. */
  maxRetryAfterMs: number;
}

export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; why: 'not_retryable' | 'attempts_exhausted' | 'retry_after_too_long' };

/**
 * `attempt` is the attempt that just failed (1 for the first). `retryAfterMs` is the server's
 * Retry-After, when it sent one: the wait is at least that long, and a wait beyond
 * `maxRetryAfterMs` gives up (the server asked for more than the crawl will wait).
 */
export function retryDecision(retryable: boolean, attempt: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): RetryDecision {
  if (!retryable) return { retry: false, why: 'not_retryable' };
  if (attempt > policy.retries) return { retry: false, why: 'attempts_exhausted' };
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return { retry: false, why: 'retry_after_too_long' };
  const backoff = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1)) * (1 + random() * 0.25);
  return { retry: true, delayMs: Math.round(Math.max(backoff, retryAfterMs ?? 0)) };
}

/**
 * Retry-After in milliseconds from now: delay-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`); a date in the past is 0; anything else undefined.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // HTTP-date (IMF-fixdate, RFC 850 or asctime): Date.parse reads all three
  if (!/[a-z]/i.test(v)) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - nowMs);
}
