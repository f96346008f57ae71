/**
 * Prometheus metrics (prom-client). One registry per process, passed to the adapters that count things.
 * Metric and label names are stable: dashboards and alerts depend on them.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Slash commands and button clicks received, by kind (`inspect`, `help`, `request_fix`, `approve`, ...). */
  commands: Counter<'kind'>;
  /** A limit was hit, by stable limit name (`user_commands`, `fix_brake`, `ceph_queue`, `nova_queue`, `slack_429`, `instance_busy`). */
  limitHits: Counter<'limit'>;
  /** Verdicts given, by verdict. */
  verdicts: Counter<'verdict'>;
  /** Calls to Ceph/Nova/Keystone/Slack, by system, operation and outcome (`ok`, `error`, `timeout`). */
  externalCalls: Counter<'system' | 'op' | 'outcome'>;
  externalCallSeconds: Histogram<'system' | 'op'>;
  /** Calls waiting in a limiter queue now, by limiter. */
  queued: Gauge<'limiter'>;
  /** Fix decisions, by decision (`approved`, `denied`, `expired`) and refusals by code. */
  decisions: Counter<'decision'>;
  /** Fix runs finished, by outcome (`succeeded`, `failed`, `aborted`, `interrupted`). */
  fixRuns: Counter<'outcome'>;
  /** Host watch polls of Nova's compute services, by outcome (`ok`, `error`). */
  hostWatchPolls: Counter<'outcome'>;
  /** Confirmed compute host transitions recorded by this replica, by new state (`down`, `up`). */
  hostTransitions: Counter<'state'>;
  /** Host announcements to the incident channel, by state (`down`, `up`) and outcome (`posted`, `failed`). */
  hostAnnouncements: Counter<'state' | 'outcome'>;
}

export function createMetrics(opts: { collectDefaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.collectDefaults) collectDefaultMetrics({ register: registry, prefix: 'vmlocks_' });
  const registers = [registry];
  return {
    registry,
    commands: new Counter({ name: 'vmlocks_commands_total', help: 'Slash commands and interactions received', labelNames: ['kind'], registers }),
    limitHits: new Counter({ name: 'vmlocks_limit_hits_total', help: 'Times a rate limit or safety brake was hit', labelNames: ['limit'], registers }),
    verdicts: new Counter({ name: 'vmlocks_verdicts_total', help: 'Instance verdicts given', labelNames: ['verdict'], registers }),
    externalCalls: new Counter({ name: 'vmlocks_external_calls_total', help: 'Calls to Ceph, Nova, Keystone and Slack', labelNames: ['system', 'op', 'outcome'], registers }),
    externalCallSeconds: new Histogram({
      name: 'vmlocks_external_call_seconds', help: 'Duration of calls to Ceph, Nova, Keystone and Slack', labelNames: ['system', 'op'], registers,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    queued: new Gauge({ name: 'vmlocks_limiter_queued', help: 'Calls waiting in a limiter queue', labelNames: ['limiter'], registers }),
    decisions: new Counter({ name: 'vmlocks_decisions_total', help: 'Fix request decisions and refusals', labelNames: ['decision'], registers }),
    fixRuns: new Counter({ name: 'vmlocks_fix_runs_total', help: 'Fix runs finished, by outcome', labelNames: ['outcome'], registers }),
    hostWatchPolls: new Counter({ name: 'vmlocks_host_watch_polls_total', help: 'Polls of the compute services by the host watch', labelNames: ['outcome'], registers }),
    hostTransitions: new Counter({ name: 'vmlocks_host_transitions_total', help: 'Compute host transitions recorded (one replica counts each)', labelNames: ['state'], registers }),
    hostAnnouncements: new Counter({ name: 'vmlocks_host_announcements_total', help: 'Compute host announcements to the incident channel', labelNames: ['state', 'outcome'], registers }),
  };
}
