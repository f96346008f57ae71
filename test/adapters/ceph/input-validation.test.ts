// Names refused before any process starts: the fake CLI logs every invocation, and the log must stay empty.
// The values are forged with a plain cast, as a bug elsewhere could: the brand alone must not be trusted.
import { describe, expect, it } from 'vitest';
import { CephCommandError, CephInputError, createCephCli, type CephCliOptions } from '../../../src/adapters/ceph/index.js';
import type { EntityAddr, ImageSpec, LockId, Locker, PoolName } from '../../../src/core/ids.js';
import { rejectionOf } from '../../support/ceph-expect.js';
import { fakeCephCli } from '../../support/ceph-fake-cli.js';

const goodSpec = 'vms/0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e01_disk' as ImageSpec;
const goodLock = 'auto 140634274927808' as LockId;
const goodLocker = 'client.14188' as Locker;

const badPools = ['', '-x', '--id=admin', 'a b', 'vms;reboot', '..', 'a..b', 'a/b', '$(reboot)', 'vms\n', '.hidden', 'p'.repeat(128)];
const badSpecs = ['vms', 'vms/', '/img', 'vms/-rf', '-vms/img', 'vms/a b', 'vms/../etc', 'vms/x;y', 'vms/$(id)', 'vms/`id`',
  'vms/img@snap', 'vms/img|cat', 'vms/img\nx', `vms/${'i'.repeat(251)}`];
const badLockIds = ['', '-x', '--help', 'auto 1 ', 'auto\n1', `auto ${'1'.repeat(200)}`];
const badLockers = ['', 'client.', 'client.x', 'osd.1', '-client.1', 'client.1;', 'client.1 ', `client.${'1'.repeat(21)}`];
const badAddresses = ['', '127.0.0.1', '-127.0.0.1:0/1', '127.0.0.1:0/1;reboot', '999.0.0.1:0/1', '127.0.0.1:0/1 2', '127.0.0.1:99999/1'];

function setup(): { options: CephCliOptions; invocations: () => string[][] } {
  return fakeCephCli([]); // no rule: any process that did start would be logged (and fail with exit 99)
}

async function expectRefusedWithoutProcess(field: string, call: (c: ReturnType<typeof createCephCli>) => Promise<unknown>): Promise<void> {
  const fake = setup();
  const e = await rejectionOf(call(createCephCli(fake.options)), CephInputError);
  expect(e.field).toBe(field);
  expect(e.argv).toEqual([]);
  expect(fake.invocations()).toEqual([]);
}

describe('values refused before any process starts', () => {
  it('runs the fake CLI for a valid name (so that an empty log means no process)', async () => {
    const fake = setup();
    await rejectionOf(createCephCli(fake.options).listLocks(goodSpec), CephCommandError);
    expect(fake.invocations()).toHaveLength(1);
  });

  it.each(badPools)('refuses pool %j for listImages', (pool) => expectRefusedWithoutProcess('pool', (c) => c.listImages(pool as PoolName)));

  it.each(badSpecs)('refuses image spec %j in every image call', async (spec) => {
    const s = spec as ImageSpec;
    await expectRefusedWithoutProcess('imageSpec', (c) => c.listLocks(s));
    await expectRefusedWithoutProcess('imageSpec', (c) => c.listWatchers(s));
    await expectRefusedWithoutProcess('imageSpec', (c) => c.imageInfo(s));
    await expectRefusedWithoutProcess('imageSpec', (c) => c.removeLock(s, goodLock, goodLocker));
    await expectRefusedWithoutProcess('imageSpec', (c) => c.rebuildObjectMap(s));
  });

  it.each(badLockIds)('refuses lock id %j', (id) => expectRefusedWithoutProcess('lockId', (c) => c.removeLock(goodSpec, id as LockId, goodLocker)));

  it.each(badLockers)('refuses locker %j', (locker) => expectRefusedWithoutProcess('locker', (c) => c.removeLock(goodSpec, goodLock, locker as Locker)));

  it.each(badAddresses)('refuses blocklist address %j', (address) => expectRefusedWithoutProcess('address', (c) => c.addToBlocklist(address as EntityAddr, 3600)));

  it.each(['127.0.0.1:0/0', '10.0.0.5:6789/0', '[fd00::5]:0/0'])('refuses to blocklist %j: nonce 0 would fence every client of the IP', async (address) => {
    const fake = setup();
    const e = await rejectionOf(createCephCli(fake.options).addToBlocklist(address as EntityAddr, 3600), CephInputError);
    expect(e).toMatchObject({ code: 'invalid_input', field: 'address', argv: [] });
    expect(e.userMessage).toContain('nonce 0');
    expect(fake.invocations()).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses blocklist expiry %j seconds', (seconds) =>
    expectRefusedWithoutProcess('expireSeconds', (c) => c.addToBlocklist('127.0.0.1:0/12345' as EntityAddr, seconds)));

  it.each(['', 'client.admin --keyring', '-admin', 'a b', '../x'])('refuses CephX user id %j when the adapter is created', (id) => {
    expect(() => createCephCli({ id })).toThrow(CephInputError);
  });
});
