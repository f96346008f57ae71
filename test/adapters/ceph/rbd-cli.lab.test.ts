// Each call of the adapter against the real lab, run as client.vmlocks (least privilege), on the scenarios of
// test/support/ceph-scenarios.ts, with both read paths: one rbd/ceph process per read (`cli`) and the long-lived
// librados connection of the read helper (`librados`, the default). Writes go through the CLIs in both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CephNotFoundError, CephPermissionError, createCephAdapter, createCephCli, type CephAdapter, type CephReadsMode,
} from '../../../src/adapters/ceph/index.js';
import { lockHandle, splitImageSpec, type ImageSpec, type LockId, type Locker, type PoolName } from '../../../src/core/ids.js';
import { adminBlocklist } from '../../support/ceph-admin-view.js';
import { rejectionOf } from '../../support/ceph-expect.js';
import { adminRun, assertCephLabUp, cephLab, createImage, invalidateObjectMap } from '../../support/ceph-lab.js';
import {
  cleanupScenarios, expiredDeadOwner, liveWriter, missingImage, missingPool, unlockedImage,
} from '../../support/ceph-scenarios.js';

const adapters: CephAdapter[] = [];
// a pool client.vmlocks has no caps on (created by admin for this file, removed after it)
const NO_CAPS_POOL = 'vmlocks-test-nocaps' as PoolName;

beforeAll(async () => {
  await assertCephLabUp();
  await adminRun('ceph', ['osd', 'pool', 'create', NO_CAPS_POOL, '8', '8', 'replicated']);
  await adminRun('rbd', ['pool', 'init', NO_CAPS_POOL]);
  await createImage(`${NO_CAPS_POOL}/img` as ImageSpec);
});
afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  await adminRun('ceph', ['osd', 'pool', 'rm', NO_CAPS_POOL, NO_CAPS_POOL, '--yes-i-really-really-mean-it'], { reject: false });
  await cleanupScenarios();
});

function adapterAs(reads: CephReadsMode, options = cephLab().cliOptions('vmlocks')): CephAdapter {
  const a = createCephAdapter({ ...options, reads });
  adapters.push(a);
  return a;
}

describe.each(['cli', 'librados'] as const)('reads: %s', (reads) => {
let ceph: CephAdapter;
beforeAll(() => { ceph = adapterAs(reads); });

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

describe('permissions', () => {
  it('names the osd cap to grant for a pool client.vmlocks has no caps on', async () => {
    const spec = `${NO_CAPS_POOL}/img` as ImageSpec;
    for (const call of [() => ceph.listLocks(spec), () => ceph.listWatchers(spec), () => ceph.imageInfo(spec), () => ceph.listImages(NO_CAPS_POOL)]) {
      const e = await rejectionOf(call(), CephPermissionError);
      expect(e.grant).toBe(`osd 'profile rbd pool=${NO_CAPS_POOL}'`);
      expect(e.userMessage).toContain(`client.vmlocks has no access to pool ${NO_CAPS_POOL}`);
    }
  });

  it('reads the blocklist as client.vmlocks (mon profile rbd)', async () => {
    expect(Array.isArray(await ceph.listBlocklist())).toBe(true);
  });
});

describe('credentials', () => {
  it('reports a user without a keyring as a keyring problem, never as a missing image or lock (rbd exits 2 for all)', async () => {
    const { spec } = missingImage();
    const ghost = adapterAs(reads, { id: 'ghost', env: { CEPH_CONF: cephLab().conf, CEPH_KEYRING: undefined } });
    for (const call of [() => ghost.removeLock(spec, 'auto 1' as LockId, 'client.1' as Locker), () => ghost.listLocks(spec)]) {
      const e = await rejectionOf(call(), CephPermissionError);
      expect(e.exitCode).toBe(2);
      expect(e.userMessage).toContain('No keyring for client.ghost');
    }
  });

  it('reports a user the cluster does not know as an authentication failure', async () => {
    const lab = cephLab();
    const stranger = adapterAs(reads, { id: 'ghost', env: { CEPH_CONF: lab.conf }, keyring: lab.keyringFor('vmlocks') });
    const e = await rejectionOf(stranger.listImages('vms' as PoolName), CephPermissionError);
    expect(e.userMessage).toContain('Ceph refused to authenticate client.ghost');
  });
});
});

/** The global ids of client.vmlocks' sessions with the monitor (`ceph tell mon.a sessions`, as admin). */
async function vmlocksSessions(): Promise<Set<number>> {
  const out = (await adminRun('ceph', ['tell', 'mon.a', 'sessions', '--format', 'json'])).stdout;
  const sessions = z.array(z.object({ entity_name: z.string(), global_id: z.number() })).parse(JSON.parse(out));
  return new Set(sessions.filter((x) => x.entity_name === 'client.vmlocks').map((x) => x.global_id));
}

describe('the librados connection', () => {
  it('is opened once as client.vmlocks, stays open, and every read reuses it with the CLI\'s answers', async () => {
    const s = await liveWriter();
    const cli = createCephCli(cephLab().cliOptions('vmlocks'));
    const before = await vmlocksSessions();
    const ceph = adapterAs('librados');
    expect(await ceph.listBlocklist()).toEqual(await cli.listBlocklist());
    const opened = [...await vmlocksSessions()].filter((id) => !before.has(id));
    expect(opened).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      expect(await ceph.listWatchers(s.spec)).toEqual(await cli.listWatchers(s.spec));
      expect(await ceph.listLocks(s.spec)).toEqual(await cli.listLocks(s.spec));
      expect(await ceph.imageInfo(s.spec)).toEqual(await cli.imageInfo(s.spec));
    }
    const after = await vmlocksSessions();
    expect(after.has(opened[0] ?? -1)).toBe(true);
    await ceph.close();
    await s.cleanup();
  });
});
