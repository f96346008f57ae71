/**
 * The one polling loop of the Nova adapter (the reboot's wait, the evacuation's wait): read, stop when `finished`,
 * else sleep and read again until the deadline. The delay grows (backoff ×1.6 up to `maxIntervalMs`) so that a long
 * wait does not hammer nova-api; passing failures (timeouts, 5xx, 429) are retried within the same deadline; any
 * other error, or any error once the caller aborted, is thrown. An abort during a sleep ends the wait with what was
 * seen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NovaApiError, OpenStackTimeoutError } from './errors.js';

export interface PollOptions {
  /** First delay between two reads (default 250 ms); grows by 1.6 up to `maxIntervalMs` (default 5 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  now?: () => number;
}

/** Worth another try within the deadline: no answer, or Nova overloaded or restarting. */
export function isPassing(e: unknown): boolean {
  if (e instanceof OpenStackTimeoutError) return true;
  return e instanceof NovaApiError && (e.code === 'unreachable' || (e.status !== null && (e.status >= 500 || e.status === 429)));
}

export interface PollEnd<T> {
  /** The last value read, or null when every read failed. */
  last: T | null;
  finished: boolean;
  lastError: unknown;
  elapsedMs: number;
}

export async function pollUntil<T>(
  read: (signal?: AbortSignal) => Promise<T>,
  finished: (value: T) => boolean,
  opts: { timeoutMs: number; signal?: AbortSignal },
  poll: PollOptions = {},
): Promise<PollEnd<T>> {
  const now = poll.now ?? (() => performance.now());
  const started = now();
  const deadline = started + opts.timeoutMs;
  const end = (last: T | null, done: boolean, lastError: unknown): PollEnd<T> =>
    ({ last, finished: done, lastError, elapsedMs: Math.round(now() - started) });
  let last: T | null = null;
  let lastError: unknown = null;
  let delay = poll.intervalMs ?? 250;
  for (;;) {
    try {
      last = await read(opts.signal);
      if (finished(last)) return end(last, true, null);
    } catch (e) {
      if (opts.signal?.aborted === true || !isPassing(e)) throw e;
      lastError = e;
    }
    const left = deadline - now();
    if (left <= 0 || opts.signal?.aborted === true) break;
    try {
      await sleep(Math.min(delay, left), undefined, { signal: opts.signal });
    } catch {
      break; // aborted by the caller: report what was seen
    }
    delay = Math.min(delay * 1.6, poll.maxIntervalMs ?? 5000);
  }
  return end(last, false, lastError);
}
