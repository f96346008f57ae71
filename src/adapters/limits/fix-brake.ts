/**
 * The fix brake: when many fixes ran across the cluster in a short time, the cause is most likely a mass event (a
 * rack, a power feed, a Ceph problem), and fixing VM by VM hides it. The count of runs comes from the store, so
 * the brake holds across restarts and across replicas sharing the database. decide-request.ts calls check() inside
 * the store transaction that also starts the run, so the count cannot change between the check and the start.
 */
import { formatDuration } from '../../core/duration.js';
import type { Clock, FixRequestStore } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export type BrakeCheck =
  | { allowed: true }
  | { allowed: false; count: number; limit: number; windowMs: number; message: string };

export interface FixBrake {
  /** Whether one more fix may start now. */
  check(): BrakeCheck;
}

export interface FixBrakeOptions {
  store: Pick<FixRequestStore, 'countRunsStartedSince'>;
  /** Runs allowed in the window (VMLOCKS_FIX_BRAKE). */
  limit?: number;
  windowMs?: number;
  clock: Clock;
  metrics: Metrics;
  logger?: Logger;
}

export function createFixBrake(opts: FixBrakeOptions): FixBrake {
  const limit = opts.limit ?? 10;
  const windowMs = opts.windowMs ?? 10 * 60_000;

  function check(): BrakeCheck {
    const since = new Date(opts.clock.now().getTime() - windowMs).toISOString();
    const count = opts.store.countRunsStartedSince(since);
    if (count < limit) return { allowed: true };
    opts.metrics.limitHits.inc({ limit: 'fix_brake' });
    opts.logger?.warn({ event: 'limit_hit', limit: 'fix_brake', count, max: limit, windowMs }, 'fix brake engaged');
    return { allowed: false, count, limit, windowMs, message: brakeMessage(count, windowMs) };
  }

  return { check };
}

export function brakeMessage(count: number, windowMs: number): string {
  const window = formatDuration(windowMs);
  return (
    `${count} fixes ran in the last ${window} across the cluster: this looks like a mass event (a rack or a power feed), ` +
    'not a single dead host. Stop fixing VM by VM: check the Ceph cluster and the compute hosts, ' +
    'and raise VMLOCKS_FIX_BRAKE if you are sure.'
  );
}
