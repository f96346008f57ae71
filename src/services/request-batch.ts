/**
 * "Request fix for all N stale" (DESIGN.md §4 "A whole host"): vmlocks inspects the host again, records one pending
 * batch with every stale instance and its plan (the rest listed, not included), refuses a batch over
 * VMLOCKS_BATCH_MAX, and posts one approval message (the per-instance list goes in its thread).
 */
import { randomBytes } from 'node:crypto';
import { checkBatchCap, type BatchItem, type HostBatch } from '../core/host-batch.js';
import { err, ok, type Result } from '../core/result.js';
import { sentence, userRef } from '../core/sentence.js';
import type { AuditLog, BatchNotifier, BatchStore, Clock, FixRequestStore } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import { describeError } from './describe-error.js';
import type { BatchRefusal, HostOutcome } from './types.js';

export interface RequestBatchDeps {
  store: FixRequestStore & BatchStore;
  audit: AuditLog;
  batchNotifier: BatchNotifier;
  clock: Clock;
  logger: Logger;
  approvalTtlMs: number;
  inspectHost(host: string): Promise<HostOutcome>;
}

export function newBatchId(): string {
  return `hb-${randomBytes(5).toString('hex')}`;
}

function existingFrom(e: unknown): HostBatch | undefined {
  if (!(e instanceof Error) || e.name !== 'HostBusyError') return undefined;
  const existing: unknown = Reflect.get(e, 'existing');
  return existing !== null && typeof existing === 'object' && 'id' in existing ? (existing as HostBatch) : undefined;
}

function alreadyOpen(b: HostBatch): BatchRefusal {
  return { code: 'already_open', existing: b, detail: sentence`A batch for ${b.host} is already ${b.state} (batch ${b.id}, asked by ${userRef(b.requestedBy)}). Follow that one.` };
}

export async function requestBatch(
  deps: RequestBatchDeps,
  input: { host: string; requestedBy: string; origin: { channel: string; user: string } | null },
): Promise<Result<HostBatch, BatchRefusal>> {
  const open = await deps.store.findOpenBatch(input.host);
  if (open) return err(alreadyOpen(open));
  const outcome = await deps.inspectHost(input.host);
  if (outcome.kind === 'host_not_found') return err({ code: 'not_found', detail: `Nova has no compute host ${input.host}.` });
  const plan = outcome.batch;
  if (plan === undefined) throw new Error('the host view came without its batch plan');
  const cap = checkBatchCap(plan);
  if (!cap.ok) return err({ code: plan.instances.length === 0 ? 'not_stale' : 'over_cap', detail: cap.error });

  // Exactly once per instance: one already under another open fix (single or another batch) is listed as skipped.
  const items: BatchItem[] = await Promise.all(plan.instances.map(async (i): Promise<BatchItem> => {
    const busy = await deps.store.findOpen(i.instanceId);
    return busy === null
      ? { ...i, status: 'pending', reason: null, requestId: null }
      : { ...i, status: 'skipped', reason: `already under fix request ${busy.id} (${busy.state}): not fixed twice`, requestId: null };
  }));
  const now = deps.clock.now();
  const batch: HostBatch = {
    id: newBatchId(), host: input.host, requestedBy: input.requestedBy, requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.approvalTtlMs).toISOString(), state: 'pending', items, excluded: plan.skipped,
    decidedBy: null, decidedAt: null, denyReason: null, approvalMessage: null, origin: input.origin, finishedAt: null,
    outcome: null, runnerId: null, heartbeatAt: null,
  };
  try {
    await deps.store.createBatch(batch);
  } catch (e) {
    const existing = existingFrom(e);
    if (existing) return err(alreadyOpen(existing));
    throw e;
  }
  const pending = items.filter((i) => i.status === 'pending');
  await deps.audit.append({
    at: batch.requestedAt, actor: input.requestedBy, action: 'batch_request', instanceId: null, requestId: batch.id,
    detail: `requested the fix of ${pending.length} stale instance(s) of ${batch.host}: ${pending.map((i) => `${i.instanceId} (${i.approvedLocks.length} lock(s))`).join(', ')}` +
      `${items.length > pending.length ? `; ${items.length - pending.length} already under another fix` : ''}; ${batch.excluded.length} not stale, not included`,
  });
  let message;
  try {
    message = await deps.batchNotifier.postBatchApprovalMessage(batch);
  } catch (e) {
    const reason = `the approval message could not be posted: ${describeError(e)}`;
    await deps.store.transitionBatch(batch.id, ['pending'], 'denied', { decidedBy: 'system', decidedAt: deps.clock.now().toISOString(), denyReason: reason });
    await deps.audit.append({ at: deps.clock.now().toISOString(), actor: 'system', action: 'batch_deny', instanceId: null, requestId: batch.id, detail: reason });
    throw e;
  }
  await deps.store.updateBatch(batch.id, { approvalMessage: message });
  return ok({ ...batch, approvalMessage: message });
}
