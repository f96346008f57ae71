/**
 * The fix brake: when many fixes ran across the cluster in a short time, the cause is most likely a mass event (a
 * rack, a power feed, a Ceph problem), and fixing VM by VM hides it. The runs are counted by the store, inside the
 * transaction that also decides and starts the run (FixRequestStore.decide), so the brake holds across restarts and
 * across replicas sharing the database, and two approvals cannot both take its last place.
 */
import { formatDuration } from '../../core/duration.js';
import type { BrakeWindow } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface BrakeRefusal {
  count: number;
  limit: number;
  windowMs: number;
  message: string;
}

export interface FixBrake {
  /** What the store counts for one more run. */
  window(): BrakeWindow;
  /** The store found `count` runs in the window: the refusal to show, counted and logged. */
  refuse(count: number): BrakeRefusal;
}

export interface FixBrakeOptions {
  /** Runs allowed in the window (VMLOCKS_FIX_BRAKE). */
  limit?: number;
  windowMs?: number;
  metrics: Metrics;
  logger?: Logger;
}

export function createFixBrake(opts: FixBrakeOptions): FixBrake {
  const limit = opts.limit ?? 10;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  return {
    window: () => ({ windowMs, limit }),
    refuse(count) {
      opts.metrics.limitHits.inc({ limit: 'fix_brake' });
      opts.logger?.warn({ event: 'limit_hit', limit: 'fix_brake', count, max: limit, windowMs }, 'fix brake engaged');
      return { count, limit, windowMs, message: brakeMessage(count, windowMs) };
    },
  };
}

export function brakeMessage(count: number, windowMs: number): string {
  const window = formatDuration(windowMs);
  return (
    `${count} ${count === 1 ? 'fix' : 'fixes'} ran in the last ${window} across the cluster: this looks like a mass event (a rack or a power feed), ` +
    'not a single dead host. Stop fixing VM by VM: check the Ceph cluster and the compute hosts, ' +
    'and raise VMLOCKS_FIX_BRAKE if you are sure.'
  );
}
