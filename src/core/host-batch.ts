/**
 * A whole host at once (DESIGN.md §4 "A whole host"): one request for every stale instance of a compute host, one
 * approval, each instance then fixed on its own. Pure data and the plan; the approval rules are those of single
 * fixes (batch-approval.ts), the run is services/run-batch.ts.
 */
import type { FixStep } from './fix-plan-types.js';
import type { SlackMessageRef } from './fix-request.js';
import type { InstanceId } from './ids.js';
import type { ApprovedLock, InstanceReport } from './report.js';
import { approvedLocksOf, buildFixPlan, type FixPlanOptions } from './fix-plan.js';
import { err, ok, type Result } from './result.js';

export type BatchState =
  | 'pending' // waiting for a second person
  | 'denied'
  | 'expired'
  | 'running'
  | 'finished' // every instance done, failed or skipped
  | 'paused' // stopped by a systemic failure; the remaining instances were not touched
  | 'interrupted'; // the process died during the run

/** VMLOCKS_BATCH_MAX's default. */
export const DEFAULT_BATCH_MAX = 50;

export const OPEN_BATCH_STATES: readonly BatchState[] = ['pending', 'running'];

export type BatchItemStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** One stale instance of the batch: what was seen at request time and what became of it. */
export interface BatchItem {
  instanceId: InstanceId;
  instanceName: string;
  /** The stale locks seen at request time; the instance's own fix removes exactly these or nothing. */
  approvedLocks: ApprovedLock[];
  plan: FixStep[];
  evidence: string[];
  status: BatchItemStatus;
  /** Why skipped or failed, or the outcome once done. */
  reason: string | null;
  /** The instance's own fix request (the one-open-fix-per-instance guard) once its run started. */
  requestId: string | null;
}

/** An instance of the host that is listed but not in the batch (not stale), with why. */
export interface BatchExcluded {
  instanceId: InstanceId;
  instanceName: string;
  verdict: string;
  reason: string;
}

export interface HostBatch {
  id: string;
  host: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  state: BatchState;
  items: BatchItem[];
  excluded: BatchExcluded[];
  decidedBy: string | null;
  decidedAt: string | null;
  denyReason: string | null;
  approvalMessage: SlackMessageRef | null;
  origin: { channel: string; user: string } | null;
  finishedAt: string | null;
  outcome: string | null;
  runnerId: string | null;
  heartbeatAt: string | null;
}

/** The batch plan of a host: the stale instances with their plans, the rest listed with their verdict. */
export interface BatchPlan {
  host: string;
  instances: Array<Pick<BatchItem, 'instanceId' | 'instanceName' | 'approvedLocks' | 'plan' | 'evidence'>>;
  skipped: BatchExcluded[];
  max: number;
}

/** A host's instance as the host view read it: a report, or why it could not be read. */
export interface BatchCandidate {
  id: InstanceId;
  name: string;
  report: Result<InstanceReport, string>;
}

function staleEvidence(report: InstanceReport): string[] {
  return [...report.evidence, ...report.disks.flatMap((d) => d.locks.filter((l) => l.verdict === 'stale').flatMap((l) => l.evidence))];
}

/** Only stale instances go in; alive, unknown, unlocked and unreadable ones are listed with their reason. */
export function planBatch(host: string, candidates: readonly BatchCandidate[], max: number, planOpts: FixPlanOptions = {}): BatchPlan {
  const instances: BatchPlan['instances'] = [];
  const skipped: BatchExcluded[] = [];
  for (const c of candidates) {
    if (!c.report.ok) {
      skipped.push({ instanceId: c.id, instanceName: c.name, verdict: 'error', reason: `could not be read: ${c.report.error}` });
      continue;
    }
    const r = c.report.value;
    if (r.verdict !== 'stale') {
      skipped.push({ instanceId: c.id, instanceName: c.name, verdict: r.verdict, reason: `${r.verdict}, not stale: ${r.evidence[0] ?? 'nothing to fix'}` });
      continue;
    }
    instances.push({ instanceId: r.instance.id, instanceName: r.instance.name, approvedLocks: approvedLocksOf(r), plan: buildFixPlan(r, planOpts), evidence: staleEvidence(r) });
  }
  instances.sort((a, b) => a.instanceName.localeCompare(b.instanceName));
  return { host, instances, skipped, max };
}

/** VMLOCKS_BATCH_MAX: a batch over the cap is refused as a whole (never cut silently). */
export function checkBatchCap(plan: BatchPlan): Result<void, string> {
  const n = plan.instances.length;
  if (n === 0) return err(`${plan.host} has no stale instance: nothing to fix.`);
  if (n > plan.max) {
    return err(`${plan.host} has ${n} stale instances, more than VMLOCKS_BATCH_MAX (${plan.max}) allows in one batch. ` +
      `Nothing was requested. Split the host: request the instances one by one with their own Request fix buttons, or raise VMLOCKS_BATCH_MAX if one approval for all ${n} is really wanted.`);
  }
  return ok(undefined);
}

export interface BatchCounts {
  total: number;
  pending: number;
  running: number;
  done: number;
  failed: number;
  skipped: number;
}

export function countItems(items: readonly BatchItem[]): BatchCounts {
  const c: BatchCounts = { total: items.length, pending: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  for (const i of items) c[i.status] += 1;
  return c;
}
