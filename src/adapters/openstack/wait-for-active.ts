/**
 * Polls a server until Nova reports it ACTIVE, with no task and power state RUNNING, or the time is up. The delay
 * grows and passing failures are retried within the deadline (bounded-poll.ts). After a HARD reboot Nova shows HARD_REBOOT / rebooting_hard (sometimes
 * reboot_pending_hard), then ACTIVE (test/fixtures/nova/server-reboot-hard-state-transitions.txt).
 */
import type { InstanceId } from '../../core/ids.js';
import { POWER_STATE, type NovaInstanceView } from '../../core/snapshot.js';
import type { WaitOutcome } from '../../ports.js';
import { pollUntil, type PollOptions } from './bounded-poll.js';

export { isPassing, type PollOptions } from './bounded-poll.js';

export function isActive(s: NovaInstanceView): boolean {
  return s.status === 'ACTIVE' && s.taskState === null && s.powerState === POWER_STATE.RUNNING;
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
  const transitions: string[] = [];
  const end = await pollUntil(async (signal) => {
    const s = await read(id, signal);
    if (transitions.at(-1) !== label(s)) transitions.push(label(s));
    return s;
  }, isActive, opts, poll);
  if (end.last === null) throw end.lastError ?? new Error(`waitForActive(${id}): no answer from Nova`);
  return { reached: end.finished, server: end.last, transitions, elapsedMs: end.elapsedMs };
}
