// The seed's incident on the real lab, and its fix through the adapter: client.nova-old (the seed-era caps) cannot
// blocklist, so its own new writer stays locked out; client.vmlocks (mon 'profile rbd') removes the dead owner's lock,
// which fences the owner, and the next client.nova-old writer takes the lock.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CephPermissionError, createCephCli, type CephCli } from '../../../src/adapters/ceph/index.js';
import { parseEntityAddr, type EntityAddr } from '../../../src/core/ids.js';
import { adminLocks } from '../../support/ceph-admin-view.js';
import { rejectionOf } from '../../support/ceph-expect.js';
import { assertCephLabUp } from '../../support/ceph-lab.js';
import { cleanupScenarios, seedCrash } from '../../support/ceph-scenarios.js';
import { startWriter } from '../../support/ceph-writer.js';

let vmlocks: CephCli;
let novaOld: CephCli;

beforeAll(async () => {
  const lab = await assertCephLabUp();
  vmlocks = createCephCli(lab.cliOptions('vmlocks'));
  novaOld = createCephCli(lab.cliOptions('nova-old'));
});
afterAll(cleanupScenarios);

function randomAddress(): EntityAddr {
  // a nonce no real client has: 127.0.0.1 with a random 9-digit nonce
  const a = parseEntityAddr(`127.0.0.1:0/${randomInt(100_000_000, 999_999_999)}`);
  if (!a.ok) throw new Error(a.error);
  return a.value;
}

describe("the seed's incident", () => {
  it('the root cause: client.nova-old can neither blocklist the dead owner nor break its lock', async () => {
    const s = await seedCrash();
    const blocklist = await rejectionOf(novaOld.addToBlocklist(s.deadOwner.address, 3600), CephPermissionError);
    expect(blocklist.grant).toBe("mon 'profile rbd'");
    expect(blocklist.userMessage).toContain("client.nova-old lacks `osd blocklist` caps; grant mon 'profile rbd'");
    const lockRm = await rejectionOf(novaOld.removeLock(s.spec, s.deadOwner.lockId, s.deadOwner.locker), CephPermissionError);
    expect(lockRm.grant).toBe("mon 'profile rbd'");
    expect(lockRm.exitCode).toBe(13);
    const rebuild = await rejectionOf(novaOld.rebuildObjectMap(s.spec), CephPermissionError);
    expect(rebuild.grant).toBe("mon 'profile rbd'");
    expect(await adminLocks(s.spec)).toEqual([{ id: s.deadOwner.lockId, locker: s.deadOwner.locker, address: s.deadOwner.address }]);
    expect((await vmlocks.listBlocklist()).map((e) => e.address)).not.toContain(s.deadOwner.address);
    await s.cleanup();
  });

  it("the fix: client.vmlocks removes the dead owner's lock, the owner is in the blocklist, and a new client.nova-old writer takes the lock", async () => {
    const s = await seedCrash();
    expect((await vmlocks.listBlocklist()).map((e) => e.address)).not.toContain(s.deadOwner.address);

    const record = await vmlocks.removeLock(s.spec, s.deadOwner.lockId, s.deadOwner.locker);
    expect(record.exitCode).toBe(0);
    expect(await vmlocks.listLocks(s.spec)).toEqual([]);
    expect((await vmlocks.listBlocklist()).map((e) => e.address)).toContain(s.deadOwner.address);

    const next = await startWriter(s.spec, 'nova-old');
    expect(await next.writeOutcome(60_000)).toEqual({ event: 'locked' });
    const locks = await vmlocks.listLocks(s.spec);
    expect(locks.map((l) => [l.locker, l.address])).toEqual([[next.client, next.address]]);
    expect((await vmlocks.listWatchers(s.spec)).map((w) => w.address)).toContain(next.address);
    await next.kill('SIGTERM');
    await s.cleanup();
  });
});

describe('the OSD blocklist', () => {
  it('client.vmlocks adds an address, which the blocklist then lists with its expiry', async () => {
    const address = randomAddress();
    const record = await vmlocks.addToBlocklist(address, 3600);
    expect(record.exitCode).toBe(0);
    expect(record.argv.slice(-5)).toEqual(['osd', 'blocklist', 'add', address, '3600']);
    expect(record.stderrExcerpt).toContain(`blocklisting ${address} until`);
    const entry = (await vmlocks.listBlocklist()).find((e) => e.address === address);
    expect(entry?.until).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(vmlocks.blocklistSpelling()).toBe('blocklist');
  });

  it('client.nova-old may read the blocklist but not add to it', async () => {
    const address = randomAddress();
    expect(Array.isArray(await novaOld.listBlocklist())).toBe(true);
    const e = await rejectionOf(novaOld.addToBlocklist(address, 3600), CephPermissionError);
    expect(e.stderr).toContain('EACCES');
    expect((await vmlocks.listBlocklist()).map((x) => x.address)).not.toContain(address);
  });
});
