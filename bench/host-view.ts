/**
 * The host view (`/vmlocks host <h>`, every instance of a compute host diagnosed a few at a time through the shared
 * limiters) against a sequential loop over the same instances (`/vmlocks <uuid>` one after the other, as an engineer
 * would without the host view). The host gets `extra` more servers on top of the benchmark's own, in the same lock
 * states, so that it has many instances (24 by default, fewer when the lab's instance quota does not allow them).
 */
import { parseInstanceId } from '../src/core/ids.js';
import type { InspectService } from '../src/services/types.js';
import { row, type Row } from './diagnose.js';
import { findNovaLab } from '../test/support/nova-lab.js';
import { instancesLeft, setUpServers, type BenchFixtures } from './fixtures.js';
import { repeat } from './stats.js';

export async function benchHostView(service: InspectService, host: string, extra: number, reps: number): Promise<{ rows: Row[]; instances: number; fixtures: BenchFixtures }> {
  // the lab's project has an instance quota (10 on the default lab): add what fits, say how many were measured
  const fits = Math.min(extra, await instancesLeft(await findNovaLab()));
  const fixtures = await setUpServers(fits);
  const first = await service.inspectHost(host, 'bench'); // warm-up: token, microversion, caches
  if (first.kind !== 'host_report') throw new Error(`no host ${host}`);
  const ids = first.summary.instances.map((i) => {
    const id = parseInstanceId(i.id);
    if (!id.ok) throw new Error(id.error);
    return id.value;
  });
  const loop: number[] = [];
  const view: number[] = [];
  for (let i = 0; i < reps; i++) {
    // 1.2 s apart: no cluster-wide read is reused from the previous round (1 s)
    await new Promise((r) => setTimeout(r, 1200));
    view.push(...await repeat(1, () => service.inspectHost(host, 'bench')));
    await new Promise((r) => setTimeout(r, 1200));
    loop.push(...await repeat(1, async () => { for (const id of ids) await service.inspect({ kind: 'uuid', id }, 'bench'); }));
  }
  return {
    rows: [row(`${ids.length} instances of ${host}, sequential loop of /vmlocks <uuid>`, loop), row(`/vmlocks host ${host} (${ids.length} instances, host view)`, view)],
    instances: ids.length, fixtures,
  };
}
