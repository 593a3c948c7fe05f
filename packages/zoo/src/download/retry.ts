// Back-off policy for transient failures (network errors, 5xx, 429, truncated bodies).

export interface RetryPolicy {
  /** Attempts that made no progress before giving up (attempts that received bytes are free). */
  attempts: number;
  /** First back-off; doubled per failed attempt, ±25 % jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on a server's `Retry-After`, so a bad header cannot park us for hours. */
  maxRetryAfterMs: number;
}

/** HAWQ_ZOO_BACKOFF_MS shortens the base delay (tests use a few ms). */
export function defaultRetryPolicy(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const base = Number(env.HAWQ_ZOO_BACKOFF_MS);
  return {
    attempts: 5,
    baseDelayMs: Number.isFinite(base) && base >= 0 && env.HAWQ_ZOO_BACKOFF_MS !== '' ? base : 1000,
    maxDelayMs: 30_000,
    maxRetryAfterMs: 120_000,
  };
}

/** Delay before retry number `failures` (1-based), honouring a server's Retry-After. */
export function backoffDelay(policy: RetryPolicy, failures: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const exp = Math.min(policy.baseDelayMs * 2 ** (failures - 1), policy.maxDelayMs);
  return Math.round(exp * (0.75 + Math.random() * 0.5));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined if absent/invalid. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
