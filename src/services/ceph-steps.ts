/**
 * The Ceph steps of a fix run (DESIGN.md §4: re-inspect, fence, break, repair), doing what the approved plan says
 * and nothing else. Each reads the cluster again where the time since the last read could matter: the re-inspection
 * is made again when it is too old before fencing, and each lock is read again right before `rbd lock rm`.
 */
import { isSameClient } from '../core/client-match.js';
import { DEFAULT_FENCE_EXPIRY_SECONDS, compareApproved, formatExpiry, planOptions } from '../core/fix-plan.js';
import type { FixStep } from '../core/fix-plan-types.js';
import type { FixRequest } from '../core/fix-request.js';
import type { EntityAddr, ImageSpec, InstanceId, LockId, Locker } from '../core/ids.js';
import type { InstanceReport } from '../core/report.js';
import type { CephPort } from '../ports.js';
import { describeError } from './describe-error.js';
import { RunStopped, type StepDeps, type StepResult, type StepRunner } from './run-steps.js';

/** How old the re-inspection may be when fencing starts; older, it is made again (default 30 s). */
export const DEFAULT_MAX_REINSPECT_AGE_MS = 30_000;

export interface CephStepDeps extends StepDeps {
  ceph: CephPort;
  inspectById(id: InstanceId): Promise<InstanceReport | null>;
  maxReinspectAgeMs?: number;
  /** VMLOCKS_FENCE_EXPIRY, for plans stored before the fence step carried its expiry. */
  fenceExpiryMs?: number;
}

const OBJECT_MAP_INVALID = /invalid/;

function isNotFound(e: unknown): boolean {
  return e instanceof Error && (Reflect.get(e, 'code') === 'not_found' || e.name === 'CephNotFoundError');
}

/** A fresh report whose stale locks are exactly the approved ones; anything else stops the run, nothing changed. */
export async function reinspect(deps: CephStepDeps, request: FixRequest, step: 'reinspect' | 'fence' = 'reinspect'): Promise<InstanceReport> {
  const fresh = await deps.inspectById(request.instanceId);
  if (fresh === null) throw new RunStopped(step, `Nova no longer knows instance ${request.instanceId}`, true);
  const same = compareApproved(request.approvedLocks, fresh);
  if (!same.ok) throw new RunStopped(step, `the locks are not what was approved: ${same.error.join('; ')}`, true);
  return fresh;
}

/** The report, inspected again when it is older than the bound (a queue or a slow call since): fencing acts on it. */
async function recent(deps: CephStepDeps, request: FixRequest, report: InstanceReport): Promise<{ report: InstanceReport; note: string }> {
  const bound = deps.maxReinspectAgeMs ?? DEFAULT_MAX_REINSPECT_AGE_MS;
  const ageMs = deps.clock.now().getTime() - Date.parse(report.observedAt);
  if (ageMs <= bound) return { report, note: '' };
  const again = await reinspect(deps, request, 'fence');
  return { report: again, note: ` (inspected again first: the re-inspection was ${Math.round(ageMs / 1000)} s old)` };
}

/** The expiry the plan shows (every fence step of a plan has the same), else the configured one. */
function expiryOf(deps: CephStepDeps, request: FixRequest): number {
  const planned = request.plan.find((s): s is Extract<FixStep, { step: 'fence' }> => s.step === 'fence')?.expirySeconds;
  return planned ?? planOptions(deps.fenceExpiryMs).fenceExpirySeconds ?? DEFAULT_FENCE_EXPIRY_SECONDS;
}

export async function fence(deps: CephStepDeps, run: StepRunner, request: FixRequest, reinspected: InstanceReport): Promise<{ result: StepResult; report: InstanceReport }> {
  const { report, note } = await recent(deps, request, reinspected);
  const blocklisted = new Set(report.disks.flatMap((d) => d.locks.filter((l) => l.isBlocklisted).map((l) => l.lock.address)));
  // The plan fences the stale owners not in the blocklist when it was made; an entry that lapsed since is made again
  // (the approved locks' owners are never left unfenced when their locks are removed).
  const toFence = [...new Set(request.approvedLocks.map((l) => l.address))].filter((a) => !blocklisted.has(a));
  if (toFence.length === 0) return { report, result: { status: 'skipped', detail: `every stale owner is already in the OSD blocklist${note}` } };
  const seconds = expiryOf(deps, request);
  for (const address of toFence) await run.audited('fence', () => deps.ceph.addToBlocklist(address, seconds));
  const listed = new Set((await deps.ceph.listBlocklist()).map((e) => e.address));
  const missing = toFence.filter((a) => !listed.has(a));
  if (missing.length > 0) throw new RunStopped('fence', `${missing.join(', ')} not in the OSD blocklist after adding it`, false);
  return { report, result: { status: 'ok', detail: `blocklisted ${toFence.join(', ')} for ${formatExpiry(seconds)} (confirmed listed)${note}` } };
}

type Approved = FixRequest['approvedLocks'][number];

/** Right before `rbd lock rm`: the approved lock must still be there, unchanged, with no watcher of its client. */
async function checkStillStale(ceph: CephPort, lock: Approved): Promise<'present' | 'gone'> {
  const [locks, watchers] = await Promise.all([ceph.listLocks(lock.image), ceph.listWatchers(lock.image)]);
  const same = locks.find((l) => l.id === lock.id && l.locker === lock.locker);
  if (same === undefined) return 'gone';
  if (same.address !== lock.address) {
    throw new RunStopped('break', `lock "${lock.id}" of ${lock.locker} on ${lock.image} now has address ${same.address}, not the approved ${lock.address}: not removed`, false);
  }
  const live = watchers.find((w) => isSameClient(w.address, lock.address as EntityAddr));
  if (live) throw new RunStopped('break', `watcher ${live.address} on ${lock.image} is the client of ${lock.locker}: its owner is connected again, the lock was not removed`, false);
  return 'present';
}

export async function breakLocks(deps: CephStepDeps, run: StepRunner, request: FixRequest): Promise<StepResult> {
  const removed: string[] = [];
  const notes: string[] = [];
  const done = (): string => (removed.length === 0 ? 'no lock was removed' : `already removed: ${removed.join('; ')}`);
  for (const lock of request.approvedLocks) {
    const name = `${lock.id} (${lock.locker}) from ${lock.image}`;
    try {
      if ((await checkStillStale(deps.ceph, lock)) === 'gone') {
        notes.push(`${lock.id} (${lock.locker}) on ${lock.image} was already gone`);
        continue;
      }
      await run.audited('break', () => deps.ceph.removeLock(lock.image, lock.id as LockId, lock.locker as Locker));
      removed.push(`removed ${name}`);
    } catch (e) {
      if (isNotFound(e)) {
        notes.push(`${lock.id} (${lock.locker}) on ${lock.image} was already gone`);
        continue;
      }
      const why = e instanceof RunStopped ? e.detail : `could not remove ${name}: ${describeError(e)}`;
      throw new RunStopped('break', `${why}; ${done()}`, false);
    }
  }
  for (const image of new Set(request.approvedLocks.map((l) => l.image))) {
    const left = (await deps.ceph.listLocks(image)).filter((l) => request.approvedLocks.some((a) => a.image === image && a.id === l.id && a.locker === l.locker));
    if (left.length > 0) throw new RunStopped('break', `${image} still has ${left.map((l) => `${l.id} (${l.locker})`).join(', ')} after rbd lock rm; ${done()}`, false);
  }
  return { status: 'ok', detail: `${[...removed, ...notes].join('; ')} (confirmed gone)` };
}

/**
 * Rebuilds the object maps the plan repairs, and only those: `rbd object-map rebuild` takes the exclusive lock
 * itself, which must never happen on a live client's disk. The disks whose locks were removed are checked too, so
 * that an invalid map there is reported even when the plan did not repair it. A check that fails is said so.
 */
export async function repair(deps: CephStepDeps, run: StepRunner, request: FixRequest, report: InstanceReport): Promise<StepResult> {
  const planned = request.plan.flatMap((s) => (s.step === 'repair' ? [s.image] : []));
  const checked = [...new Set<ImageSpec>([...planned, ...request.approvedLocks.map((l) => l.image)])];
  const rebuilt: string[] = [];
  const notes: string[] = [];
  for (const image of checked) {
    let flags: string[];
    try {
      flags = (await deps.ceph.imageInfo(image)).flags.filter((f) => OBJECT_MAP_INVALID.test(f));
    } catch (e) {
      notes.push(`could not check the object map of ${image} (${describeError(e)}); it was not rebuilt: check it with rbd info`);
      continue;
    }
    if (flags.length === 0) continue;
    const disk = report.disks.find((d) => d.image === image);
    if (!planned.includes(image)) {
      notes.push(`${image} is flagged ${flags.join(', ')} but the approved plan does not repair it: not rebuilt`);
    } else if (disk === undefined || disk.locks.some((l) => l.verdict === 'alive')) {
      notes.push(`${image} ${disk === undefined ? 'was not in the re-inspection' : 'has an alive lock now'}: not rebuilt`);
    } else {
      await run.audited('repair', () => deps.ceph.rebuildObjectMap(image));
      const info = await deps.ceph.imageInfo(image);
      if (info.flags.some((f) => OBJECT_MAP_INVALID.test(f))) throw new RunStopped('repair', `${image} still flagged ${info.flags.join(', ')} after the rebuild`, false);
      rebuilt.push(image);
    }
  }
  if (rebuilt.length === 0) return { status: 'skipped', detail: notes.length > 0 ? notes.join('; ') : 'no object map is flagged invalid' };
  return { status: 'ok', detail: [`rebuilt the object map of ${rebuilt.join(', ')}`, ...notes].join('; ') };
}
