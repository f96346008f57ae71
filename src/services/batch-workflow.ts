/** The BatchWorkflow of services/types.ts: request → decide → run, over the ports, reusing the per-instance runner. */
import type { HostBatch } from '../core/host-batch.js';
import type { ApproverDirectory, BatchNotifier, BatchStore, FixRequestStore } from '../ports.js';
import { decideBatch } from './decide-batch.js';
import { requestBatch } from './request-batch.js';
import { runBatch } from './run-batch.js';
import type { FixWorkflowDeps } from './fix-workflow.js';
import type { BatchWorkflow, HostOutcome } from './types.js';

export interface BatchWorkflowDeps extends FixWorkflowDeps {
  store: FixRequestStore & BatchStore;
  batchNotifier: BatchNotifier;
  approvers: ApproverDirectory;
  batchConcurrency: number;
  inspectHost(host: string): Promise<HostOutcome>;
}

export function createBatchWorkflow(deps: BatchWorkflowDeps): BatchWorkflow & { idle(): Promise<void> } {
  const runs = new Set<Promise<void>>();

  function startBatch(batch: HostBatch): void {
    const run = runBatch(deps, batch)
      .catch((e: unknown) => deps.logger.error({ event: 'batch_run_crashed', batchId: batch.id, err: e }, 'batch run crashed'))
      .finally(() => runs.delete(run));
    runs.add(run);
  }

  return {
    requestBatch: (input) => requestBatch(deps, input),
    decide: (input) => decideBatch({ ...deps, startBatch }, input),
    async idle() {
      while (runs.size > 0) await Promise.allSettled([...runs]);
    },
  };
}
