/**
 * Step two of DESIGN.md §5: a second, authorised engineer approves (or someone denies). The approver is checked at
 * click time; the decision is a compare-and-set in the store, so double clicks, concurrent approvers, Slack
 * retries and several replicas give one decision and one run.
 */
import { decide } from '../core/approval.js';
import type { FixRequest, Rejection } from '../core/fix-request.js';
import { err, ok, type Result } from '../core/result.js';
import { plainSentence, sentence, userRef } from '../core/sentence.js';
import type { ApproverDirectory, AuditLog, BrakeWindow, Clock, FixRequestStore, Notifier, RunLease } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { inBackground } from './safely.js';
import { withStoredMessage } from './run-steps.js';

/** The fix brake (adapters/limits/fix-brake.ts): its window, counted by the store, and its refusal. */
export interface Brake {
  window(): BrakeWindow;
  refuse(count: number): { count: number; limit: number; windowMs: number; message: string };
}

export interface DecideDeps {
  store: FixRequestStore;
  audit: AuditLog;
  notifier: Notifier;
  approvers: ApproverDirectory;
  brake: Brake;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** This process's runner id and lease length: the runs it starts are leased to it (README "Replicas"). */
  lease: RunLease;
  /** Starts the run in the background; called once, by the caller whose compare-and-set won. */
  startRun(request: FixRequest): void;
}

export interface DecideInput {
  requestId: string;
  userId: string;
  decision: 'approve' | 'deny';
  reason?: string;
}

async function refuse(deps: DecideDeps, request: FixRequest, userId: string, rejection: Rejection): Promise<{ ok: false; error: Rejection }> {
  deps.metrics?.decisions.inc({ decision: `refused_${rejection.code}` });
  await deps.audit.append({
    at: deps.clock.now().toISOString(), actor: userId, action: 'refuse', instanceId: request.instanceId, requestId: request.id,
    detail: `${rejection.code}: ${plainSentence(rejection.detail)}`,
  });
  // Answered to the clicker only (the handler): a refusal posted to the incident channel would let anyone who can
  // click flood it during an outage (issue 11).
  return err(rejection);
}

export async function decideRequest(deps: DecideDeps, input: DecideInput): Promise<Result<FixRequest, Rejection>> {
  const request = await deps.store.get(input.requestId);
  if (request === null) return err({ code: 'not_found', detail: `There is no fix request ${input.requestId}.` });

  // Authorised at click time: a user removed from the group a minute ago can no longer approve.
  const isAuthorised = await deps.approvers.isApprover(input.userId);
  const at = deps.clock.now().toISOString();
  const event = input.decision === 'approve'
    ? { type: 'approve' as const, userId: input.userId, isAuthorised, at }
    : { type: 'deny' as const, userId: input.userId, isAuthorised, reason: input.reason ?? '', at };
  const decided = decide(request, event);
  if (!decided.ok) return refuse(deps, request, input.userId, decided.error);

  // The brake's count, the decision and the run start happen in one transaction of the store: no other connection
  // (another replica sharing the database) can start a run in between, so two approvals cannot both see room for one
  // more. The run starts under this process's lease.
  const isApproval = decided.value.state === 'approved';
  const outcome = await deps.store.decide({
    id: request.id, from: ['pending'], to: decided.value.state, patch: decided.value.patch,
    ...(isApproval ? { brake: deps.brake.window(), start: deps.lease } : {}),
  });
  if (outcome.kind === 'brake') {
    const brake = deps.brake.refuse(outcome.count);
    inBackground(deps.logger, 'post the brake', deps.notifier.notify({ kind: 'brake', request, count: brake.count, limit: brake.limit, windowMs: brake.windowMs }));
    return refuse(deps, request, input.userId, { code: 'brake', detail: brake.message });
  }
  if (outcome.kind === 'lost') {
    // Someone else's compare-and-set won: answer as the state machine would now.
    const now = (await deps.store.get(request.id)) ?? request;
    const again = decide(now, event);
    return refuse(deps, now, input.userId, again.ok ? { code: 'already_decided', detail: 'This request was decided a moment ago.' } : again.error);
  }

  let updated: FixRequest = { ...request, ...decided.value.patch, state: decided.value.state };
  if (updated.state === 'approved') updated = { ...updated, lastStep: 'reinspect', runnerId: deps.lease.runnerId, heartbeatAt: at, state: 'running' };
  deps.metrics?.decisions.inc({ decision: input.decision === 'approve' ? 'approved' : 'denied' });
  await deps.audit.append({
    at, actor: input.userId, action: input.decision, instanceId: updated.instanceId, requestId: updated.id,
    detail: input.decision === 'approve' ? `approved the fix requested by ${updated.requestedBy}` : `denied: ${updated.denyReason ?? ''}`,
  });
  deps.logger.info({ event: 'decision', requestId: updated.id, decision: updated.state, userId: input.userId }, 'fix request decided');
  // The run starts now; Slack is told in the background (its queue spaces posts about a second apart).
  inBackground(deps.logger, 'update the approval message', withStoredMessage(deps.store, updated).then((shown) => deps.notifier.updateApprovalMessage(shown)));
  inBackground(deps.logger, 'post the decision', deps.notifier.notify({ kind: updated.state === 'running' ? 'approved' : 'denied', request: updated }));
  if (updated.state === 'running') deps.startRun(updated);
  else inBackground(deps.logger, 'tell the requester', deps.notifier.tellUser(updated.requestedBy, sentence`Your fix request ${updated.id} for ${updated.instanceName} was denied by ${userRef(input.userId)}: ${updated.denyReason ?? ''}`, updated.origin));
  return ok(updated);
}
