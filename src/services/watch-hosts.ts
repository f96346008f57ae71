/**
 * The host watch (issue 9, DESIGN.md §4 "A whole host"): polls Nova's nova-compute services, applies the rules of
 * core/host-watch.ts to each host's shared record, and posts each owed announcement once, with the host's view.
 * Every record write is a compare-and-set in the store: when two replicas see the same change, the one whose
 * write lands records it (log, audit, metric) and the one whose claim of the announcement lands posts it.
 * At most once: a replica that dies between its claim and its post loses that announcement (the log says so).
 */
import { claimAnnouncement, nextDueAt, observationOf, observeHost, type HostAnnouncement, type WatchRules } from '../core/host-watch.js';
import { err, ok, type Result } from '../core/result.js';
import type { AuditLog, Clock, HostAnnouncer, HostView, HostWatchStore, NovaPort, StoredHostRecord } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { describeError } from './describe-error.js';
import type { HostOutcome } from './types.js';

export interface HostWatchDeps {
  nova: Pick<NovaPort, 'listComputeServices'>;
  store: HostWatchStore;
  audit: AuditLog;
  announcer: HostAnnouncer;
  /** The host's view as `/vmlocks host` shows it. */
  inspectHost(host: string): Promise<HostOutcome>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  rules: WatchRules;
}

export interface HostWatch {
  /** One poll: observe, record, post what is due. Never throws. Returns when the next owed announcement is due. */
  poll(): Promise<{ nextDueAt: Date | null }>;
}

/** The rules for a poll interval and a settle delay: a change must last half an interval; 2 posts per host per 10 min. */
export function watchRules(intervalMs: number, settleMs: number): WatchRules {
  return { confirmAfterMs: Math.floor(intervalMs / 2), settleMs, windowMs: 10 * 60_000, maxPerWindow: 2 };
}

export function createHostWatch(deps: HostWatchDeps): HostWatch {
  const { store, logger, metrics } = deps;

  async function viewOf(host: string): Promise<Result<HostView, string>> {
    try {
      const outcome = await deps.inspectHost(host);
      return outcome.kind === 'host_report' ? ok({ summary: outcome.summary, ...(outcome.batch ? { batch: outcome.batch } : {}) }) : err(`Nova lists no nova-compute service and no instance on ${host} any more`);
    } catch (e) {
      return err(`could not read the host's instances: ${describeError(e)}`);
    }
  }

  async function announce(a: HostAnnouncement): Promise<void> {
    const view = await viewOf(a.host);
    const at = deps.clock.now().toISOString();
    try {
      await deps.announcer.announceHost(a, view);
      metrics.hostAnnouncements.inc({ state: a.state, outcome: 'posted' });
      logger.info({ event: 'host_announced', host: a.host, state: a.state, previous: a.previous, changes: a.changes }, `announced ${a.host} ${a.state}`);
      await deps.audit.append({ at, actor: 'system', action: 'host_announce', instanceId: null, requestId: null, detail: `${a.host} ${a.state} since ${a.since} (${a.changes} change(s) since the last announcement)` });
    } catch (e) {
      metrics.hostAnnouncements.inc({ state: a.state, outcome: 'failed' });
      logger.error({ event: 'host_announce_failed', host: a.host, state: a.state, err: e }, `could not announce ${a.host} ${a.state}; it is not posted again`);
    }
  }

  /** Applies the observations; returns the records as this replica now knows them (a lost race drops the host). */
  async function record(services: Awaited<ReturnType<NovaPort['listComputeServices']>>, now: Date): Promise<Map<string, StoredHostRecord>> {
    const records = new Map((await store.listHostRecords()).map((r) => [r.host, r]));
    for (const service of services) {
      const prior = records.get(service.host) ?? null;
      const step = observeHost(prior, observationOf(service), now, deps.rules);
      if (step.kind === 'steady') continue;
      const version = prior?.version ?? 0;
      if (!(await store.saveHostRecord(step.record, version))) {
        logger.debug({ event: 'host_watch_race', host: service.host }, 'another replica recorded this host first');
        records.delete(service.host);
        continue;
      }
      records.set(service.host, { ...step.record, version: version + 1 });
      if (step.kind === 'baseline') {
        logger.info({ event: 'host_watch_baseline', host: service.host, state: step.record.state }, `${service.host} is ${step.record.state}: recorded, not announced`);
      } else if (step.kind === 'confirmed') {
        const s = step.record;
        metrics.hostTransitions.inc({ state: s.state });
        logger.warn({ event: s.state === 'down' ? 'host_down' : 'host_up', host: s.host, since: s.since, dueAt: s.dueAt, forcedDown: service.forcedDown }, `${s.host} is ${s.state} since ${s.since}`);
        await deps.audit.append({ at: now.toISOString(), actor: 'system', action: s.state === 'down' ? 'host_down' : 'host_up', instanceId: null, requestId: null, detail: `${s.host} nova-compute ${s.state}${service.forcedDown ? ' (forced down)' : ''} since ${s.since}; announcement due ${s.dueAt ?? 'never'}` });
      }
    }
    return records;
  }

  return {
    async poll() {
      const now = deps.clock.now();
      let records: Map<string, StoredHostRecord>;
      try {
        const services = await deps.nova.listComputeServices();
        metrics.hostWatchPolls.inc({ outcome: 'ok' });
        records = await record(services, now);
      } catch (e) {
        // Nova unreachable (or the store busy): nothing is recorded, no host changes state on missing information.
        metrics.hostWatchPolls.inc({ outcome: 'error' });
        logger.warn({ event: 'host_watch_poll_failed', err: e }, `the host watch could not read the compute services: ${describeError(e)}`);
        return { nextDueAt: null };
      }
      const claimed: HostAnnouncement[] = [];
      for (const r of records.values()) {
        const claim = claimAnnouncement(r, now, deps.rules);
        if (claim === null) continue;
        if (await store.saveHostRecord(claim.record, r.version)) {
          claimed.push(claim.announcement);
          records.set(r.host, { ...claim.record, version: r.version + 1 });
        } else {
          records.delete(r.host); // another replica claimed it (or changed the record): it is theirs to post
        }
      }
      await Promise.all(claimed.map(announce)); // several hosts at once (a rack); the Nova and Ceph limiters bound them
      const next = nextDueAt(records.values());
      return { nextDueAt: next === null ? null : new Date(next) };
    },
  };
}
