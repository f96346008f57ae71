import { describe, expect, it } from 'vitest';
import { coalesceReads } from '../../../src/adapters/ceph/coalesce-reads.js';
import { parseEntityAddr, parseImageSpec, parsePoolName, type EntityAddr, type ImageSpec, type PoolName } from '../../../src/core/ids.js';
import type { BlocklistEntry } from '../../../src/core/snapshot.js';
import type { CephPort, CommandRecord } from '../../../src/ports.js';

const must = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const addr: EntityAddr = must(parseEntityAddr('127.0.0.1:0/340810806'));
const pool: PoolName = must(parsePoolName('vms'));
const spec: ImageSpec = must(parseImageSpec('vms/0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e01_disk'));
const record: CommandRecord = { argv: ['ceph'], exitCode: 0, durationMs: 1, stdoutExcerpt: '', stderrExcerpt: '' };

/** A CephPort whose calls are counted by name; blocklist answers come from `blocklist` at call time. */
function countingPort(opts: { failBlocklist?: number } = {}) {
  const calls: string[] = [];
  let blocklist: BlocklistEntry[] = [];
  let failures = opts.failBlocklist ?? 0;
  const port: CephPort = {
    listImages: async () => { calls.push('listImages'); return []; },
    listLocks: async () => { calls.push('listLocks'); return []; },
    listWatchers: async () => { calls.push('listWatchers'); return []; },
    imageInfo: async () => { calls.push('imageInfo'); return { features: [], flags: [] }; },
    removeLock: async () => { calls.push('removeLock'); return record; },
    rebuildObjectMap: async () => { calls.push('rebuildObjectMap'); return record; },
    listBlocklist: async () => {
      calls.push('listBlocklist');
      await new Promise((r) => setTimeout(r, 20));
      if (failures-- > 0) throw new Error('cluster unreachable');
      return blocklist;
    },
    addToBlocklist: async (a, _expireSeconds: number) => { calls.push('addToBlocklist'); blocklist = [...blocklist, { address: a, until: 'later' }]; return record; },
  };
  return { port, calls, count: (name: string) => calls.filter((c) => c === name).length };
}

describe('coalesceReads', () => {
  it('shares one blocklist call among concurrent diagnoses and one pool listing per pool', async () => {
    const { port, count } = countingPort();
    const shared = coalesceReads(port);
    await Promise.all([...Array.from({ length: 50 }, () => shared.listBlocklist()), ...Array.from({ length: 50 }, () => shared.listImages(pool))]);
    expect(count('listBlocklist')).toBe(1);
    expect(count('listImages')).toBe(1);
  });

  it('reads again once the answer is older than the TTL', async () => {
    let t = 0;
    const { port, count } = countingPort();
    const shared = coalesceReads(port, { ttlMs: 1000, now: () => t });
    await shared.listBlocklist();
    t = 999;
    await shared.listBlocklist();
    expect(count('listBlocklist')).toBe(1);
    t = 1001;
    await shared.listBlocklist();
    expect(count('listBlocklist')).toBe(2);
  });

  it('never reuses a failure', async () => {
    const { port, count } = countingPort({ failBlocklist: 1 });
    const shared = coalesceReads(port);
    await expect(shared.listBlocklist()).rejects.toThrow('cluster unreachable');
    await expect(shared.listBlocklist()).resolves.toEqual([]);
    expect(count('listBlocklist')).toBe(2);
  });

  it('reads the blocklist afresh after adding an address, so the fix confirms against the cluster', async () => {
    const { port } = countingPort();
    const shared = coalesceReads(port);
    expect(await shared.listBlocklist()).toEqual([]);
    await shared.addToBlocklist(addr, 3600);
    expect((await shared.listBlocklist()).map((e) => e.address)).toEqual([addr]);
  });

  it('never caches per-image reads: locks, watchers and info are read every time', async () => {
    const { port, count } = countingPort();
    const shared = coalesceReads(port);
    await Promise.all([shared.listLocks(spec), shared.listLocks(spec), shared.listWatchers(spec), shared.listWatchers(spec), shared.imageInfo(spec), shared.imageInfo(spec)]);
    expect([count('listLocks'), count('listWatchers'), count('imageInfo')]).toEqual([2, 2, 2]);
  });
});
