/**
 * `/vmlocks host <compute-host>`: diagnoses every instance Nova places on a host, a few at a time (the Ceph and
 * Nova limiters bound the calls; this bounds how many snapshots are in memory and in flight at once).
 */
import { summariseHost, type HostInstanceResult } from '../core/host-summary.js';
import { DEFAULT_BATCH_MAX, planBatch } from '../core/host-batch.js';
import type { FixPlanOptions } from '../core/fix-plan.js';
import { err, ok, type Result } from '../core/result.js';
import type { ComputeServiceView, NovaInstanceView } from '../core/snapshot.js';
import type { InstanceReport } from '../core/report.js';
import type { NovaPort, Clock } from '../ports.js';
import { describeError } from './describe-error.js';
import type { HostOutcome } from './types.js';

export interface InspectHostDeps {
  nova: NovaPort;
  clock: Clock;
  reportFor(server: NovaInstanceView): Promise<InstanceReport>;
  /** Instances diagnosed at once (default 8). */
  parallel?: number;
  /** VMLOCKS_BATCH_MAX, shown with the batch plan (default 50). */
  batchMax?: number;
  /** The plan options of each instance's plan (the fence expiry). */
  planOptions?: FixPlanOptions;
}


async function settle<T>(work: Promise<T>): Promise<Result<T, string>> {
  try {
    return ok(await work);
  } catch (e) {
    return err(describeError(e));
  }
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function inspectHost(deps: InspectHostDeps, host: string): Promise<HostOutcome> {
  const [service, servers] = await Promise.all([
    settle<ComputeServiceView | null>(deps.nova.getComputeService(host)),
    deps.nova.listServersOnHost(host),
  ]);
  if (servers.length === 0 && service.ok && service.value === null) return { kind: 'host_not_found', host };
  const results = await mapLimited(servers, deps.parallel ?? 8, async (server): Promise<HostInstanceResult> => ({
    id: server.id, name: server.name, status: server.status, report: await settle(deps.reportFor(server)),
  }));
  const batch = planBatch(host, results, deps.batchMax ?? DEFAULT_BATCH_MAX, deps.planOptions ?? {});
  return { kind: 'host_report', summary: summariseHost(host, service, results, deps.clock.now().toISOString()), batch };
}
