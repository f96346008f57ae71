/**
 * buildFixPlan(): the fix of DESIGN.md §4 as data, shown before approval and executed step by step. It only
 * ever touches the report's stale locks; alive and unknown locks are never in a plan.
 */
import { hasZeroNonce, isSameClient } from './client-match.js';
import { formatDuration } from './duration.js';
import type { FixStep } from './fix-plan-types.js';
import type { EntityAddr, InstanceId } from './ids.js';
import type { DiskReport, InstanceReport, LockAssessment } from './report.js';
import { chooseRestart, type RestartChoice } from './restart-choice.js';
import { UnsafePlanError } from './unsafe-plan-error.js';

export { approvedLocksOf, compareApproved } from './compare-approved.js';

function staleLocks(report: InstanceReport): LockAssessment[] {
  return report.disks.flatMap((d) => d.locks.filter((l) => l.verdict === 'stale'));
}

/** The safety checks of the plan, repeated here because a report may come from a store, not from analyseLocks(). */
function assertSafe(report: InstanceReport, stale: LockAssessment[]): void {
  const watchers = report.disks.flatMap((d) => d.watchers);
  for (const l of stale) {
    if (hasZeroNonce(l.lock.address)) {
      throw new UnsafePlanError(`${l.lock.address} (owner of ${l.lock.id} on ${l.image}) has nonce 0 and fencing it would blocklist every client of that IP`);
    }
    const live = watchers.find((w) => isSameClient(w.address, l.lock.address));
    if (live) throw new UnsafePlanError(`watcher ${live.address} is the client of ${l.lock.locker}, owner of ${l.lock.id} on ${l.image}: the owner is alive`);
  }
}

/**
 * How long the fence lasts when nothing else is configured: 7 days. `ceph osd blocklist add` without an expiry uses
 * Ceph's default of 1 hour (mon_osd_blocklist_default_expire), after which a client that was partitioned, not dead,
 * could take its lock back. An entry names one client instance (IP and nonce), so a long one costs nothing.
 */
export const DEFAULT_FENCE_EXPIRY_SECONDS = 7 * 24 * 3600;

export interface FixPlanOptions {
  /** The expiry given to `ceph osd blocklist add` (VMLOCKS_FENCE_EXPIRY), in whole seconds. */
  fenceExpirySeconds?: number;
}

/** A fence expiry for people: `7 days`, `12 hours`, else formatDuration's `90 s`. */
export function formatExpiry(seconds: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, 'day');
  if (seconds % 3_600 === 0) return plural(seconds / 3_600, 'hour');
  return formatDuration(seconds * 1000);
}

/** The plan options from the configuration's milliseconds (VMLOCKS_FENCE_EXPIRY), rounded up to whole seconds. */
export function planOptions(fenceExpiryMs: number | undefined): FixPlanOptions {
  return fenceExpiryMs === undefined ? {} : { fenceExpirySeconds: Math.max(1, Math.ceil(fenceExpiryMs / 1000)) };
}

function fenceSteps(stale: LockAssessment[], expirySeconds: number): FixStep[] {
  const seen = new Set<EntityAddr>();
  const steps: FixStep[] = [];
  for (const l of stale) {
    if (l.isBlocklisted || seen.has(l.lock.address)) continue;
    seen.add(l.lock.address);
    steps.push({
      step: 'fence',
      description: `Add ${l.lock.address} (${l.lock.locker}) to the OSD blocklist for ${formatExpiry(expirySeconds)} so the dead client can never write again.`,
      address: l.lock.address,
      expirySeconds,
      argv: ['ceph', 'osd', 'blocklist', 'add', l.lock.address, String(expirySeconds)],
    });
  }
  return steps;
}

function breakStep(l: LockAssessment): FixStep {
  return {
    step: 'break',
    description: `Remove lock "${l.lock.id}" of ${l.lock.locker} from ${l.image}.`,
    image: l.image, lockId: l.lock.id, locker: l.lock.locker,
    argv: ['rbd', 'lock', 'rm', l.image, l.lock.id, l.lock.locker],
  };
}

/**
 * Rebuilding takes the image's exclusive lock; on a disk whose lock a live client holds, that would ask the
 * live client to give it up. So only disks without an alive lock are repaired.
 */
function repairSteps(disks: DiskReport[]): FixStep[] {
  return disks
    .filter((d) => d.objectMapInvalid && !d.locks.some((l) => l.verdict === 'alive'))
    .map((d) => ({
      step: 'repair' as const,
      description: `Rebuild the invalid object map of ${d.image}.`,
      image: d.image,
      argv: ['rbd', 'object-map', 'rebuild', d.image],
    }));
}

function rebootSteps(id: InstanceId, name: string): FixStep[] {
  return [
    {
      step: 'reboot', instanceId: id,
      description: `Hard-reboot ${name} through Nova (this also starts it if it is SHUTOFF).`,
      request: { method: 'POST', path: `/servers/${id}/action`, body: { reboot: { type: 'HARD' } } },
    },
    {
      step: 'wait', instanceId: id,
      description: `Wait until ${name} is ACTIVE with power state RUNNING.`,
      request: { method: 'GET', path: `/servers/${id}` },
    },
  ];
}

function evacuateSteps(id: InstanceId, name: string, sourceHost: string): FixStep[] {
  return [
    {
      step: 'evacuate', instanceId: id, sourceHost,
      description: `Evacuate ${name} from ${sourceHost}, whose nova-compute is down (the scheduler picks the new host), ` +
        'after every lock of its disks is fenced and removed. vmlocks checks the host again right before.',
      request: { method: 'POST', path: `/servers/${id}/action`, body: { evacuate: {} } },
    },
    {
      step: 'wait', instanceId: id,
      description: `Wait until Nova's evacuation record of ${name} is done and ${name} is ACTIVE on a host other than ${sourceHost}.`,
      request: { method: 'GET', path: `/os-migrations?instance_uuid=${id}&migration_type=evacuation` },
    },
  ];
}

/** The restart steps of a choice; none when vmlocks cannot restart safely (the confirm step then says why). */
export function restartSteps(report: InstanceReport, choice: RestartChoice = chooseRestart(report)): FixStep[] {
  const { id, name } = report.instance;
  if (choice.kind === 'reboot') return rebootSteps(id, name);
  if (choice.kind === 'evacuate') return evacuateSteps(id, name, choice.sourceHost);
  return [];
}

function confirmStep(name: string, choice: RestartChoice): FixStep {
  const check = `Check that each disk of ${name} is locked by a client with a matching watcher.`;
  return { step: 'confirm', description: choice.kind === 'none' ? `${check} No restart: ${choice.reason}` : check };
}

/**
 * The steps that fix the report's stale locks, in order: reinspect, fence, break, repair, the restart chosen from the
 * host's state (reboot + wait, evacuate + wait, or none: restart-choice.ts), confirm.
 * Empty unless the verdict is `stale`. Throws UnsafePlanError if the report asks to fence a live or nonce-0 client.
 */
export function buildFixPlan(report: InstanceReport, opts: FixPlanOptions = {}): FixStep[] {
  if (report.verdict !== 'stale') return [];
  const stale = staleLocks(report);
  if (stale.length === 0) return [];
  assertSafe(report, stale);
  const choice = chooseRestart(report);
  return [
    { step: 'reinspect', description: 'Inspect again and check that the stale locks are exactly the approved ones, still stale.' },
    ...fenceSteps(stale, opts.fenceExpirySeconds ?? DEFAULT_FENCE_EXPIRY_SECONDS),
    ...stale.map(breakStep),
    ...repairSteps(report.disks),
    ...restartSteps(report, choice),
    confirmStep(report.instance.name, choice),
  ];
}
