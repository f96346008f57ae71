/**
 * What happens to requests without a click: expiry (DESIGN.md §5: a request expires after VMLOCKS_APPROVAL_TTL,
 * its message is updated and its buttons removed), and runs found in progress at start (§4: reported as
 * interrupted with the step they reached, never silently resumed or forgotten).
 */
import { decide } from '../core/approval.js';
import type { FixRequest } from '../core/fix-request.js';
import type { AuditLog, Clock, FixRequestStore, Notifier } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { safely } from './safely.js';
import { runLiveness, type RunnerIdentity } from '../core/run-liveness.js';

export interface LifecycleDeps {
  store: FixRequestStore;
  audit: AuditLog;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
}

/** Who this process is, and how it tells a dead runner from a live one (core/run-liveness.ts). */
export interface RunWatch {
  self: RunnerIdentity;
  /** A run whose runner has not refreshed its heartbeat for this long is taken for dead. */
  staleAfterMs: number;
  isPidAlive(pid: number): boolean;
}

/** Marks every pending request past its expiry as expired and updates its message. Returns those it expired. */
export async function expireOverdue(deps: LifecycleDeps): Promise<FixRequest[]> {
  const at = deps.clock.now().toISOString();
  const expired: FixRequest[] = [];
  for (const request of deps.store.listByState(['pending'])) {
    const decided = decide(request, { type: 'expire', at });
    if (!decided.ok) continue; // not yet due
    if (!deps.store.transition(request.id, ['pending'], decided.value.state, decided.value.patch)) continue; // decided meanwhile
    const updated: FixRequest = { ...request, ...decided.value.patch, state: decided.value.state };
    expired.push(updated);
    deps.metrics?.decisions.inc({ decision: 'expired' });
    deps.audit.append({ at, actor: 'system', action: 'expire', instanceId: request.instanceId, requestId: request.id, detail: `expired at ${request.expiresAt} without a decision` });
    await safely(deps.logger, 'update the approval message', deps.notifier.updateApprovalMessage(updated));
    await safely(deps.logger, 'post the expiry', deps.notifier.notify({ kind: 'expired', request: updated }));
    await safely(deps.logger, 'tell the requester', deps.notifier.tellUser(request.requestedBy, `Your fix request ${request.id} for ${request.instanceName} expired without a decision. Run /vmlocks ${request.instanceName} again if it is still needed.`, request.origin));
  }
  return expired;
}

/**
 * At start, then with each sweep: a run left `approved` or `running` by a process that died is reported
 * interrupted, with its step. A run whose runner is alive (this process, or another replica that reported
 * recently) is left alone.
 */
export async function reportInterruptedRuns(deps: LifecycleDeps, watch: RunWatch): Promise<FixRequest[]> {
  const found: FixRequest[] = [];
  for (const request of deps.store.listByState(['approved', 'running'])) {
    const now = deps.clock.now();
    const liveness = runLiveness(request, watch.self, now.getTime(), watch.staleAfterMs, watch.isPidAlive);
    if (liveness.alive) continue;
    const at = now.toISOString();
    const step = request.lastStep ?? 'before the first step';
    const outcome = `interrupted at step ${step}: ${liveness.why}. It was NOT resumed; check the instance with /vmlocks ${request.instanceName} and request a new fix if needed.`;
    if (!deps.store.transition(request.id, ['approved', 'running'], 'interrupted', { finishedAt: at, outcome })) continue;
    const updated: FixRequest = { ...request, state: 'interrupted', finishedAt: at, outcome };
    found.push(updated);
    deps.metrics?.fixRuns.inc({ outcome: 'interrupted' });
    deps.audit.append({ at, actor: 'system', action: 'interrupted', instanceId: request.instanceId, requestId: request.id, detail: outcome });
    deps.logger.warn({ event: 'fix_interrupted', requestId: request.id, step }, outcome);
    await safely(deps.logger, 'update the approval message', deps.notifier.updateApprovalMessage(updated, deps.store.listSteps(request.id)));
    await safely(deps.logger, 'post the interruption', deps.notifier.notify({ kind: 'interrupted', request: updated }));
    await safely(deps.logger, 'tell the requester', deps.notifier.tellUser(request.requestedBy, `Fix ${request.id} for ${request.instanceName} was ${outcome}`, request.origin));
  }
  return found;
}

/** Sweeps for expired requests and abandoned runs, at start and then periodically (a quarter of the TTL, 1–30 s). */
export function startExpirySweeper(deps: LifecycleDeps, ttlMs: number, watch: RunWatch): { stop(): void; sweep(): Promise<void> } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await expireOverdue(deps);
      await reportInterruptedRuns(deps, watch);
    } catch (e) {
      deps.logger.error({ event: 'expiry_sweep_failed', err: e }, 'expiry sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), Math.min(30_000, Math.max(1_000, Math.floor(ttlMs / 4))));
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
