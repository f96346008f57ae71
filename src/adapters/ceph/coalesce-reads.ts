/**
 * Coalesces the two cluster-wide reads every diagnosis makes: the OSD blocklist (`ceph osd blocklist ls`, a Python
 * CLI that costs ~0.3 s of CPU) and the Nova pool's image list (`rbd ls vms`). Concurrent callers share one call in
 * flight, and its answer is reused for `ttlMs` (default 1 s). With 50 diagnoses at once this is 2 processes
 * instead of 100.
 *
 * Safety: per-image reads (locks, watchers, info) are never cached: a lock's liveness must be read fresh. A
 * blocklist up to `ttlMs` old can only lack an entry just added (less corroboration: `unknown` rather than `stale`)
 * or hold one that expired within that second; `addToBlocklist` drops the cached list so the fix's confirmation
 * reads the cluster again.
 */
import type { PoolName } from '../../core/ids.js';
import type { BlocklistEntry } from '../../core/snapshot.js';
import type { CephPort } from '../../ports.js';
import { coalesce } from '../coalesce.js';

export function coalesceReads(port: CephPort, opts: { ttlMs?: number; now?: () => number } = {}): CephPort {
  const ttlMs = opts.ttlMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  const blocklist = coalesce<'all', BlocklistEntry[]>(ttlMs, now);
  const images = coalesce<PoolName, Awaited<ReturnType<CephPort['listImages']>>>(ttlMs, now);
  return {
    ...port,
    listImages: (pool) => images.get(pool, () => port.listImages(pool)),
    listBlocklist: () => blocklist.get('all', () => port.listBlocklist()),
    async addToBlocklist(address, expireSeconds) {
      blocklist.drop('all');
      try {
        return await port.addToBlocklist(address, expireSeconds);
      } finally {
        blocklist.drop('all');
      }
    },
  };
}
