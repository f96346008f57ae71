/**
 * For the memory soak only: a NovaPort that answers the diagnoses' reads (resolve, compute service, hypervisors)
 * with the lab's own answers, read once from the lab at the start. The lab's Nova API answers a few diagnoses a
 * second on this 2-core machine, which would stretch 10,000 diagnoses over most of an hour; the soak is about the
 * bot's memory over the new Ceph path, whose reads still all go to the real cluster. BENCH_SOAK_NOVA=lab uses the
 * lab's Nova for every call instead.
 */
import type { InstanceRef } from '../src/core/ids.js';
import type { ComputeServiceView, HypervisorView } from '../src/core/snapshot.js';
import type { NovaPort, ResolveResult } from '../src/ports.js';

export async function replayNova(nova: NovaPort, refs: InstanceRef[]): Promise<NovaPort> {
  const resolved = new Map<string, ResolveResult>();
  const services = new Map<string, ComputeServiceView | null>();
  const key = (ref: InstanceRef): string => (ref.kind === 'uuid' ? ref.id : ref.name);
  for (const ref of refs) {
    const r = await nova.resolveInstance(ref);
    resolved.set(key(ref), r);
    if (r.kind === 'found' && r.server.host !== null && !services.has(r.server.host)) services.set(r.server.host, await nova.getComputeService(r.server.host));
  }
  const hypervisors: HypervisorView[] = await nova.listHypervisors();
  const later = <T>(value: T): Promise<T> => new Promise((resolve) => setImmediate(() => resolve(structuredClone(value))));
  return {
    ...nova,
    async resolveInstance(ref) {
      const r = resolved.get(key(ref));
      return r === undefined ? nova.resolveInstance(ref) : later(r);
    },
    async getComputeService(host) {
      return services.has(host) ? later(services.get(host) ?? null) : nova.getComputeService(host);
    },
    listHypervisors: () => later(hypervisors),
  };
}
