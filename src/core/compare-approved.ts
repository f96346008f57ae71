/**
 * The run's first step (DESIGN.md §4.1): the fresh report's stale locks must be exactly the approved ones,
 * still stale. Anything else stops the run before it changes anything.
 */
import type { ApprovedLock, InstanceReport, LockAssessment } from './report.js';
import { err, ok, type Result } from './result.js';

/** The stale locks of a report, as a fix request records them. */
export function approvedLocksOf(report: InstanceReport): ApprovedLock[] {
  return report.disks.flatMap((d) =>
    d.locks.filter((l) => l.verdict === 'stale').map((l) => ({ image: l.image, id: l.lock.id, locker: l.lock.locker, address: l.lock.address })),
  );
}

function isSameLock(a: ApprovedLock, l: LockAssessment): boolean {
  return a.image === l.image && a.id === l.lock.id && a.locker === l.lock.locker && a.address === l.lock.address;
}

function name(a: { image: string; id: string; locker: string; address: string }): string {
  return `lock "${a.id}" of ${a.locker} (${a.address}) on ${a.image}`;
}

function why(l: LockAssessment): string {
  const first = l.evidence[0];
  return first === undefined ? '' : `: ${first}`;
}

/** Compares what was approved with a fresh report; the error lists every difference as a sentence. */
export function compareApproved(approved: ApprovedLock[], fresh: InstanceReport): Result<void, string[]> {
  const locks = fresh.disks.flatMap((d) => d.locks);
  const differences: string[] = [];
  if (fresh.verdict !== 'stale') differences.push(`${fresh.instance.name} is now ${fresh.verdict}, no longer stale`);

  const told = new Set<LockAssessment>();
  for (const a of approved) {
    const now = locks.find((l) => isSameLock(a, l));
    if (now === undefined) {
      const successor = locks.find((l) => l.image === a.image && !told.has(l) && !approved.some((b) => isSameLock(b, l)));
      if (successor) told.add(successor);
      differences.push(successor
        ? `${name(a)} is gone; ${a.image} is now locked by ${successor.lock.locker} at ${successor.lock.address} ("${successor.lock.id}", ${successor.verdict})`
        : `${name(a)} is gone`);
    } else if (now.verdict !== 'stale') {
      differences.push(`${name(a)} is now ${now.verdict}${why(now)}`);
    }
  }

  // New locks: any on an approved disk, and any that is not alive elsewhere (alive locks are left alone).
  const approvedImages = new Set(approved.map((a) => a.image));
  for (const l of locks) {
    if (told.has(l) || approved.some((a) => isSameLock(a, l))) continue;
    if (approvedImages.has(l.image) || l.verdict !== 'alive') {
      differences.push(`a new ${l.verdict} lock appeared: ${name({ ...l.lock, image: l.image })}`);
    }
  }
  return differences.length === 0 ? ok(undefined) : err(differences);
}
