/**
 * Polls a server until Nova reports it ACTIVE, with no task and power state RUNNING, or the time is up. The delay
 * grows (backoff) so that a long wait does not hammer nova-api; passing failures (timeouts, 5xx) are retried
 * within the same deadline. After a HARD reboot Nova shows HARD_REBOOT / rebooting_hard (sometimes
 * reboot_pending_hard), then ACTIVE (test/fixtures/nova/server-reboot-hard-state-transitions.txt).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { InstanceId } from '../../core/ids.js';
import { POWER_STATE, type NovaInstanceView } from '../../core/snapshot.js';
import type { WaitOutcome } from '../../ports.js';
import { NovaApiError, OpenStackTimeoutError } from './errors.js';

export interface PollOptions {
  /** First delay between two reads (default 250 ms); grows by 1.6 up to `maxIntervalMs` (default 5 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  now?: () => number;
}

export function isActive(s: NovaInstanceView): boolean {
  return s.status === 'ACTIVE' && s.taskState === null && s.powerState === POWER_STATE.RUNNING;
}

/** Worth another try within the deadline: no answer, or Nova overloaded or restarting. */
export function isPassing(e: unknown): boolean {
  if (e instanceof OpenStackTimeoutError) return true;
  return e instanceof NovaApiError && (e.code === 'unreachable' || (e.status !== null && (e.status >= 500 || e.status === 429)));
}

export function label(s: NovaInstanceView): string {
  return s.taskState === null ? s.status : `${s.status}/${s.taskState}`;
}

export async function waitForActive(
  read: (id: InstanceId, signal?: AbortSignal) => Promise<NovaInstanceView>,
  id: InstanceId,
  opts: { timeoutMs: number; signal?: AbortSignal },
  poll: PollOptions = {},
): Promise<WaitOutcome> {
  const now = poll.now ?? (() => performance.now());
  const started = now();
  const deadline = started + opts.timeoutMs;
  const transitions: string[] = [];
  let last: NovaInstanceView | null = null;
  let lastError: unknown = null;
  let delay = poll.intervalMs ?? 250;
  for (;;) {
    try {
      last = await read(id, opts.signal);
      if (transitions.at(-1) !== label(last)) transitions.push(label(last));
      if (isActive(last)) return { reached: true, server: last, transitions, elapsedMs: Math.round(now() - started) };
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
  if (last === null) throw lastError ?? new Error(`waitForActive(${id}): no answer from Nova`);
  return { reached: false, server: last, transitions, elapsedMs: Math.round(now() - started) };
}
