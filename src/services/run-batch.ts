/**
 * The run of an approved host batch: each instance re-inspected and fixed on its own by the per-instance runner
 * (run-fix.ts), VMLOCKS_BATCH_CONCURRENCY at a time. Each instance's run is a fix request of its own, created
 * `running`, so the store's one-open-fix-per-instance guard holds while it runs: an instance already under another
 * fix is skipped, never fixed twice. No per-step posts: one progress message updated in place, one summary.
 */
import { pauseReason } from '../core/batch-approval.js';
import { compareApproved } from '../core/fix-plan.js';
import { countItems, type BatchItem, type BatchState, type HostBatch } from '../core/host-batch.js';
import type { FixRequest } from '../core/fix-request.js';
import type { BatchNotifier, BatchStore, FixRequestStore, Notifier } from '../ports.js';
import { describeError } from './describe-error.js';
import { newRequestId } from './request-fix.js';
import { runFix, type RunFixDeps } from './run-fix.js';
import { holdLease } from './run-lease.js';
import { safely } from './safely.js';

export interface RunBatchDeps extends RunFixDeps {
  store: FixRequestStore & BatchStore;
  batchNotifier: BatchNotifier;
  /** VMLOCKS_BATCH_CONCURRENCY: instances fixed at once. */
  batchConcurrency: number;
}

type ItemOutcome = { status: 'done' | 'failed' | 'skipped'; reason: string; systemic: boolean };

/** The per-instance runner's Slack output is the batch's progress message: its own posts are dropped. */
function quietNotifier(notifier: Notifier): Notifier {
  return {
    ...notifier,
    notify: async () => {},
    updateApprovalMessage: async () => {},
    tellUser: async () => {},
  };
}

/** Re-renders the progress message, at most one update in flight and one waiting (the latest state wins). */
function progressUpdater(deps: RunBatchDeps, batchId: string): { kick(): void; flush(): Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  const send = async (): Promise<void> => {
    do {
      again = false;
      const b = await deps.store.getBatch(batchId);
      if (b) await safely(deps.logger, 'update the batch progress', deps.batchNotifier.updateBatchMessage(b));
    } while (again);
    running = null;
  };
  return {
    kick() {
      if (running) again = true;
      else running = send();
    },
    async flush() {
      while (running) await running;
    },
  };
}

async function fixOne(deps: RunBatchDeps, batch: HostBatch, item: BatchItem): Promise<ItemOutcome> {
  let fresh;
  try {
    fresh = await deps.inspectById(item.instanceId);
  } catch (e) {
    return { status: 'failed', reason: `could not re-inspect: ${describeError(e)}`, systemic: true };
  }
  if (fresh === null) return { status: 'skipped', reason: 'Nova no longer knows this instance', systemic: false };
  const unread = fresh.disks.find((d) => d.error !== undefined);
  if (unread) return { status: 'failed', reason: `could not read ${unread.image}: ${unread.error ?? ''}`, systemic: true };
  const same = compareApproved(item.approvedLocks, fresh);
  if (!same.ok) return { status: 'skipped', reason: `changed since the request: ${same.error.join('; ')}`, systemic: false };

  const now = deps.clock.now().toISOString();
  const request: FixRequest = {
    id: newRequestId(), instanceId: item.instanceId, instanceName: item.instanceName, requestedBy: batch.requestedBy,
    requestedAt: batch.requestedAt, expiresAt: batch.expiresAt, state: 'running', approvedLocks: item.approvedLocks,
    plan: item.plan, evidence: item.evidence, decidedBy: batch.decidedBy, decidedAt: batch.decidedAt, denyReason: null,
    approvalMessage: null, origin: null, lastStep: 'reinspect', finishedAt: null, outcome: `part of host batch ${batch.id}`,
    runnerId: deps.lease.runnerId, heartbeatAt: now,
  };
  try {
    // created running under this process's lease: the instance is guarded and the run is reported if this process dies
    await deps.store.create(request, deps.lease);
  } catch (e) {
    const existing: unknown = e instanceof Error ? Reflect.get(e, 'existing') : undefined;
    if (existing && typeof existing === 'object' && 'id' in existing && 'state' in existing) {
      return { status: 'skipped', reason: `already under fix request ${String(existing.id)} (${String(existing.state)}): not fixed twice`, systemic: false };
    }
    throw e;
  }
  await deps.store.updateBatchItem(batch.id, item.instanceId, { requestId: request.id });
  await deps.audit.append({ at: now, actor: batch.decidedBy ?? 'system', action: 'approve', instanceId: item.instanceId, requestId: request.id, detail: `fix started as part of host batch ${batch.id} (${batch.host}), approved by ${batch.decidedBy ?? 'someone'}` });
  await runFix({ ...deps, notifier: quietNotifier(deps.notifier) }, request);
  const done = await deps.store.get(request.id);
  const outcome = done?.outcome ?? 'no outcome recorded';
  switch (done?.state) {
    case 'succeeded': return { status: 'done', reason: outcome, systemic: false };
    case 'aborted': return { status: 'skipped', reason: outcome, systemic: false };
    default: return { status: 'failed', reason: outcome, systemic: false };
  }
}

function summaryOf(batch: HostBatch, paused: string | null): string {
  const c = countItems(batch.items);
  const parts = [`${c.done} fixed`, `${c.failed} failed`, `${c.skipped} skipped`];
  if (paused !== null) {
    const left = batch.items.filter((i) => i.status === 'pending').map((i) => i.instanceName);
    return `paused: ${paused}. ${parts.join(', ')}; ${left.length} not started (${left.join(', ')}). Check Ceph and Nova, then request the rest again from /vmlocks host ${batch.host}.`;
  }
  return parts.join(', ');
}

export async function runBatch(deps: RunBatchDeps, approved: HostBatch): Promise<void> {
  const progress = progressUpdater(deps, approved.id);
  // The batch is leased to this process like a run; a lost lease starts no further instance.
  const lease = holdLease(deps, approved.id, deps.lease, deps.renewEveryMs, (id, l) => deps.store.renewBatchLease(id, l));
  const queue = approved.items.filter((i) => i.status === 'pending');
  const outcomes: ItemOutcome[] = [];
  let paused: string | null = null;
  progress.kick();
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined && paused === null; item = queue.shift()) {
      if (lease.signal.aborted) {
        paused = 'this replica lost the batch\'s lease';
        break;
      }
      await deps.store.updateBatchItem(approved.id, item.instanceId, { status: 'running' });
      progress.kick();
      let outcome: ItemOutcome;
      try {
        outcome = await fixOne(deps, approved, item);
      } catch (e) {
        outcome = { status: 'failed', reason: describeError(e), systemic: false };
      }
      await deps.store.updateBatchItem(approved.id, item.instanceId, { status: outcome.status, reason: outcome.reason });
      await deps.audit.append({ at: deps.clock.now().toISOString(), actor: 'system', action: 'batch_item', instanceId: item.instanceId, requestId: approved.id, detail: `${outcome.status}: ${outcome.reason}` });
      outcomes.push(outcome);
      paused ??= pauseReason(outcomes);
      progress.kick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.batchConcurrency, queue.length)) }, worker));
  } finally {
    lease.stop();
  }
  const batch = (await deps.store.getBatch(approved.id)) ?? approved;
  const state: BatchState = paused === null ? 'finished' : 'paused';
  const finishedAt = deps.clock.now().toISOString();
  const outcome = summaryOf(batch, paused);
  await deps.store.transitionBatch(batch.id, ['running', 'interrupted'], state, { finishedAt, outcome });
  await deps.audit.append({ at: finishedAt, actor: 'system', action: 'batch_finish', instanceId: null, requestId: batch.id, detail: `${state}: ${outcome}` });
  deps.logger.info({ event: 'batch_finished', batchId: batch.id, state }, outcome);
  const final: HostBatch = { ...batch, state, finishedAt, outcome };
  await progress.flush();
  await safely(deps.logger, 'update the batch progress', deps.batchNotifier.updateBatchMessage(final));
  await safely(deps.logger, 'post the batch summary', deps.batchNotifier.notifyBatch({ kind: 'summary', batch: final }));
  await safely(deps.logger, 'tell the requester', deps.notifier.tellUser(batch.requestedBy, `Batch ${batch.id} for ${batch.host} ${state}: ${outcome}`, batch.origin));
}
