/**
 * One shared bottleneck limiter in front of an outside system (Ceph CLIs, Nova API). Every call of the Slack and
 * CLI paths goes through the same instance, so that 50 simultaneous commands start at most `maxConcurrent` `rbd`
 * processes or Nova requests, spaced by at least `minTime` ms; the rest wait in bottleneck's queue.
 */
import Bottleneck from 'bottleneck';
import type { Metrics } from '../observability/metrics.js';

export interface PortLimitOptions {
  maxConcurrent?: number;
  minTime?: number;
  /**
   * Calls that may wait at most; past it a diagnosis or host scan is refused at once ("busy, try again in N s")
   * instead of waiting longer than anyone (or Slack's 30-minute response_url) would. A fix's calls always queue.
   */
  maxQueued?: number;
  metrics: Metrics;
}

/**
 * Bottleneck priorities (0 first, default 5): a fix's calls go before everything waiting, a single diagnosis before
 * the calls of host scans, so one user's scan of a host cannot hold back someone else's check of one instance.
 */
export const PRIORITY = { fix: 1, diagnosis: 5, hostScan: 7 } as const;

/** The queue in front of Ceph or Nova is full: a value with a message for the user and when to retry. */
export class QueueFullError extends Error {
  readonly userMessage: string;
  constructor(readonly system: 'ceph' | 'nova', readonly waiting: number, readonly retryAfterMs: number) {
    super(`${system} queue full: ${waiting} calls waiting`);
    this.name = 'QueueFullError';
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    this.userMessage = `vmlocks is busy (${waiting} ${system === 'ceph' ? 'Ceph' : 'Nova'} calls are waiting); try again in ${seconds} s. Nothing was changed.`;
  }
}

export type Scheduled = (<T>(call: () => Promise<T>, priority?: number) => Promise<T>) & {
  /** Calls waiting in bottleneck's queue for a slot (ordered there by priority). */
  queued(): number;
};

export function createPortScheduler(
  name: 'ceph' | 'nova',
  opts: PortLimitOptions & { maxConcurrent: number },
): Scheduled {
  const limiter = new Bottleneck({ maxConcurrent: opts.maxConcurrent, minTime: opts.minTime ?? 0 });
  const limit = `${name}_queue`;
  const labels = { limiter: name };
  // Mean duration of recent calls (exponential average), for the "try again in N s" of a full queue.
  let meanMs = 500;

  /** Calls not yet started: received, queued, or scheduled and waiting out minTime. */
  function waiting(): number {
    const c = limiter.counts();
    return c.RECEIVED + c.QUEUED + c.RUNNING;
  }

  const schedule = <T>(call: () => Promise<T>, priority: number = PRIORITY.diagnosis): Promise<T> => {
    const c = limiter.counts();
    // calls beyond the slots: those that will have to wait
    const queued = Math.max(0, c.RECEIVED + c.QUEUED + c.RUNNING + c.EXECUTING - opts.maxConcurrent);
    if (opts.maxQueued !== undefined && priority !== PRIORITY.fix && queued >= opts.maxQueued) {
      opts.metrics.limitHits.inc({ limit: `${name}_queue_full` });
      return Promise.reject(new QueueFullError(name, queued, (queued * meanMs) / opts.maxConcurrent));
    }
    // Every call already in the limiter holds or awaits a slot before this one: when they fill all slots, this
    // call has to queue.
    if (c.RECEIVED + c.QUEUED + c.RUNNING + c.EXECUTING >= opts.maxConcurrent) opts.metrics.limitHits.inc({ limit });
    const result = limiter.schedule({ priority }, async () => {
      opts.metrics.queued.set(labels, waiting());
      const started = performance.now();
      try {
        return await call();
      } finally {
        meanMs = 0.8 * meanMs + 0.2 * (performance.now() - started);
      }
    });
    opts.metrics.queued.set(labels, waiting());
    return result;
  };
  return Object.assign(schedule, { queued: () => limiter.counts().QUEUED });
}
