/**
 * Step one of DESIGN.md §5: the requester asks for the fix from a stale report. vmlocks inspects again (the
 * report the button came from may be minutes old), records a pending request with exactly the stale locks it
 * saw, and posts the approval message.
 */
import { randomBytes } from 'node:crypto';
import { approvedLocksOf, buildFixPlan, planOptions } from '../core/fix-plan.js';
import type { InstanceId } from '../core/ids.js';
import type { FixRequest } from '../core/fix-request.js';
import { err, ok, type Result } from '../core/result.js';
import { sentence, userRef } from '../core/sentence.js';
import type { AuditLog, Clock, FixRequestStore, Notifier } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { InstanceReport } from '../core/report.js';
import type { RequestRefusal } from './types.js';
import { describeError } from './describe-error.js';
import { inBackground } from './safely.js';

export interface RequestFixDeps {
  store: FixRequestStore;
  audit: AuditLog;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  approvalTtlMs: number;
  /** VMLOCKS_FENCE_EXPIRY (default 7 days), written into the plan's fence argv. */
  fenceExpiryMs?: number;
  inspectById(id: InstanceId): Promise<InstanceReport | null>;
}

export function newRequestId(): string {
  return `fx-${randomBytes(5).toString('hex')}`;
}

/** The store's one-open-request-per-instance guard throws an error that carries the existing request. */
function existingFrom(e: unknown): FixRequest | undefined {
  if (!(e instanceof Error)) return undefined;
  const existing: unknown = Reflect.get(e, 'existing');
  return existing !== null && typeof existing === 'object' && 'id' in existing ? (existing as FixRequest) : undefined;
}

export function alreadyOpen(existing: FixRequest): RequestRefusal {
  if (existing.state === 'interrupted') {
    return {
      code: 'already_open', existing,
      detail: sentence`The last fix for ${existing.instanceName} (request ${existing.id}) was interrupted and its runner may still be finishing a command: the instance stays guarded until that runner records its end, or an operator who checked it is gone runs vmlocks clear-run ${existing.id} --reason "…".`,
    };
  }
  return { code: 'already_open', existing, detail: sentence`A fix for ${existing.instanceName} is already ${existing.state} (request ${existing.id}, asked by ${userRef(existing.requestedBy)}). Follow that one.` };
}

export async function requestFix(
  deps: RequestFixDeps,
  input: { instanceId: InstanceId; requestedBy: string; origin: { channel: string; user: string } | null },
): Promise<Result<FixRequest, RequestRefusal>> {
  const open = await deps.store.findOpen(input.instanceId);
  if (open) return err(alreadyOpen(open));

  const report = await deps.inspectById(input.instanceId);
  if (report === null) return err({ code: 'not_found', detail: `Nova no longer knows instance ${input.instanceId}.` });
  if (report.verdict !== 'stale') {
    return err({ code: 'not_stale', detail: `${report.instance.name} is ${report.verdict} now, not stale: nothing to fix. ${report.evidence.join(' ')}`.trim() });
  }

  const now = deps.clock.now();
  const request: FixRequest = {
    id: newRequestId(),
    instanceId: report.instance.id,
    instanceName: report.instance.name,
    requestedBy: input.requestedBy,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.approvalTtlMs).toISOString(),
    state: 'pending',
    approvedLocks: approvedLocksOf(report),
    plan: buildFixPlan(report, planOptions(deps.fenceExpiryMs)),
    evidence: [...report.evidence, ...report.disks.flatMap((d) => d.locks.filter((l) => l.verdict === 'stale').flatMap((l) => l.evidence))],
    decidedBy: null, decidedAt: null, denyReason: null, approvalMessage: null,
    origin: input.origin, lastStep: null, finishedAt: null, outcome: null,
  };
  return openRequest(deps, request, `requested the fix of ${request.approvedLocks.length} stale lock(s): ${request.approvedLocks.map((l) => `${l.image} ${l.id} ${l.locker} ${l.address}`).join('; ')}`);
}

/**
 * Records a pending request (the store's one-open-request guard may refuse it), audits it and posts its approval
 * message; shared by the fix and the restart left undone by an interrupted fix (request-restart.ts).
 */
export async function openRequest(deps: RequestFixDeps, request: FixRequest, auditDetail: string): Promise<Result<FixRequest, RequestRefusal>> {
  try {
    await deps.store.create(request);
  } catch (e) {
    const existing = existingFrom(e);
    if (existing) return err(alreadyOpen(existing));
    throw e;
  }
  await deps.audit.append({
    at: request.requestedAt, actor: request.requestedBy, action: 'request', instanceId: request.instanceId, requestId: request.id,
    detail: auditDetail,
  });
  let message;
  try {
    message = await deps.notifier.postApprovalMessage(request);
  } catch (e) {
    // Without its message nobody can approve the request, and it would block the instance until it expires.
    const reason = `the approval message could not be posted: ${describeError(e)}`;
    await deps.store.transition(request.id, ['pending'], 'denied', { decidedBy: 'system', decidedAt: deps.clock.now().toISOString(), denyReason: reason });
    await deps.audit.append({ at: deps.clock.now().toISOString(), actor: 'system', action: 'deny', instanceId: request.instanceId, requestId: request.id, detail: reason });
    throw e;
  }
  await deps.store.update(request.id, { approvalMessage: message });
  const stored = { ...request, approvalMessage: message };
  // Slack shows the message (and its buttons) before its answer reaches us: an approver quick enough decided before
  // the reference was stored, and the updates of that decision and its run had nowhere to go. Bring the message to
  // the request's state now; later updates find the stored reference.
  const current = await deps.store.get(request.id);
  if (current !== null && current.state !== 'pending') {
    inBackground(deps.logger, 'update the approval message', deps.notifier.updateApprovalMessage({ ...current, approvalMessage: message }, await deps.store.listSteps(request.id)));
  }
  inBackground(deps.logger, 'post the request to the incident channel', deps.notifier.notify({ kind: 'requested', request: stored }));
  return ok(stored);
}
