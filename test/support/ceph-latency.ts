/**
 * Median latency of the main Ceph adapter calls against the lab, as client.vmlocks, on an image held by a live writer.
 * Not a test: run `npx tsx test/support/ceph-latency.ts [runs]` with the lab up (`bash scripts/ceph-lab.sh start`).
 */
import { createCephCli } from '../../src/adapters/ceph/index.js';
import type { PoolName } from '../../src/core/ids.js';
import { assertCephLabUp } from './ceph-lab.js';
import { cleanupScenarios, liveWriter } from './ceph-scenarios.js';

const runs = Number(process.argv[2] ?? 20);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const lab = await assertCephLabUp();
  const ceph = createCephCli(lab.cliOptions('vmlocks'));
  const s = await liveWriter();
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['rbd lock ls', () => ceph.listLocks(s.spec)],
    ['rbd status', () => ceph.listWatchers(s.spec)],
    ['rbd info', () => ceph.imageInfo(s.spec)],
    ['ceph osd blocklist ls', () => ceph.listBlocklist()],
    ['rbd ls vms', () => ceph.listImages('vms' as PoolName)],
  ];
  try {
    for (const [name, call] of calls) {
      await call(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await call();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      console.log(`${name.padEnd(24)} median ${quantile(times, 0.5).toFixed(0)} ms  p90 ${quantile(times, 0.9).toFixed(0)} ms  (n=${runs})`);
    }
  } finally {
    await s.cleanup();
    await cleanupScenarios();
  }
}

await main();
