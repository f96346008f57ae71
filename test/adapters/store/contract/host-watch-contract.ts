/** The store contract, part 3: the host watch's records, written by compare-and-set so that two replicas act once. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../../../../src/adapters/store/index.js';
import type { HostRecord } from '../../../../src/core/host-watch.js';
import type { StoreHarness } from './harness.js';

const up: HostRecord = {
  host: 'compute-1', state: 'up', since: '2026-11-25T02:00:00.000Z', candidate: null, announced: 'up', changes: 0, dueAt: null, recent: [],
};
const down: HostRecord = {
  ...up, state: 'down', candidate: { state: 'up', since: '2026-11-25T02:05:00.000Z' }, changes: 1,
  dueAt: '2026-11-25T02:01:00.000Z', recent: ['2026-11-25T01:55:00.000Z'],
};

export function hostWatchContract(harness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await harness();
    store = await h.open();
  });
  afterEach(async () => {
    await store.close();
    await h.cleanup();
  });

  it('keeps a host record as written, with its version, for another replica to read', async () => {
    expect(await store.saveHostRecord(up, 0)).toBe(true);
    expect(await store.saveHostRecord(down, 1)).toBe(true);
    const replica = await h.open();
    expect(await replica.listHostRecords()).toEqual([{ ...down, version: 2 }]);
    await replica.close();
  });

  it('lets one of two replicas write a change read at the same version, and one of two first records', async () => {
    const replica = await h.open();
    const first = await Promise.all([store.saveHostRecord(up, 0), replica.saveHostRecord({ ...up, state: 'down' }, 0)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const next = await Promise.all([store.saveHostRecord({ ...up, changes: 1 }, 1), replica.saveHostRecord({ ...up, changes: 2 }, 1)]);
    expect(next.filter(Boolean)).toHaveLength(1);
    expect((await store.listHostRecords())[0]?.version).toBe(2);
    expect(await store.saveHostRecord({ ...up, changes: 9 }, 1)).toBe(false);
    await replica.close();
  });
}
