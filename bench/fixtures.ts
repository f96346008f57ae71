/**
 * What the benchmark runs against: servers on the real Nova lab whose disks are in real lock states on the real
 * Ceph lab (the same helpers as the end-to-end tests). Everything it creates is removed by `teardown()`.
 */
import type { ImageSpec } from '../src/core/ids.js';
import { cleanupScenarios, diskSpecFor, expiredDeadOwner, liveWriter, seedCrash, unlockedImage } from '../test/support/ceph-scenarios.js';
import { findNovaLab, uniqueName, type NovaLab } from '../test/support/nova-lab.js';

export interface BenchServer { id: string; name: string; spec: ImageSpec; state: string }

export interface BenchFixtures {
  lab: NovaLab;
  servers: BenchServer[];
  teardown(): Promise<void>;
}

/** `count` servers on compute-2, their disks cycling through the lock states of the incident (`states`). */
export async function setUpServers(count: number, states: readonly string[] = ['seed_crash', 'live_writer', 'expired_owner', 'unlocked']): Promise<BenchFixtures> {
  const lab = await findNovaLab();
  const names = Array.from({ length: count }, () => uniqueName('bench'));
  // a boot refused (quota) must not leak the others: delete what was booted, then fail
  const boots = await Promise.allSettled(names.map((n) => lab.admin.bootServer(n, 'compute-2', lab.imageId)));
  const ids = boots.flatMap((b) => (b.status === 'fulfilled' ? [b.value] : []));
  const refused = boots.find((b) => b.status === 'rejected');
  if (refused) {
    await lab.admin.deleteServers(ids);
    throw refused.reason;
  }
  await Promise.all(ids.map((id) => lab.admin.waitServer(id, 'ACTIVE', 120_000)));
  const servers: BenchServer[] = [];
  await Promise.all(ids.map(async (id, i) => {
    const spec = diskSpecFor(id);
    const state = states[i % states.length] ?? 'unlocked';
    if (state === 'seed_crash') await seedCrash({ spec, user: 'nova-old' });
    else if (state === 'live_writer') await liveWriter({ spec, user: 'nova' });
    else if (state === 'expired_owner') await expiredDeadOwner({ spec, user: 'nova' });
    else await unlockedImage({ spec });
    servers.push({ id, name: names[i] ?? id, spec, state });
  }));
  return {
    lab, servers,
    async teardown() {
      await cleanupScenarios();
      await lab.admin.deleteServers(ids);
    },
  };
}

/** Instances the lab's project may still boot (Nova's absolute limits), for benchmarks that need many. */
export async function instancesLeft(lab: NovaLab): Promise<number> {
  const r = await lab.admin.call('GET', '/limits');
  const abs = (r.json as { limits?: { absolute?: { maxTotalInstances?: number; totalInstancesUsed?: number } } }).limits?.absolute;
  const max = abs?.maxTotalInstances ?? 0;
  return max < 0 ? Number.POSITIVE_INFINITY : Math.max(0, max - (abs?.totalInstancesUsed ?? max));
}
