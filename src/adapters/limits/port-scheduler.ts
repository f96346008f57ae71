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
  metrics: Metrics;
}

/** Bottleneck priorities (0 first, default 5): a fix's calls go before the diagnoses queued ahead of them. */
export const PRIORITY = { fix: 1, diagnosis: 5 } as const;

export type Scheduled = <T>(call: () => Promise<T>, priority?: number) => Promise<T>;

export function createPortScheduler(
  name: 'ceph' | 'nova',
  opts: PortLimitOptions & { maxConcurrent: number },
): Scheduled {
  const limiter = new Bottleneck({ maxConcurrent: opts.maxConcurrent, minTime: opts.minTime ?? 0 });
  const limit = `${name}_queue`;
  const labels = { limiter: name };

  /** Calls not yet started: received, queued, or scheduled and waiting out minTime. */
  function waiting(): number {
    const c = limiter.counts();
    return c.RECEIVED + c.QUEUED + c.RUNNING;
  }

  return <T>(call: () => Promise<T>, priority: number = PRIORITY.diagnosis): Promise<T> => {
    const c = limiter.counts();
    // Every call already in the limiter holds or awaits a slot before this one: when they fill all slots, this
    // call has to queue.
    if (c.RECEIVED + c.QUEUED + c.RUNNING + c.EXECUTING >= opts.maxConcurrent) opts.metrics.limitHits.inc({ limit });
    const result = limiter.schedule({ priority }, () => {
      opts.metrics.queued.set(labels, waiting());
      return call();
    });
    opts.metrics.queued.set(labels, waiting());
    return result;
  };
}
