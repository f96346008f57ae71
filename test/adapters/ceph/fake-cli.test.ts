// The adapter against a fake rbd/ceph on PATH replaying outputs recorded on real clusters, for what the lab cannot
// produce: an older cluster's `blacklist` spelling, a pool without caps, a down OSD, flags and malformed output.
import { describe, expect, it } from 'vitest';
import {
  CephCommandError, CephOutputError, CephPermissionError, CephTimeoutError, createCephCli,
} from '../../../src/adapters/ceph/index.js';
import type { EntityAddr, ImageSpec } from '../../../src/core/ids.js';
import { rejectionOf } from '../../support/ceph-expect.js';
import { fakeCephCli, type FakeRule } from '../../support/ceph-fake-cli.js';

const spec = 'vms/0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e01_disk' as ImageSpec;
const oldCluster: FakeRule[] = [
  { program: 'ceph', match: ['osd', 'blocklist'], stdout: 'lab-unknown-command.txt', stderr: 'lab-unknown-command.txt.stderr', exit: 22 },
  { program: 'ceph', match: ['osd', 'blacklist', 'ls'], stdout: 'blocklist-ls-one-entry.compact.json', stderr: 'blocklist-ls-one-entry.compact.json.stderr' },
  { program: 'ceph', match: ['osd', 'blacklist', 'add'], stdout: 'lab-blacklist-add.txt', stderr: 'lab-blacklist-add.txt.stderr' },
];
const words = (argv: string[]): string => argv.filter((a) => /^(osd|blocklist|blacklist|ls|add)$/.test(a)).join(' ');

describe('the blocklist on clusters that know only the old spelling', () => {
  it('falls back to `ceph osd blacklist` when the cluster does not know `blocklist`, and keeps that spelling', async () => {
    const fake = fakeCephCli(oldCluster);
    const ceph = createCephCli(fake.options);
    const expected = [{ address: '127.0.0.1:0/340810806', until: '2026-11-25T00:22:27.225614+0000' }];
    expect(await ceph.listBlocklist()).toEqual(expected);
    expect(await ceph.listBlocklist()).toEqual(expected);
    expect(ceph.blocklistSpelling()).toBe('blacklist');
    const record = await ceph.addToBlocklist('127.0.0.1:0/110704' as EntityAddr, 3600);
    expect(record.argv.slice(-4)).toEqual(['blacklist', 'add', '127.0.0.1:0/110704', '3600']);
    expect(record.exitCode).toBe(0);
    expect(fake.invocations().map(words)).toEqual(['osd blocklist ls', 'osd blacklist ls', 'osd blacklist ls', 'osd blacklist add']);
  });

  it('gives `blocklist add` the expiry in seconds after the address, and the fallback spelling too', async () => {
    const fake = fakeCephCli(oldCluster);
    const record = await createCephCli(fake.options).addToBlocklist('127.0.0.1:0/110704' as EntityAddr, 604_800);
    expect(record.argv.slice(-4)).toEqual(['blacklist', 'add', '127.0.0.1:0/110704', '604800']);
    expect(fake.invocations().map((a) => a.slice(-4))).toEqual([['blocklist', 'add', '127.0.0.1:0/110704', '604800'], ['blacklist', 'add', '127.0.0.1:0/110704', '604800']]);
  });

  it('uses `blocklist` only, on a cluster that knows it', async () => {
    const fake = fakeCephCli([{ program: 'ceph', match: ['osd', 'blocklist', 'ls'], stdout: 'blocklist-ls-two-entries.json', stderr: 'blocklist-ls-two-entries.json.stderr' }]);
    const ceph = createCephCli(fake.options);
    expect((await ceph.listBlocklist()).map((e) => e.address)).toEqual(['127.0.0.1:0/3240338253', '127.0.0.1:0/2293725923']);
    expect(ceph.blocklistSpelling()).toBe('blocklist');
    expect(fake.invocations().map(words)).toEqual(['osd blocklist ls']);
  });

  it('reports the failure when neither spelling is known', async () => {
    const fake = fakeCephCli([{ program: 'ceph', match: ['osd'], stdout: 'lab-unknown-command.txt', stderr: 'lab-unknown-command.txt.stderr', exit: 22 }]);
    const e = await rejectionOf(createCephCli(fake.options).listBlocklist(), CephCommandError);
    expect(e.exitCode).toBe(22);
    expect(e.userMessage).toContain('invalid command');
  });
});

describe('recorded outputs the lab does not produce', () => {
  it('reads the flags of an image whose object map is invalid', async () => {
    const fake = fakeCephCli([{ program: 'rbd', match: ['info', spec], stdout: 'info-object-map-invalid.json' }]);
    expect(await createCephCli(fake.options).imageInfo(spec)).toEqual({
      features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten'],
      flags: ['object map invalid', 'fast diff invalid'],
    });
  });

  it('names the pool cap to grant when the user has no caps on the pool (EPERM)', async () => {
    const volume = 'volumes/volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f' as ImageSpec;
    const fake = fakeCephCli([{ program: 'rbd', match: ['lock', 'ls'], stdout: 'caps-profile-rbd-lock-ls-pool-without-caps.txt', stderr: 'caps-profile-rbd-lock-ls-pool-without-caps.txt.stderr', exit: 1 }]);
    const e = await rejectionOf(createCephCli(fake.options).listLocks(volume), CephPermissionError);
    expect(e.grant).toBe("osd 'profile rbd pool=volumes'");
    expect(e.userMessage).toContain('client.vmlocks has no access to pool volumes');
    expect(e.stderr).toContain('(1) Operation not permitted');
  });

  it('reports a down OSD (rados_osd_op_timeout, exit 110) as a timeout', async () => {
    const fake = fakeCephCli([{ program: 'rbd', match: ['lock', 'ls'], stdout: 'osd-down-rbd-lock-ls-op-timeout-5.txt', stderr: 'osd-down-rbd-lock-ls-op-timeout-5.txt.stderr', exit: 110 }]);
    const e = await rejectionOf(createCephCli(fake.options).listLocks(spec), CephTimeoutError);
    expect(e.exitCode).toBe(110);
    expect(e.userMessage).toContain('(110) Connection timed out');
  });
});

describe('output that is not what the command documents', () => {
  const cases: Array<{ name: string; rule: FakeRule; call: (c: ReturnType<typeof createCephCli>) => Promise<unknown>; excerpt: string }> = [
    { name: 'plain lock ls', rule: { program: 'rbd', match: ['lock', 'ls'], stdout: 'lock-ls-stale.txt' }, call: (c) => c.listLocks(spec), excerpt: 'There is 1 exclusive lock on this image.' },
    { name: 'plain status', rule: { program: 'rbd', match: ['status'], stdout: 'status-live.txt' }, call: (c) => c.listWatchers(spec), excerpt: 'Watchers:' },
    { name: 'plain info', rule: { program: 'rbd', match: ['info'], stdout: 'info-clean.txt' }, call: (c) => c.imageInfo(spec), excerpt: "rbd image '0cab75e6" },
    { name: 'empty lock ls', rule: { program: 'rbd', match: ['lock', 'ls'], stdout: 'lock-rm-stale.txt' }, call: (c) => c.listLocks(spec), excerpt: '(empty output)' },
    { name: 'image info as blocklist', rule: { program: 'ceph', match: ['osd', 'blocklist', 'ls'], stdout: 'info-object-map-invalid.json' }, call: (c) => c.listBlocklist(), excerpt: '"name": "0cab75e6' },
  ];

  it.each(cases)('turns $name into an unparseable-output error with an excerpt', async ({ rule, call, excerpt }) => {
    const fake = fakeCephCli([rule]);
    const e = await rejectionOf(call(createCephCli(fake.options)), CephOutputError);
    expect(e.code).toBe('bad_output');
    expect(e.excerpt).toContain(excerpt);
    expect(e.userMessage).toContain('cannot read');
  });
});
