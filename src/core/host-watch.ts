/**
 * The host watch's rules (DESIGN.md §4 "A whole host", issue 9): when a compute host's nova-compute goes down or
 * comes back, the incident channel is told once, with the host's view. Pure: every function takes `now`.
 *
 * - **Baseline.** A host seen for the first time (no record in the store) is recorded as it is, silently: a host
 *   that was already down when the watch started (or a decommissioned one that stays down) is not announced.
 * - **Confirmation.** A new state counts only when it is seen again at least `confirmAfterMs` after it was first
 *   seen (two polls in a row); a state that flips back before that is forgotten.
 * - **Settle.** A down host is announced no earlier than `settleMs` after its last heartbeat (when Nova gave one,
 *   else after it was first seen down): the lock owners' watches (osd_client_watch_timeout, 30 s by default) must
 *   have expired for the verdicts of the view to mean anything. A host back up is announced at once.
 * - **Damping.** At most `maxPerWindow` announcements per host in any `windowMs`; changes past that are held and
 *   summarised in the next announcement (the state then, and how many changes it saw).
 * The record is shared by every replica (the store writes it with compare-and-set), so each step happens once.
 */
import type { ComputeServiceView } from './snapshot.js';

export type WatchedState = 'up' | 'down';

export interface HostObservation {
  host: string;
  state: WatchedState;
  /** Nova's last heartbeat of the host's nova-compute (ISO), or null. */
  heartbeatAt: string | null;
}

export interface HostRecord {
  host: string;
  /** The confirmed state. */
  state: WatchedState;
  /** When the confirmed state began (a down host: its last heartbeat when known). */
  since: string;
  /** A different state seen but not yet confirmed, and when it was first seen. */
  candidate: { state: WatchedState; since: string } | null;
  /** What the incident channel was last told (the baseline state before any announcement). */
  announced: WatchedState;
  /** Confirmed changes since the last announcement. */
  changes: number;
  /** When the owed announcement may be posted; null when nothing is owed. */
  dueAt: string | null;
  /** When the announcements inside the damping window were posted, oldest first. */
  recent: string[];
}

export interface WatchRules {
  confirmAfterMs: number;
  settleMs: number;
  windowMs: number;
  maxPerWindow: number;
}

/** `steady`: nothing to write; the others change the record (`confirmed`: a transition happened). */
export type ObserveStep =
  | { kind: 'steady' | 'baseline' | 'candidate' | 'flap_ignored'; record: HostRecord }
  | { kind: 'confirmed'; record: HostRecord; transition: WatchedState };

/** What the channel is told: the host's state now, since when, and what it was told before. */
export interface HostAnnouncement {
  host: string;
  state: WatchedState;
  since: string;
  /** What the channel was told before: `down` with state `up` is "back up". */
  previous: WatchedState;
  /** Confirmed changes since then: 1 normally, 2 for a down-and-back the channel had not heard of, more when flapping. */
  changes: number;
}

/** Down when Nova says nova-compute is down (no heartbeat for service_down_time) or forced down. */
export function observationOf(service: ComputeServiceView): HostObservation {
  return { host: service.host, state: service.forcedDown || service.state === 'down' ? 'down' : 'up', heartbeatAt: service.updatedAt };
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString();

/** A down host's start: its last heartbeat when Nova gave a readable one that is not in our future. */
function downSince(obs: HostObservation, fallback: string, now: Date): string {
  const beat = obs.heartbeatAt === null ? Number.NaN : ms(obs.heartbeatAt);
  return Number.isNaN(beat) || beat > now.getTime() ? fallback : iso(beat);
}

function inWindow(recent: string[], now: Date, rules: WatchRules): string[] {
  return recent.filter((t) => now.getTime() - ms(t) < rules.windowMs);
}

/** When the next announcement of this host may go out: after the settle (down) and once the window has room. */
function dueAfterChange(state: WatchedState, since: string, recent: string[], now: Date, rules: WatchRules): string {
  const settled = state === 'down' ? ms(since) + rules.settleMs : now.getTime();
  const window = inWindow(recent, now, rules);
  const oldestToExpire = window[window.length - rules.maxPerWindow];
  const room = oldestToExpire === undefined ? now.getTime() : ms(oldestToExpire) + rules.windowMs;
  return iso(Math.max(now.getTime(), settled, room));
}

/** One poll's observation of a host applied to its record (null: never seen). */
export function observeHost(record: HostRecord | null, obs: HostObservation, now: Date, rules: WatchRules): ObserveStep {
  const at = now.toISOString();
  if (record === null) {
    const since = obs.state === 'down' ? downSince(obs, at, now) : at;
    return { kind: 'baseline', record: { host: obs.host, state: obs.state, since, candidate: null, announced: obs.state, changes: 0, dueAt: null, recent: [] } };
  }
  if (obs.state === record.state) {
    return record.candidate === null ? { kind: 'steady', record } : { kind: 'flap_ignored', record: { ...record, candidate: null } };
  }
  const candidate = record.candidate?.state === obs.state ? record.candidate : { state: obs.state, since: at };
  if (now.getTime() - ms(candidate.since) < rules.confirmAfterMs) {
    return candidate === record.candidate ? { kind: 'steady', record } : { kind: 'candidate', record: { ...record, candidate } };
  }
  const since = obs.state === 'down' ? downSince(obs, candidate.since, now) : candidate.since;
  return {
    kind: 'confirmed', transition: obs.state,
    record: {
      ...record, state: obs.state, since, candidate: null, changes: record.changes + 1,
      dueAt: dueAfterChange(obs.state, since, record.recent, now, rules),
    },
  };
}

/** The announcement owed for a record once it is due, and the record after it (null: nothing to post now). */
export function claimAnnouncement(record: HostRecord, now: Date, rules: WatchRules): { record: HostRecord; announcement: HostAnnouncement } | null {
  if (record.dueAt === null || ms(record.dueAt) > now.getTime()) return null;
  return {
    announcement: { host: record.host, state: record.state, since: record.since, previous: record.announced, changes: record.changes },
    record: {
      ...record, announced: record.state, changes: 0, dueAt: null,
      recent: [...inWindow(record.recent, now, rules), now.toISOString()],
    },
  };
}

/** The earliest time an owed announcement becomes due, for the poll loop to wake then; null when none is owed. */
export function nextDueAt(records: Iterable<HostRecord>): string | null {
  let next: string | null = null;
  for (const r of records) if (r.dueAt !== null && (next === null || ms(r.dueAt) < ms(next))) next = r.dueAt;
  return next;
}
