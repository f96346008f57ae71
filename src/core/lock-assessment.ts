/**
 * The verdict on one lock (DESIGN.md §3). librbd's own rule (librbd/managed_lock/BreakRequest.cc) calls the
 * owner alive while a watcher of the image has the lock's address and a cookie equal to the lock's handle;
 * vmlocks is stricter in the safe direction: any watcher of the same librados client (same IP and nonce),
 * on this image or another disk of the instance, keeps the lock alive.
 */
import { findBlocklistEntry, hasZeroNonce, isNewClientOnSameHost, isSameClient, addrIp } from './client-match.js';
import { say } from './evidence.js';
import { ownerHost } from './owner-host.js';
import { lockHandle, splitImageSpec, type ImageSpec } from './ids.js';
import type { Corroboration, LockAssessment } from './report.js';
import { POWER_STATE, type DiskObservation, type InspectionSnapshot, type RbdLock, type RbdWatcher } from './snapshot.js';

export interface AnalysisContext {
  snapshot: InspectionSnapshot;
  /** Sources that failed (sentences); any entry forbids `stale`. */
  failures: string[];
  /** Every watcher read, with its image. */
  watchers: Array<{ image: ImageSpec; watcher: RbdWatcher }>;
}

/** The sentence proving the owner is connected, or null when no watcher is the owner's client. */
function findOwnerWatcher(disk: DiskObservation, lock: RbdLock, ctx: AnalysisContext): string | null {
  const handle = lockHandle(lock.id);
  const own = disk.watchers.ok ? disk.watchers.value : [];
  const exact = own.find((w) => w.address === lock.address && handle !== undefined && w.cookie === handle);
  if (exact) return say.watcherHoldsLock(exact);
  const sameAddr = own.find((w) => w.address === lock.address);
  if (sameAddr) return handle === undefined ? say.watcherHasLockAddress(sameAddr) : say.watcherOtherCookie(sameAddr, handle);
  const sameClient = own.find((w) => isSameClient(w.address, lock.address));
  if (sameClient) return say.watcherOtherPort(sameClient, lock.address);
  const elsewhere = ctx.watchers.find((x) => x.image !== disk.image && isSameClient(x.watcher.address, lock.address));
  return elsewhere ? say.watcherOnOtherImage(elsewhere.watcher, elsewhere.image) : null;
}

export function isNotRunning(instance: InspectionSnapshot['instance']): boolean {
  const off = instance.powerState !== null && instance.powerState !== POWER_STATE.RUNNING;
  return off || instance.vmState === 'stopped' || instance.vmState === 'error';
}

interface Corroborations {
  names: Corroboration[];
  sentences: string[];
  isBlocklisted: boolean;
  /** Negative facts, for the `unknown` explanation. */
  missing: string[];
}

function corroborate(disk: DiskObservation, lock: RbdLock, snapshot: InspectionSnapshot): Corroborations {
  const out: Corroborations = { names: [], sentences: [], isBlocklisted: false, missing: [] };
  const add = (name: Corroboration, ...sentences: string[]) => {
    if (!out.names.includes(name)) out.names.push(name);
    out.sentences.push(...sentences);
  };
  const { observedAt, instance } = snapshot;

  if (snapshot.blocklist.ok) {
    const hit = findBlocklistEntry(lock.address, snapshot.blocklist.value);
    if (hit) {
      out.isBlocklisted = true;
      add('blocklisted', hit.isWholeHost
        ? say.hostBlocklisted(hit.entry.address, lock.address, hit.entry.until, observedAt)
        : say.blocklisted(lock.address, hit.entry.until, observedAt));
    } else out.missing.push('not in the OSD blocklist');
  }

  const svc = snapshot.computeService.ok ? snapshot.computeService.value : null;
  if (svc?.forcedDown) add('host_down', say.computeForcedDown(svc));
  else if (svc?.state === 'down') add('host_down', say.computeDown(svc, observedAt));
  else if (svc) out.missing.push(say.computeUp(svc));
  else out.missing.push('no compute service known');
  if (instance.hostStatus === 'DOWN' || instance.hostStatus === 'UNKNOWN') add('host_down', say.hostStatus(instance.hostStatus));
  const owner = ownerHost(lock.address, snapshot);
  if (owner.kind === 'down') add('owner_host_down', owner.sentence);
  else if (owner.fact !== null) out.missing.push(owner.fact);

  if (disk.watchers.ok) {
    const newcomer = disk.watchers.value.find((w) => isNewClientOnSameHost(lock.address, w.address));
    if (newcomer) add('replaced_by_new_client', say.newClientOnSameHost(newcomer), say.newClientLockedOut(newcomer), say.capsToGrant(newcomer, poolsToGrant(snapshot, disk)));
    else out.missing.push(`no new client from ${addrIp(lock.address)} watches the image`);
    if (disk.watchers.value.length === 0 && isNotRunning(instance)) {
      add('no_watcher_not_running', say.noWatcherNotRunning(instance.name, instance.powerState, instance.vmState));
    } else if (!isNotRunning(instance)) out.missing.push(`Nova says ${instance.name} is running`);
    else out.missing.push('other clients watch the image');
  }
  return out;
}

/** The pools of the caps advice: the configured ones, or those of the instance's disks (this one first). */
function poolsToGrant(snapshot: InspectionSnapshot, disk: DiskObservation): string[] {
  const pools = snapshot.pools === undefined
    ? [disk.image, ...snapshot.disks.map((d) => d.image)].map((spec) => splitImageSpec(spec).pool)
    : [snapshot.pools.nova, ...snapshot.pools.cinder];
  return [...new Set<string>(pools)];
}

export function assessLock(disk: DiskObservation, lock: RbdLock, ctx: AnalysisContext): LockAssessment {
  const base = { image: disk.image, lock };
  const owner = findOwnerWatcher(disk, lock, ctx);
  // A matching watcher outranks everything: Nova's view, the blocklist, any failure elsewhere.
  if (owner) return { ...base, verdict: 'alive', evidence: [owner], corroborations: [], isBlocklisted: isListed(lock, ctx) };

  const c = corroborate(disk, lock, ctx.snapshot);
  const noWatcher = disk.watchers.ok ? [say.noMatchingWatcher(lock.address)] : [];
  const facts = { corroborations: c.names, isBlocklisted: c.isBlocklisted };
  if (ctx.failures.length > 0) {
    return { ...base, ...facts, verdict: 'unknown', evidence: [...ctx.failures, ...noWatcher, ...c.sentences] };
  }
  if (hasZeroNonce(lock.address)) {
    return { ...base, ...facts, verdict: 'unknown', evidence: [say.zeroNonce(lock.address), ...noWatcher, ...c.sentences] };
  }
  if (lockHandle(lock.id) === undefined) {
    return { ...base, ...facts, verdict: 'unknown', evidence: [say.notExclusiveLock(lock.id), ...noWatcher, ...c.sentences] };
  }
  if (c.names.length > 0) return { ...base, ...facts, verdict: 'stale', evidence: [...noWatcher, ...c.sentences] };
  return { ...base, ...facts, verdict: 'unknown', evidence: [...noWatcher, say.nothingCorroborates(c.missing)] };
}

function isListed(lock: RbdLock, ctx: AnalysisContext): boolean {
  const bl = ctx.snapshot.blocklist;
  return bl.ok && findBlocklistEntry(lock.address, bl.value) !== null;
}
