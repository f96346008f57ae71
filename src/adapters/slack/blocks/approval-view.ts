/** The view model of the approval message: a FixRequest and, while it runs, its recorded steps. Pure. */
import type { StepName } from '../../../core/fix-plan-types.js';
import type { FixRequest, RequestState } from '../../../core/fix-request.js';
import type { FixRunStep } from '../../../ports.js';
import { isRestartOffered } from '../../../core/restart-offer.js';
import { durationBetween } from './format.js';
import { toPlanLines, type PlanLine } from './plan-lines.js';

export interface ProgressLine {
  step: StepName;
  status: FixRunStep['status'];
  detail: string;
  durationMs: number | null;
}

export interface ApprovalView {
  requestId: string;
  instanceId: string;
  instanceName: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  state: RequestState;
  lockCount: number;
  evidence: string[];
  plan: PlanLine[];
  decidedBy: string | null;
  decidedAt: string | null;
  denyReason: string | null;
  outcome: string | null;
  lastStep: StepName | null;
  finishedAt: string | null;
  progress: ProgressLine[];
  /** Plan steps not reached yet (for a running fix). */
  stepsLeft: number;
  /** Interrupted after the locks were removed: the restart it left undone may be requested (core/restart-offer.ts). */
  restartOffered: boolean;
}

/** The latest record of each step (a step is recorded when it starts and again when it ends), in run order. */
export function toProgressLines(steps: readonly FixRunStep[]): ProgressLine[] {
  const latest = new Map<number, FixRunStep>();
  for (const s of steps) latest.set(s.seq, s);
  return [...latest.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((s) => ({ step: s.step, status: s.status, detail: s.detail, durationMs: durationBetween(s.startedAt, s.finishedAt) }));
}

export function toApprovalView(request: FixRequest, steps: readonly FixRunStep[] = []): ApprovalView {
  const progress = toProgressLines(steps);
  return {
    requestId: request.id,
    instanceId: request.instanceId,
    instanceName: request.instanceName,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
    expiresAt: request.expiresAt,
    state: request.state,
    lockCount: request.approvedLocks.length,
    evidence: request.evidence,
    plan: toPlanLines(request.plan),
    decidedBy: request.decidedBy,
    decidedAt: request.decidedAt,
    denyReason: request.denyReason,
    outcome: request.outcome,
    lastStep: request.lastStep,
    finishedAt: request.finishedAt,
    progress,
    stepsLeft: Math.max(0, request.plan.length - progress.length),
    restartOffered: isRestartOffered(request),
  };
}
