import { describe, expect, it } from 'vitest';
import {
  claimAnnouncement, nextDueAt, observationOf, observeHost, type HostAnnouncement, type HostRecord, type WatchedState, type WatchRules,
} from '../../src/core/host-watch.js';

// The defaults of `vmlocks serve`: a poll every 30 s, a down host announced 45 s after its last heartbeat, at most 2
// announcements per host in 10 minutes.
const RULES: WatchRules = { confirmAfterMs: 15_000, settleMs: 45_000, windowMs: 600_000, maxPerWindow: 2 };
const T0 = Date.parse('2026-11-25T02:00:00Z');
const at = (s: number): Date => new Date(T0 + s * 1000);
const iso = (s: number): string => at(s).toISOString();

/** One poll of one host: second `t`, the state Nova reports, and its last heartbeat (seconds). */
interface Poll { t: number; state: WatchedState; beat?: number }

/** Plays polls through the rules as the service does (observe, then claim what is due); returns what was posted. */
function play(polls: Poll[], rules = RULES, start: HostRecord | null = null): { posted: Array<HostAnnouncement & { t: number }>; record: HostRecord | null } {
  let record = start;
  const posted: Array<HostAnnouncement & { t: number }> = [];
  for (const p of polls) {
    const obs = { host: 'compute-1', state: p.state, heartbeatAt: p.beat === undefined ? null : iso(p.beat) };
    record = observeHost(record, obs, at(p.t), rules).record;
    const claim = claimAnnouncement(record, at(p.t), rules);
    if (claim) {
      posted.push({ ...claim.announcement, t: p.t });
      record = claim.record;
    }
  }
  return { posted, record };
}

/** Polls every `step` seconds from `from` to `to` (inclusive) in one state. */
function polls(from: number, to: number, state: WatchedState, beat?: number, step = 30): Poll[] {
  const out: Poll[] = [];
  for (let t = from; t <= to; t += step) out.push(beat === undefined ? { t, state } : { t, state, beat });
  return out;
}

describe('the host watch rules', () => {
  it('records a host seen for the first time without announcing it, even when it is down', () => {
    const first = observeHost(null, { host: 'compute-9', state: 'down', heartbeatAt: iso(-3600) }, at(0), RULES);
    expect(first.kind).toBe('baseline');
    expect(first.record).toMatchObject({ state: 'down', announced: 'down', since: iso(-3600), dueAt: null, changes: 0 });
    expect(play(polls(0, 600, 'down', -3600)).posted).toEqual([]);
  });

  it('announces a host that goes down once, after its second poll and the settle from its last heartbeat', () => {
    // heartbeat at 0; Nova calls it down from 60 s (service_down_time); confirmed at the next poll, 90 s: already
    // more than 45 s after the heartbeat, so posted at once
    const { posted } = play([...polls(0, 30, 'up'), ...polls(60, 900, 'down', 0)]);
    expect(posted).toEqual([{ host: 'compute-1', state: 'down', since: iso(0), previous: 'up', changes: 1, t: 90 }]);
  });

  it('waits for the owners\' watches to expire when Nova says down soon after the last heartbeat (forced down)', () => {
    const { posted, record } = play([{ t: 0, state: 'up' }, { t: 10, state: 'down', beat: 8 }, { t: 40, state: 'down', beat: 8 }]);
    expect(posted).toEqual([]);
    expect(record?.dueAt).toBe(iso(53)); // heartbeat 8 s + settle 45 s
    expect(nextDueAt([record as HostRecord])).toBe(iso(53));
    expect(play([{ t: 53, state: 'down', beat: 8 }], RULES, record).posted).toMatchObject([{ state: 'down', t: 53 }]);
  });

  it('settles from when the host was first seen down when Nova gives no heartbeat, or one in the future', () => {
    expect(play([{ t: 0, state: 'up' }, { t: 30, state: 'down' }, { t: 60, state: 'down' }]).record?.dueAt).toBe(iso(75));
    expect(play([{ t: 0, state: 'up' }, { t: 30, state: 'down', beat: 500 }, { t: 60, state: 'down', beat: 500 }]).record?.dueAt).toBe(iso(75));
  });

  it('forgets a change that does not last until the next poll', () => {
    const { posted, record } = play([{ t: 0, state: 'up' }, { t: 30, state: 'down', beat: 0 }, { t: 60, state: 'up' }, { t: 90, state: 'up' }]);
    expect(posted).toEqual([]);
    expect(record).toMatchObject({ state: 'up', candidate: null, changes: 0, dueAt: null });
  });

  it('announces the host back up once, right after it is confirmed', () => {
    const { posted } = play([...polls(0, 0, 'up'), ...polls(60, 300, 'down', 0), ...polls(330, 900, 'up')]);
    expect(posted.map((p) => [p.t, p.state, p.previous, p.changes])).toEqual([[90, 'down', 'up', 1], [360, 'up', 'down', 1]]);
  });

  it('tells of a down-and-back that ended before the down announcement was due (the seed\'s case: VMs may have crashed)', () => {
    const slowSettle = { ...RULES, settleMs: 300_000 };
    const { posted } = play([{ t: 0, state: 'up' }, ...polls(60, 120, 'down', 0), ...polls(150, 400, 'up')], slowSettle);
    expect(posted).toEqual([{ host: 'compute-1', state: 'up', since: iso(150), previous: 'up', changes: 2, t: 180 }]);
  });

  it('posts at most two announcements per host in ten minutes; the changes held meanwhile are summarised in the next', () => {
    // down and up every minute for 20 minutes: 40 changes
    const flapping: Poll[] = [];
    for (let t = 0; t < 1200; t += 30) flapping.push({ t, state: Math.floor(t / 60) % 2 === 0 ? 'up' : 'down', beat: t });
    const { posted } = play(flapping);
    const inAnyTenMinutes = Math.max(...posted.map((p) => posted.filter((q) => q.t >= p.t && q.t < p.t + 600).length));
    expect(inAnyTenMinutes).toBeLessThanOrEqual(2);
    expect(posted.length).toBeGreaterThanOrEqual(3);
    const summary = posted.find((p) => p.changes > 2);
    expect(summary, JSON.stringify(posted)).toBeDefined();
  });

  it('reads nova-compute down or forced down as down, whatever its enabled/disabled status', () => {
    const svc = { host: 'compute-1', status: 'enabled' as const, forcedDown: false, updatedAt: iso(0), disabledReason: null };
    expect(observationOf({ ...svc, state: 'up' }).state).toBe('up');
    expect(observationOf({ ...svc, state: 'down' }).state).toBe('down');
    expect(observationOf({ ...svc, state: 'up', forcedDown: true }).state).toBe('down');
    expect(observationOf({ ...svc, state: 'up', status: 'disabled' }).state).toBe('up');
  });

  it('owes nothing and claims nothing for a steady host', () => {
    const { record } = play(polls(0, 300, 'up'));
    expect(record).toMatchObject({ dueAt: null, changes: 0 });
    expect(claimAnnouncement(record as HostRecord, at(301), RULES)).toBeNull();
    expect(nextDueAt([record as HostRecord])).toBeNull();
  });
});
