/** The FixWorkflow of services/types.ts: request → decide → run, over the ports. */
import type { InstanceId } from '../core/ids.js';
import type { FixRequest } from '../core/fix-request.js';
import type { InstanceReport } from '../core/report.js';
import type { ApproverDirectory, AuditLog, CephPort, Clock, FixRequestStore, NovaPort, Notifier, RunLease } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { decideRequest, type Brake } from './decide-request.js';
import { requestFix } from './request-fix.js';
import { requestRestart } from './request-restart.js';
import { runFix } from './run-fix.js';
import type { FixWorkflow } from './types.js';

export interface FixWorkflowDeps {
  store: FixRequestStore;
  audit: AuditLog;
  notifier: Notifier;
  approvers: ApproverDirectory;
  brake: Brake;
  ceph: CephPort;
  nova: NovaPort;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  approvalTtlMs: number;
  rebootTimeoutMs: number;
  /** VMLOCKS_FENCE_EXPIRY (default 7 days). */
  fenceExpiryMs?: number;
  /** Bound of the wait for an evacuation (default 10 min). */
  evacuateTimeoutMs?: number;
  /** This process's runner id and lease length (services/run-lease.ts). */
  lease: RunLease;
  /** How often runs renew their lease (default: a third of it). */
  renewEveryMs?: number;
  inspectById(id: InstanceId): Promise<InstanceReport | null>;
}

export function createFixWorkflow(deps: FixWorkflowDeps): FixWorkflow & { idle(): Promise<void> } {
  const runs = new Set<Promise<void>>();

  function startRun(request: FixRequest): void {
    const run = runFix(deps, request)
      .catch((e: unknown) => deps.logger.error({ event: 'fix_run_crashed', requestId: request.id, err: e }, 'fix run crashed'))
      .finally(() => runs.delete(run));
    runs.add(run);
  }

  return {
    requestFix: (input) => requestFix(deps, input),
    requestRestart: (input) => requestRestart(deps, input),
    decide: (input) => decideRequest({ ...deps, startRun }, input),
    /** Resolves when every run started by this process has finished (graceful shutdown, tests). */
    async idle() {
      while (runs.size > 0) await Promise.allSettled([...runs]);
    },
  };
}
