/**
 * The approval of a host batch (DESIGN.md §5 applied to a batch): a second, authorised engineer, checked at click
 * time; one compare-and-set from `pending` decides, so 20 simultaneous Approve clicks, Slack retries and replicas
 * give one batch run. A batch does not go through the per-window fix brake: it is one explicit mass decision,
 * capped by VMLOCKS_BATCH_MAX when it is requested (README "Fixing a whole host").
 */
import { decideBatch as decideCore } from '../core/batch-approval.js';
import type { Rejection } from '../core/fix-request.js';
import type { HostBatch } from '../core/host-batch.js';
import { err, ok, type Result } from '../core/result.js';
import type { ApproverDirectory, AuditLog, BatchNotifier, BatchStore, Clock, RunLease } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import { inBackground } from './safely.js';

export interface DecideBatchDeps {
  store: BatchStore;
  audit: AuditLog;
  batchNotifier: BatchNotifier;
  approvers: ApproverDirectory;
  clock: Clock;
  logger: Logger;
  /** This process's runner id and lease: a batch it starts is leased to it (README "Replicas"). */
  lease: RunLease;
  /** Starts the batch run in the background; called once, by the caller whose compare-and-set won. */
  startBatch(batch: HostBatch): void;
}

async function refuse(deps: DecideBatchDeps, batch: HostBatch, userId: string, rejection: Rejection): Promise<{ ok: false; error: Rejection }> {
  await deps.audit.append({ at: deps.clock.now().toISOString(), actor: userId, action: 'batch_refuse', instanceId: null, requestId: batch.id, detail: `${rejection.code}: ${rejection.detail}` });
  return err(rejection);
}

export async function decideBatch(
  deps: DecideBatchDeps, input: { batchId: string; userId: string; decision: 'approve' | 'deny'; reason?: string },
): Promise<Result<HostBatch, Rejection>> {
  const batch = await deps.store.getBatch(input.batchId);
  if (batch === null) return err({ code: 'not_found', detail: `There is no batch ${input.batchId}.` });
  const isAuthorised = await deps.approvers.isApprover(input.userId);
  const at = deps.clock.now().toISOString();
  const event = input.decision === 'approve'
    ? { type: 'approve' as const, userId: input.userId, isAuthorised, at }
    : { type: 'deny' as const, userId: input.userId, isAuthorised, reason: input.reason ?? '', at };
  const decided = decideCore(batch, event);
  if (!decided.ok) return refuse(deps, batch, input.userId, decided.error);

  const isStart = decided.value.state === 'running';
  const started = isStart ? { runnerId: deps.lease.runnerId, heartbeatAt: at } : {};
  if (!(await deps.store.transitionBatch(batch.id, ['pending'], decided.value.state, { ...decided.value.patch, ...started }, isStart ? deps.lease : undefined))) {
    const now = (await deps.store.getBatch(batch.id)) ?? batch;
    const again = decideCore(now, event);
    return refuse(deps, now, input.userId, again.ok ? { code: 'already_decided', detail: 'This batch was decided a moment ago.' } : again.error);
  }
  const updated: HostBatch = { ...batch, ...decided.value.patch, ...started, state: decided.value.state };
  const pending = updated.items.filter((i) => i.status === 'pending').length;
  await deps.audit.append({
    at, actor: input.userId, action: input.decision === 'approve' ? 'batch_approve' : 'batch_deny', instanceId: null, requestId: batch.id,
    detail: input.decision === 'approve' ? `approved the fix of ${pending} instance(s) of ${batch.host} requested by ${batch.requestedBy}` : `denied: ${updated.denyReason ?? ''}`,
  });
  deps.logger.info({ event: 'batch_decision', batchId: batch.id, decision: updated.state, userId: input.userId }, 'host batch decided');
  if (updated.state === 'running') {
    deps.startBatch(updated);
  } else {
    inBackground(deps.logger, 'update the batch message', deps.batchNotifier.updateBatchMessage(updated));
    inBackground(deps.logger, 'post the denial', deps.batchNotifier.notifyBatch({ kind: 'denied', batch: updated }));
  }
  return ok(updated);
}
