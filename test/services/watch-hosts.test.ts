import { beforeEach, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/adapters/observability/metrics.js';
import { createHostWatch, watchRules, type HostWatch } from '../../src/services/watch-hosts.js';
import {
  counterValue, FakeClock, FakeComputeServices, freshMetrics, InMemoryHostWatchStore, MemoryAudit, memoryLogger, RecordingAnnouncer, T0, viewFrom,
} from './support/host-watch-fakes.js';

// A poll every 30 s, a down host announced 45 s after its last heartbeat (the defaults of `vmlocks serve`).
const INTERVAL_S = 30;

describe('the host watch service', () => {
  let clock: FakeClock;
  let nova: FakeComputeServices;
  let store: InMemoryHostWatchStore;
  let announcer: RecordingAnnouncer;
  let audit: MemoryAudit;
  let log: ReturnType<typeof memoryLogger>;
  let metrics: Metrics;

  function replica(): HostWatch {
    return createHostWatch({
      nova, store, audit, announcer, clock, logger: log.logger, metrics, inspectHost: viewFrom(nova, clock),
      rules: watchRules(INTERVAL_S * 1000, 45_000),
    });
  }

  /** Polls `count` times, one interval apart, each replica in turn within an interval. */
  async function pollFor(count: number, ...replicas: HostWatch[]): Promise<void> {
    for (let i = 0; i < count; i++) {
      clock.advance(INTERVAL_S);
      for (const r of replicas) await r.poll();
    }
  }

  const events = (name: string) => log.lines().filter((l) => l.event === name);

  beforeEach(() => {
    clock = new FakeClock();
    nova = new FakeComputeServices(clock, ['compute-1', 'compute-2']);
    store = new InMemoryHostWatchStore();
    announcer = new RecordingAnnouncer();
    audit = new MemoryAudit();
    log = memoryLogger();
    metrics = freshMetrics();
  });

  it('records every host at its first poll without announcing, a host already down included', async () => {
    nova.powerOff('compute-2');
    clock.advance(600);
    const watch = replica();
    await watch.poll();
    await pollFor(20, watch);
    expect(announcer.posted).toEqual([]);
    expect((await store.listHostRecords()).map((r) => [r.host, r.state])).toEqual([['compute-1', 'up'], ['compute-2', 'down']]);
    expect(events('host_watch_baseline').map((l) => l.host)).toEqual(['compute-1', 'compute-2']);
  });

  it('announces a host that goes down once, with its view, after the owners\' watches had time to expire', async () => {
    const watch = replica();
    await watch.poll();
    nova.powerOff('compute-1'); // heartbeat stays at T0
    await pollFor(1, watch); // first seen down at +30 s: not yet confirmed
    expect(announcer.posted).toEqual([]);
    await pollFor(1, watch); // +60 s: confirmed, and more than 45 s after the last heartbeat
    expect(announcer.posted).toHaveLength(1);
    const [post] = announcer.posted;
    expect(post?.announcement).toEqual({ host: 'compute-1', state: 'down', since: new Date(T0).toISOString(), previous: 'up', changes: 1 });
    expect(post?.view.ok && post.view.value.summary).toMatchObject({ host: 'compute-1', hostState: 'down' });
    await pollFor(30, watch);
    expect(announcer.posted).toHaveLength(1);
    expect(events('host_down')).toHaveLength(1);
    expect(audit.entries.map((e) => e.action)).toEqual(['host_down', 'host_announce']);
    expect(await counterValue(metrics, 'vmlocks_host_announcements_total', { state: 'down', outcome: 'posted' })).toBe(1);
    expect(await counterValue(metrics, 'vmlocks_host_watch_polls_total', { outcome: 'ok' })).toBe(33);
  });

  it('waits for the settle when the host is forced down right after a heartbeat, and says when it is due', async () => {
    const watch = replica();
    await watch.poll();
    nova.forceDown('compute-1'); // still heartbeating at T0 + 30 s, then forced down by a fencing agent
    clock.advance(INTERVAL_S);
    await watch.poll();
    nova.powerOff('compute-1');
    clock.advance(INTERVAL_S);
    const { nextDueAt } = await watch.poll(); // confirmed at +60 s; due 45 s after the +30 s heartbeat
    expect(announcer.posted).toEqual([]);
    expect(nextDueAt?.toISOString()).toBe(new Date(T0 + 75_000).toISOString());
    clock.advance(15);
    await watch.poll();
    expect(announcer.posted.map((p) => p.announcement.state)).toEqual(['down']);
  });

  it('announces the host back up once, after its down announcement', async () => {
    const watch = replica();
    await watch.poll();
    nova.powerOff('compute-1');
    await pollFor(4, watch);
    nova.powerOn('compute-1');
    await pollFor(10, watch);
    expect(announcer.posted.map((p) => [p.announcement.state, p.announcement.previous])).toEqual([['down', 'up'], ['up', 'down']]);
    expect(events('host_up')).toHaveLength(1);
  });

  it('posts each transition once when two replicas share the store', async () => {
    const [a, b] = [replica(), replica()];
    await a.poll();
    await b.poll();
    nova.powerOff('compute-1');
    await pollFor(5, a, b);
    await pollFor(5, b, a);
    nova.powerOn('compute-1');
    await pollFor(5, a, b);
    expect(announcer.posted.map((p) => p.announcement.state)).toEqual(['down', 'up']);
    expect(events('host_down')).toHaveLength(1);
    expect(events('host_up')).toHaveLength(1);
    expect(events('host_watch_baseline')).toHaveLength(2); // one per host, by whichever replica came first
  });

  it('changes nothing while Nova cannot be read, and goes on when it answers again', async () => {
    const watch = replica();
    await watch.poll();
    nova.failing = new Error('Nova timed out');
    nova.powerOff('compute-1');
    await pollFor(5, watch);
    expect((await store.listHostRecords()).find((r) => r.host === 'compute-1')).toMatchObject({ state: 'up', candidate: null });
    expect(events('host_watch_poll_failed')).toHaveLength(5);
    expect(await counterValue(metrics, 'vmlocks_host_watch_polls_total', { outcome: 'error' })).toBe(5);
    nova.failing = null;
    await pollFor(2, watch);
    expect(announcer.posted.map((p) => p.announcement.state)).toEqual(['down']);
  });

  it('announces even when the host view cannot be read, saying why', async () => {
    const watch = createHostWatch({
      nova, store, audit, announcer, clock, logger: log.logger, metrics, rules: watchRules(INTERVAL_S * 1000, 45_000),
      inspectHost: async () => { throw new Error('rbd: timed out after 10 s'); },
    });
    await watch.poll();
    nova.powerOff('compute-1');
    await pollFor(2, watch);
    expect(announcer.posted).toHaveLength(1);
    expect(announcer.posted[0]?.view).toEqual({ ok: false, error: "could not read the host's instances: rbd: timed out after 10 s" });
  });

  it('does not post an announcement again when Slack refused it (at most once), and logs the loss', async () => {
    const watch = replica();
    await watch.poll();
    announcer.failing = new Error('slack: channel_not_found');
    nova.powerOff('compute-1');
    await pollFor(2, watch);
    announcer.failing = null;
    await pollFor(5, watch);
    expect(announcer.posted).toEqual([]);
    expect(events('host_announce_failed')).toHaveLength(1);
    expect(await counterValue(metrics, 'vmlocks_host_announcements_total', { state: 'down', outcome: 'failed' })).toBe(1);
  });

  it('does not flood the channel with a host that goes down and up every minute', async () => {
    const watch = replica();
    await watch.poll();
    for (let minute = 0; minute < 30; minute++) {
      if (minute % 2 === 0) nova.powerOff('compute-1');
      else nova.powerOn('compute-1');
      await pollFor(2, watch);
    }
    // 30 changes in 30 minutes; at most 2 posts per 10 minutes, the held changes counted in the next post
    expect(announcer.posted.length).toBeGreaterThanOrEqual(3);
    expect(announcer.posted.length).toBeLessThanOrEqual(6);
    expect(announcer.posted.some((p) => p.announcement.changes > 2)).toBe(true);
    expect(announcer.posted.every((p) => p.announcement.host === 'compute-1')).toBe(true);
  });
});
