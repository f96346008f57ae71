// Nova's shared reads of a diagnosis (hypervisors, a host's compute service) through coalesceNovaReads: concurrent
// diagnoses share one request per host, answers are reused for the TTL only, failures are never reused.
import { describe, expect, it } from 'vitest';
import { coalesceNovaReads } from '../../../src/adapters/openstack/coalesce-reads.js';
import type { ComputeServiceView } from '../../../src/core/snapshot.js';
import type { NovaPort } from '../../../src/ports.js';

function serviceCounter(opts: { fail?: number } = {}) {
  const asked: string[] = [];
  let failures = opts.fail ?? 0;
  const unused = (): never => { throw new Error('not used here'); };
  const port: NovaPort = {
    resolveInstance: unused, getServer: unused, listServersOnHost: unused, listComputeServices: unused, listHypervisors: async () => [], hardReboot: unused, waitForActive: unused,
    evacuate: unused, listEvacuations: unused, waitForEvacuation: unused,
    async getComputeService(host): Promise<ComputeServiceView> {
      asked.push(host);
      await new Promise((r) => setTimeout(r, 20));
      if (failures-- > 0) throw new Error('Nova unreachable');
      return { host, state: 'up', status: 'enabled', forcedDown: false, updatedAt: null, disabledReason: null };
    },
  };
  return { port, asked };
}

describe('coalesceNovaReads', () => {
  it("asks Nova once per host for the compute service of 50 concurrent diagnoses", async () => {
    const { port, asked } = serviceCounter();
    const shared = coalesceNovaReads(port);
    const answers = await Promise.all([...Array.from({ length: 50 }, () => shared.getComputeService('compute-1')), shared.getComputeService('compute-2')]);
    expect(asked.sort()).toEqual(['compute-1', 'compute-2']);
    expect(answers.map((a) => a?.host)).toContain('compute-2');
  });

  it('asks again once the answer is older than the TTL', async () => {
    let t = 0;
    const { port, asked } = serviceCounter();
    const shared = coalesceNovaReads(port, { ttlMs: 1000, now: () => t });
    await shared.getComputeService('compute-1');
    t = 999;
    await shared.getComputeService('compute-1');
    t = 2000;
    await shared.getComputeService('compute-1');
    expect(asked).toEqual(['compute-1', 'compute-1']);
  });

  it('never reuses a failure', async () => {
    const { port, asked } = serviceCounter({ fail: 1 });
    const shared = coalesceNovaReads(port);
    await expect(shared.getComputeService('compute-1')).rejects.toThrow('Nova unreachable');
    expect((await shared.getComputeService('compute-1'))?.state).toBe('up');
    expect(asked).toHaveLength(2);
  });
});
