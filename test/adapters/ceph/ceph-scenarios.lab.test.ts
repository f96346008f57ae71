// The incident scenarios of test/support/ceph-scenarios.ts reach the states they promise on the real lab, checked
// with an independent admin view (plain rbd as client.admin), and clean up after themselves.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockHandle, splitEntityAddr } from '../../../src/core/ids.js';
import { adminLocks, adminWatchers } from '../../support/ceph-admin-view.js';
import { adminRun, assertCephLabUp, createImage, removeImage } from '../../support/ceph-lab.js';
import {
  cleanupScenarios, diskSpecFor, expiredDeadOwner, liveWriter, missingImage, missingPool, seedCrash, unlockedImage,
} from '../../support/ceph-scenarios.js';

beforeAll(async () => { await assertCephLabUp(); });
afterAll(cleanupScenarios);

const imageExists = async (spec: string): Promise<boolean> => (await adminRun('rbd', ['info', spec], { reject: false })).exitCode === 0;
const processAlive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

describe('incident scenarios on the lab', () => {
  it("a. the seed's crash: the dead owner keeps its lock, and the new client.nova-old writer failed with EACCES but stays, watching from the same IP with another nonce", async () => {
    const s = await seedCrash();
    expect(await adminLocks(s.spec)).toEqual([{ id: s.deadOwner.lockId, locker: s.deadOwner.locker, address: s.deadOwner.address }]);
    expect((await adminWatchers(s.spec)).map((w) => w.address)).toEqual([s.newWriter.address]);
    const dead = splitEntityAddr(s.deadOwner.address);
    const fresh = splitEntityAddr(s.newWriter.address);
    expect(fresh.ip).toBe(dead.ip);
    expect(fresh.nonce).not.toBe(dead.nonce);
    expect(s.newWriter.events()).toContainEqual(expect.objectContaining({ event: 'write-error', errno: 13 }));
    expect(s.newWriter.isRunning()).toBe(true);

    await s.cleanup();
    await s.cleanup();
    expect(s.newWriter.isRunning()).toBe(false);
    expect(await imageExists(s.spec)).toBe(false);
  });

  it("b. a live writer holds the lock and watches the image with the lock's handle as cookie", async () => {
    const s = await liveWriter();
    const [watcher, ...others] = await adminWatchers(s.spec);
    expect(others).toEqual([]);
    expect(watcher?.address).toBe(s.lock.address);
    expect(watcher?.cookie).toBe(lockHandle(s.lock.lockId));
    expect(s.lock.locker).toBe(s.writer.client);
    await s.cleanup();
    expect(processAlive(s.writer.pid)).toBe(false);
  });

  it('c. a killed writer leaves its lock and, once its watch expired, no watcher', async () => {
    const s = await expiredDeadOwner();
    expect(await adminLocks(s.spec)).toEqual([{ id: s.deadOwner.lockId, locker: s.deadOwner.locker, address: s.deadOwner.address }]);
    expect(await adminWatchers(s.spec)).toEqual([]);
    await s.cleanup();
    expect(await imageExists(s.spec)).toBe(false);
  });

  it('d. an unlocked image has no lock and no watcher', async () => {
    const s = await unlockedImage();
    expect(await adminLocks(s.spec)).toEqual([]);
    expect(await adminWatchers(s.spec)).toEqual([]);
    await s.cleanup();
  });

  it('e. a missing image and a missing pool do not exist', async () => {
    for (const s of [missingImage(), missingPool()]) {
      expect((await adminRun('rbd', ['info', s.spec], { reject: false })).exitCode).toBe(2);
    }
  });

  it('cleanupScenarios kills every writer a scenario left running', async () => {
    const s = await liveWriter();
    expect(processAlive(s.writer.pid)).toBe(true);
    await cleanupScenarios();
    expect(processAlive(s.writer.pid)).toBe(false);
    expect(await imageExists(s.spec)).toBe(false);
  });

  it("uses a given image: creates and removes an instance's disk that did not exist, keeps one that did", async () => {
    const fresh = await liveWriter({ spec: diskSpecFor(randomUUID()) });
    expect(await imageExists(fresh.spec)).toBe(true);
    await fresh.cleanup();
    expect(await imageExists(fresh.spec)).toBe(false);

    const existing = await createImage(diskSpecFor(randomUUID()));
    const kept = await liveWriter({ spec: existing });
    expect(kept.spec).toBe(existing);
    await kept.cleanup();
    expect(await imageExists(existing)).toBe(true);
    expect(await adminLocks(existing)).toEqual([]);
    await removeImage(existing);
  });
});
