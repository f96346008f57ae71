/**
 * What happens to requests without a click: expiry (DESIGN.md §5: a request expires after VMLOCKS_APPROVAL_TTL,
 * its message is updated and its buttons removed), and runs found in progress at start (§4: reported as
 * interrupted with the step they reached, never silently resumed or forgotten).
 */
import { decide } from '../core/approval.js';
import { isRestartOffered } from '../core/restart-offer.js';
import type { FixRequest } from '../core/fix-request.js';
import type { AuditLog, Clock, FixRequestStore, Notifier } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { safely } from './safely.js';

export interface LifecycleDeps {
  store: FixRequestStore;
  audit: AuditLog;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
}


/** What the people should do after an interrupted run: restart what the fix left undone, or look and ask again. */
function nextMove(request: FixRequest): string {
  if (!isRestartOffered({ ...request, state: 'interrupted' })) {
    return `check the instance with /vmlocks ${request.instanceName} and request a new fix if needed.`;
  }
  const maybe = request.lastStep === 'break' ? 'some or all of its locks may have been removed' : 'its locks were removed';
  return `${maybe} but ${request.instanceName} was not restarted: use Request restart on the approval message (a second engineer approves) to restart it, once /vmlocks ${request.instanceName} shows no lock.`;
}

/** Marks every pending request past its expiry as expired and updates its message. Returns those it expired. */
export async function expireOverdue(deps: LifecycleDeps): Promise<FixRequest[]> {
  const at = deps.clock.now().toISOString();
  const expired: FixRequest[] = [];
  for (const request of await deps.store.listByState(['pending'])) {
    const decided = decide(request, { type: 'expire', at });
    if (!decided.ok) continue; // not yet due
    // compare-and-set: several replicas sweep, one of them expires the request and tells Slack
    if (!(await deps.store.transition(request.id, ['pending'], decided.value.state, decided.value.patch))) continue;
    const updated: FixRequest = { ...request, ...decided.value.patch, state: decided.value.state };
    expired.push(updated);
    deps.metrics?.decisions.inc({ decision: 'expired' });
    await deps.audit.append({ at, actor: 'system', action: 'expire', instanceId: request.instanceId, requestId: request.id, detail: `expired at ${request.expiresAt} without a decision` });
    await safely(deps.logger, 'update the approval message', deps.notifier.updateApprovalMessage(updated));
    await safely(deps.logger, 'post the expiry', deps.notifier.notify({ kind: 'expired', request: updated }));
    await safely(deps.logger, 'tell the requester', deps.notifier.tellUser(request.requestedBy, `Your fix request ${request.id} for ${request.instanceName} expired without a decision. Run /vmlocks ${request.instanceName} again if it is still needed.`, request.origin));
  }
  return expired;
}

/**
 * At start, then with each sweep: a run (approved or running) whose lease lapsed by the database's clock is reported
 * interrupted, with its step, by the first replica to see it (compare-and-set: once). A run whose runner renews its
 * lease is left alone, however slow. The interrupted run keeps guarding its instance: its runner may still be
 * finishing a command it started before the lease lapsed; it starts no new one (services/run-lease.ts).
 */
export async function reportInterruptedRuns(deps: LifecycleDeps): Promise<FixRequest[]> {
  const found: FixRequest[] = [];
  for (const request of await deps.store.listLapsedRuns()) {
    const at = deps.clock.now().toISOString();
    const step = request.lastStep ?? 'before the first step';
    const runner = request.runnerId ? `its runner ${request.runnerId} stopped renewing its lease` : 'no runner holds it';
    const outcome = `interrupted at step ${step}: ${runner}. It was NOT resumed. The instance stays guarded until that ` +
      `runner records its end or an operator who checked it is gone runs \`vmlocks clear-run ${request.id} --reason …\`; ` +
      `then ${nextMove(request)}`;
    if (!(await deps.store.interruptLapsed(request.id, { finishedAt: at, outcome }))) continue; // renewed, or another replica reported it
    const updated: FixRequest = { ...request, state: 'interrupted', finishedAt: at, outcome };
    found.push(updated);
    deps.metrics?.fixRuns.inc({ outcome: 'interrupted' });
    await deps.audit.append({ at, actor: 'system', action: 'interrupted', instanceId: request.instanceId, requestId: request.id, detail: outcome });
    deps.logger.warn({ event: 'fix_interrupted', requestId: request.id, step }, outcome);
    await safely(deps.logger, 'update the approval message', deps.notifier.updateApprovalMessage(updated, await deps.store.listSteps(request.id)));
    await safely(deps.logger, 'post the interruption', deps.notifier.notify({ kind: 'interrupted', request: updated }));
    await safely(deps.logger, 'tell the requester', deps.notifier.tellUser(request.requestedBy, `Fix ${request.id} for ${request.instanceName} was ${outcome}`, request.origin));
  }
  return found;
}

/**
 * Sweeps for expired requests and lapsed runs, at start and then periodically: a quarter of the TTL and a third of
 * the run lease, 1–30 s, so that a dead runner's run is reported within about 1.3 leases.
 */
export function startExpirySweeper(deps: LifecycleDeps, ttlMs: number, leaseMs: number): { stop(): void; sweep(): Promise<void> } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await expireOverdue(deps);
      await reportInterruptedRuns(deps);
    } catch (e) {
      deps.logger.error({ event: 'expiry_sweep_failed', err: e }, 'expiry sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), Math.min(30_000, Math.max(1_000, Math.floor(Math.min(ttlMs / 4, leaseMs / 3)))));
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
