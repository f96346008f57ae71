/**
 * The diagnosis: resolve the instance in Nova, observe Ceph and Nova, apply the staleness rules, build the plan.
 * Read-only: it changes nothing anywhere.
 */
import { analyseLocks } from '../core/lock-analysis.js';
import { buildFixPlan, planOptions } from '../core/fix-plan.js';
import type { InstanceId, InstanceRef } from '../core/ids.js';
import type { InstanceReport } from '../core/report.js';
import type { NovaInstanceView } from '../core/snapshot.js';
import type { InspectOutcome, InspectService } from './types.js';
import { describeError } from './describe-error.js';
import { observeInstance, startClusterReads, type ClusterReads, type ObserveDeps } from './observe-instance.js';
import { inspectHost } from './inspect-host.js';
import type { Metrics } from '../adapters/observability/metrics.js';

export interface InspectDeps extends ObserveDeps {
  metrics?: Metrics;
  /** VMLOCKS_FENCE_EXPIRY, for the plan's fence argv (default 7 days). */
  fenceExpiryMs?: number;
  /** VMLOCKS_BATCH_MAX, for the host view's batch plan. */
  batchMax?: number;
}

/** A placeholder view when Nova cannot be reached but the user gave a UUID: Ceph can still be read. */
function unreachableView(id: InstanceId): NovaInstanceView {
  return {
    id, name: id, projectId: null, status: 'UNKNOWN', vmState: null, powerState: null, taskState: null,
    host: null, hypervisorHostname: null, hostStatus: null, volumeIds: [], bootFromVolume: false,
  };
}

export class NovaUnreachableError extends Error {
  readonly userMessage: string;
  constructor(ref: InstanceRef, cause: unknown) {
    super(`could not resolve ${ref.kind === 'uuid' ? ref.id : ref.name} in Nova: ${describeError(cause)}`, { cause });
    this.name = 'NovaUnreachableError';
    this.userMessage = `Could not reach Nova to find \`${ref.kind === 'uuid' ? ref.id : ref.name}\`: ${describeError(cause)} Try the instance's UUID (Ceph can still be checked without Nova). Nothing was changed.`;
  }
}

export function createInspectService(deps: InspectDeps): InspectService & { inspectById(id: InstanceId): Promise<InstanceReport | null> } {
  async function reportFor(server: NovaInstanceView, novaError?: string, cluster?: ClusterReads): Promise<InstanceReport> {
    const snapshot = await observeInstance(deps, server, novaError, cluster);
    const report = analyseLocks(snapshot);
    deps.metrics?.verdicts.inc({ verdict: report.verdict });
    return report;
  }

  async function resolve(ref: InstanceRef) {
    try {
      return await deps.nova.resolveInstance(ref);
    } catch (e) {
      if (ref.kind === 'uuid') return { kind: 'unreachable' as const, error: `Nova could not be asked about the instance: ${describeError(e)}` };
      throw new NovaUnreachableError(ref, e);
    }
  }

  return {
    async inspect(ref: InstanceRef): Promise<InspectOutcome> {
      const cluster = startClusterReads(deps); // in parallel with Nova's answer
      const resolved = await resolve(ref);
      if (resolved.kind === 'not_found') {
        deps.metrics?.verdicts.inc({ verdict: 'not_found' });
        return { kind: 'not_found', ref };
      }
      if (resolved.kind === 'ambiguous') return { kind: 'ambiguous', ref, candidates: resolved.candidates };
      const report = resolved.kind === 'found'
        ? await reportFor(resolved.server, undefined, cluster)
        : await reportFor(unreachableView(ref.kind === 'uuid' ? ref.id : ('' as InstanceId)), resolved.error, cluster);
      return { kind: 'report', report, plan: buildFixPlan(report, planOptions(deps.fenceExpiryMs)) };
    },

    inspectHost: (host: string) => inspectHost({ nova: deps.nova, clock: deps.clock, reportFor: (server) => reportFor(server), planOptions: planOptions(deps.fenceExpiryMs), ...(deps.batchMax === undefined ? {} : { batchMax: deps.batchMax }) }, host),

    /** A fresh report by UUID (the run's re-inspection); null when Nova says the instance is gone. */
    async inspectById(id: InstanceId): Promise<InstanceReport | null> {
      const cluster = startClusterReads(deps);
      const resolved = await resolve({ kind: 'uuid', id });
      if (resolved.kind === 'not_found' || resolved.kind === 'ambiguous') return null;
      return resolved.kind === 'found' ? reportFor(resolved.server, undefined, cluster) : reportFor(unreachableView(id), resolved.error, cluster);
    },
  };
}
