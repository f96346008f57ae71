/**
 * `/vmlocks host <compute-host>`: one line per instance of a host that lost power, worst first, so the on-call
 * engineer sees at once which VMs have stale locks (and need a fix), which cannot be judged yet, and which are fine.
 */
import type { InstanceId } from './ids.js';
import type { HostState, InstanceReport, InstanceVerdict } from './report.js';
import type { Result } from './result.js';
import type { ComputeServiceView } from './snapshot.js';
import { hostStateOfService, hostStateSentence } from './host-state.js';

export type HostLineVerdict = Exclude<InstanceVerdict, 'not_found'> | 'error';

export interface HostInstanceLine {
  id: InstanceId;
  name: string;
  status: string;
  verdict: HostLineVerdict;
  locks: number;
  staleLocks: number;
  /** The first evidence sentence (why this verdict), or the error. */
  reason: string;
}

export interface HostSummary {
  host: string;
  hostState: HostState;
  computeService: ComputeServiceView | null;
  observedAt: string;
  evidence: string[];
  counts: Record<HostLineVerdict, number>;
  instances: HostInstanceLine[];
}

// worst first: what needs a fix, what needs another look, what could not be read, then the healthy
const ORDER: readonly HostLineVerdict[] = ['stale', 'unknown', 'error', 'alive', 'unlocked'];

export interface HostInstanceResult {
  id: InstanceId;
  name: string;
  status: string;
  report: Result<InstanceReport, string>;
}

function lineOf(r: HostInstanceResult): HostInstanceLine {
  if (!r.report.ok) return { id: r.id, name: r.name, status: r.status, verdict: 'error', locks: 0, staleLocks: 0, reason: r.report.error };
  const locks = r.report.value.disks.flatMap((d) => d.locks);
  return {
    id: r.id, name: r.name, status: r.status, verdict: r.report.value.verdict, locks: locks.length,
    staleLocks: locks.filter((l) => l.verdict === 'stale').length, reason: r.report.value.evidence[0] ?? '',
  };
}

export function summariseHost(
  host: string, service: Result<ComputeServiceView | null, string>, results: HostInstanceResult[], observedAt: string,
): HostSummary {
  const instances = results.map(lineOf).sort((a, b) => ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict) || a.name.localeCompare(b.name));
  const counts = Object.fromEntries(ORDER.map((v) => [v, instances.filter((i) => i.verdict === v).length])) as Record<HostLineVerdict, number>;
  const evidence = service.ok
    ? hostStateSentence(host, service, observedAt)
    : [`could not read ${host}'s nova-compute service: ${service.error}`];
  return {
    host, hostState: hostStateOfService(service), computeService: service.ok ? service.value : null, observedAt,
    evidence, counts, instances,
  };
}
