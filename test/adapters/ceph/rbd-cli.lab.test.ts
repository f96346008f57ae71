// Each rbd call of the adapter against the real lab, run as client.vmlocks (least privilege), on the scenarios of
// test/support/ceph-scenarios.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CephNotFoundError, CephPermissionError, createCephCli, type CephCli } from '../../../src/adapters/ceph/index.js';
import { lockHandle, splitImageSpec, type LockId, type Locker, type PoolName } from '../../../src/core/ids.js';
import { adminBlocklist } from '../../support/ceph-admin-view.js';
import { rejectionOf } from '../../support/ceph-expect.js';
import { assertCephLabUp, cephLab, invalidateObjectMap } from '../../support/ceph-lab.js';
import {
  cleanupScenarios, expiredDeadOwner, liveWriter, missingImage, missingPool, unlockedImage,
} from '../../support/ceph-scenarios.js';

let ceph: CephCli;

beforeAll(async () => {
  const lab = await assertCephLabUp();
  ceph = createCephCli(lab.cliOptions('vmlocks'));
});
afterAll(cleanupScenarios);

describe('rbd calls as client.vmlocks', () => {
  it('lists the images of a pool', async () => {
    const s = await unlockedImage();
    const { pool, image } = splitImageSpec(s.spec);
    expect(await ceph.listImages(pool)).toContain(image);
    await s.cleanup();
    expect(await ceph.listImages(pool)).not.toContain(image);
  });

  it("lists a live writer's lock, and its watcher with the lock's handle as a decimal-string cookie", async () => {
    const s = await liveWriter();
    expect(await ceph.listLocks(s.spec)).toEqual([{ id: s.lock.lockId, locker: s.lock.locker, address: s.lock.address }]);
    const watchers = await ceph.listWatchers(s.spec);
    expect(watchers).toEqual([{ address: s.writer.address, client: s.writer.client.replace('client.', ''), cookie: lockHandle(s.lock.lockId) }]);
    expect(watchers[0]?.cookie).toMatch(/^\d+$/);
    await s.cleanup();
  });

  it("shows a killed owner's lock without any watcher once its watch expired", async () => {
    const s = await expiredDeadOwner();
    expect(await ceph.listLocks(s.spec)).toEqual([{ id: s.deadOwner.lockId, locker: s.deadOwner.locker, address: s.deadOwner.address }]);
    expect(await ceph.listWatchers(s.spec)).toEqual([]);
    await s.cleanup();
  });

  it('shows no lock, no watcher and no flag on an unlocked image, and its features', async () => {
    const s = await unlockedImage();
    expect(await ceph.listLocks(s.spec)).toEqual([]);
    expect(await ceph.listWatchers(s.spec)).toEqual([]);
    expect(await ceph.imageInfo(s.spec)).toEqual({ features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten'], flags: [] });
    await s.cleanup();
  });

  it("removes a dead owner's lock, records the exact argv, and the owner is blocklisted", async () => {
    const s = await expiredDeadOwner();
    const record = await ceph.removeLock(s.spec, s.deadOwner.lockId, s.deadOwner.locker);
    expect(record.exitCode).toBe(0);
    expect(record.argv[0]).toBe('rbd');
    expect(record.argv).toEqual(expect.arrayContaining(['--id', 'vmlocks']));
    expect(record.argv.slice(-5)).toEqual(['lock', 'rm', s.spec, s.deadOwner.lockId, s.deadOwner.locker]);
    expect(await ceph.listLocks(s.spec)).toEqual([]);
    expect(await adminBlocklist()).toContain(s.deadOwner.address);
    await s.cleanup();
  });

  it('rebuilds an object map flagged invalid', async () => {
    const s = await unlockedImage();
    await invalidateObjectMap(s.spec);
    expect((await ceph.imageInfo(s.spec)).flags).toEqual(['object map invalid', 'fast diff invalid']);
    const record = await ceph.rebuildObjectMap(s.spec);
    expect(record.exitCode).toBe(0);
    expect(record.argv.slice(-4)).toEqual(['object-map', 'rebuild', s.spec, '--no-progress']);
    expect((await ceph.imageInfo(s.spec)).flags).toEqual([]);
    await s.cleanup();
  });
});

describe('what does not exist', () => {
  it('reports a missing image as not found in every image call', async () => {
    const { spec } = missingImage();
    const calls = [() => ceph.listLocks(spec), () => ceph.listWatchers(spec), () => ceph.imageInfo(spec),
      () => ceph.removeLock(spec, 'auto 1' as LockId, 'client.1' as Locker), () => ceph.rebuildObjectMap(spec)];
    for (const call of calls) {
      const e = await rejectionOf(call(), CephNotFoundError);
      expect([e.what, e.target]).toEqual(['image', spec]);
    }
  });

  it('reports a missing pool as not found', async () => {
    const { spec } = missingPool();
    const { pool } = splitImageSpec(spec);
    for (const call of [() => ceph.listImages(pool), () => ceph.listLocks(spec), () => ceph.imageInfo(spec)]) {
      const e = await rejectionOf(call(), CephNotFoundError);
      expect([e.what, e.target]).toEqual(['pool', pool]);
    }
    expect((await rejectionOf(ceph.listImages('nosuchpool' as PoolName), CephNotFoundError)).userMessage).toContain('nosuchpool');
  });

  it('reports removing a lock the image does not have as lock not found', async () => {
    const s = await unlockedImage();
    const e = await rejectionOf(ceph.removeLock(s.spec, 'auto 1' as LockId, 'client.1' as Locker), CephNotFoundError);
    expect(e.what).toBe('lock');
    await s.cleanup();
  });
});

describe('credentials', () => {
  it('reports a user without a keyring as a keyring problem, never as a missing lock (rbd exits 2 for both)', async () => {
    const { spec } = missingImage();
    const ghost = createCephCli({ id: 'ghost', env: { CEPH_CONF: cephLab().conf, CEPH_KEYRING: undefined } });
    const e = await rejectionOf(ghost.removeLock(spec, 'auto 1' as LockId, 'client.1' as Locker), CephPermissionError);
    expect(e.exitCode).toBe(2);
    expect(e.userMessage).toContain('No keyring for client.ghost');
  });

  it('reports a user the cluster does not know as an authentication failure', async () => {
    const lab = cephLab();
    const stranger = createCephCli({ id: 'ghost', env: { CEPH_CONF: lab.conf }, keyring: lab.keyringFor('vmlocks') });
    const e = await rejectionOf(stranger.listImages('vms' as PoolName), CephPermissionError);
    expect(e.userMessage).toContain('Ceph refused to authenticate client.ghost');
  });
});
