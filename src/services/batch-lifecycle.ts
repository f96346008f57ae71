/**
 * What happens to host batches without a click: a pending batch expires after VMLOCKS_APPROVAL_TTL (its message
 * loses its buttons), and a running batch whose lease lapsed (its runner died, by the database's clock) is reported
 * interrupted, once across replicas, with what was not started (never resumed). The instance under way at the crash is reported by its own fix request (request-lifecycle.ts).
 */
import { decideBatch } from '../core/batch-approval.js';
import type { HostBatch } from '../core/host-batch.js';
import type { AuditLog, BatchNotifier, BatchStore, Clock } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import { safely } from './safely.js';

export interface BatchLifecycleDeps {
  store: BatchStore;
  audit: AuditLog;
  batchNotifier: BatchNotifier;
  clock: Clock;
  logger: Logger;
}

export async function expireOverdueBatches(deps: BatchLifecycleDeps): Promise<HostBatch[]> {
  const at = deps.clock.now().toISOString();
  const out: HostBatch[] = [];
  for (const batch of await deps.store.listBatchesByState(['pending'])) {
    const decided = decideBatch(batch, { type: 'expire', at });
    if (!decided.ok || decided.value.state !== 'expired') continue;
    if (!(await deps.store.transitionBatch(batch.id, ['pending'], 'expired', decided.value.patch))) continue;
    const updated: HostBatch = { ...batch, ...decided.value.patch, state: 'expired' };
    out.push(updated);
    await deps.audit.append({ at, actor: 'system', action: 'batch_expire', instanceId: null, requestId: batch.id, detail: `expired at ${batch.expiresAt} without a decision` });
    await safely(deps.logger, 'update the batch message', deps.batchNotifier.updateBatchMessage(updated));
  }
  return out;
}

export async function reportInterruptedBatches(deps: BatchLifecycleDeps): Promise<HostBatch[]> {
  const out: HostBatch[] = [];
  for (const batch of await deps.store.listLapsedBatches()) {
    const now = deps.clock.now();
    const why = batch.runnerId ? `its runner ${batch.runnerId} stopped renewing its lease` : 'no runner holds it';
    const left = batch.items.filter((i) => i.status === 'pending' || i.status === 'running');
    const outcome = `interrupted: ${why}. It was NOT resumed; ${left.length} instance(s) not finished (${left.map((i) => i.instanceName).join(', ')}). Check the host with /vmlocks host ${batch.host} and request again if needed.`;
    const at = now.toISOString();
    if (!(await deps.store.interruptLapsedBatch(batch.id, { finishedAt: at, outcome }))) continue; // renewed, or reported by another replica
    const updated: HostBatch = { ...batch, state: 'interrupted', finishedAt: at, outcome };
    out.push(updated);
    await deps.audit.append({ at, actor: 'system', action: 'batch_interrupted', instanceId: null, requestId: batch.id, detail: outcome });
    deps.logger.warn({ event: 'batch_interrupted', batchId: batch.id }, outcome);
    await safely(deps.logger, 'update the batch message', deps.batchNotifier.updateBatchMessage(updated));
    await safely(deps.logger, 'post the interruption', deps.batchNotifier.notifyBatch({ kind: 'summary', batch: updated }));
  }
  return out;
}

/** Sweeps batches with the same period as the fix requests' sweeper. */
export function startBatchSweeper(deps: BatchLifecycleDeps, ttlMs: number, leaseMs: number): { stop(): void; sweep(): Promise<void> } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await expireOverdueBatches(deps);
      await reportInterruptedBatches(deps);
    } catch (e) {
      deps.logger.error({ event: 'batch_sweep_failed', err: e }, 'batch sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), Math.min(30_000, Math.max(1_000, Math.floor(Math.min(ttlMs / 4, leaseMs / 3)))));
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
