import { describe, expect, it } from 'vitest';
import { approvedLocksOf, buildFixPlan, compareApproved } from '../../src/core/fix-plan.js';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import type { InstanceReport } from '../../src/core/report.js';
import { UnsafePlanError } from '../../src/core/unsafe-plan-error.js';
import {
  blocklistFrom, defaultServer, diskSpec, infoFrom, locksFrom, mustAddr, mustLock, mustWatcher, snapshotOf, specOf,
  watchersFrom, type DiskInput, type SnapshotInput,
} from './support/fixtures.js';
import { killedCompute2, seedDisk, upCompute2 } from './support/scenarios.js';

const ID = '5fbe441f-0b86-48ed-a816-c0622607bef7';
const ROOT = `vms/${ID}_disk`;
const VOLUME = specOf('volumes', 'volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f');
const liveVolume = (): DiskInput => ({
  image: VOLUME, role: 'volume', locks: locksFrom('volume-lock-ls-stale.json'), watchers: watchersFrom('volume-status-after-crash.json'),
});

function report(input: SnapshotInput): InstanceReport {
  return analyseLocks(snapshotOf({ service: killedCompute2(), ...input }));
}

describe('buildFixPlan', () => {
  it('gives the exact commands for the seed case (the host came back): fence, break, hard reboot, wait, confirm', () => {
    const plan = buildFixPlan(report({ service: upCompute2(), disks: [seedDisk()] }));
    expect(plan.map((s) => s.step)).toEqual(['reinspect', 'fence', 'break', 'reboot', 'wait', 'confirm']);
    expect(plan).toEqual([
      { step: 'reinspect', description: 'Inspect again and check that the stale locks are exactly the approved ones, still stale.' },
      {
        step: 'fence', address: '127.0.0.1:0/340810806', expirySeconds: 604_800,
        description: 'Add 127.0.0.1:0/340810806 (client.14188) to the OSD blocklist for 7 days so the dead client can never write again.',
        argv: ['ceph', 'osd', 'blocklist', 'add', '127.0.0.1:0/340810806', '604800'],
      },
      {
        step: 'break', image: ROOT, lockId: 'auto 140634274927808', locker: 'client.14188',
        description: `Remove lock "auto 140634274927808" of client.14188 from ${ROOT}.`,
        argv: ['rbd', 'lock', 'rm', ROOT, 'auto 140634274927808', 'client.14188'],
      },
      {
        step: 'reboot', instanceId: ID, description: 'Hard-reboot vm-1 through Nova (this also starts it if it is SHUTOFF).',
        request: { method: 'POST', path: `/servers/${ID}/action`, body: { reboot: { type: 'HARD' } } },
      },
      {
        step: 'wait', instanceId: ID, description: 'Wait until vm-1 is ACTIVE with power state RUNNING.',
        request: { method: 'GET', path: `/servers/${ID}` },
      },
      { step: 'confirm', description: 'Check that each disk of vm-1 is locked by a client with a matching watcher.' },
    ]);
  });

  it('does not fence an owner that is already in the blocklist', () => {
    const plan = buildFixPlan(report({ service: upCompute2(), blocklist: blocklistFrom('blocklist-ls-after-auto-break-by-object-map-check.txt'), disks: [seedDisk()] }));
    expect(plan.map((s) => s.step)).toEqual(['reinspect', 'break', 'reboot', 'wait', 'confirm']);
  });

  it('fences each owner address once and breaks each stale lock', () => {
    const other = { image: diskSpec(defaultServer().id, '_disk.local'), locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: [] };
    const plan = buildFixPlan(report({ disks: [{ ...seedDisk(), watchers: [] }, other] }));
    expect(plan.filter((s) => s.step === 'fence')).toHaveLength(1);
    expect(plan.flatMap((s) => (s.step === 'break' ? [s.argv] : []))).toEqual([
      ['rbd', 'lock', 'rm', ROOT, 'auto 140634274927808', 'client.14188'],
      ['rbd', 'lock', 'rm', `${ROOT}.local`, 'auto 140634274927808', 'client.14188'],
    ]);
  });

  it('never includes an alive lock, nor fences its owner', () => {
    const plan = buildFixPlan(report({ disks: [seedDisk(), liveVolume()] }));
    const argvs = plan.flatMap((s) => ('argv' in s ? [s.argv.join(' ')] : []));
    expect(argvs.some((a) => a.includes('volume-5d2f7c1e') || a.includes('3240338253'))).toBe(false);
    expect(plan.filter((s) => s.step === 'break')).toHaveLength(1);
  });

  it('rebuilds an invalid object map of a disk without a live owner, not of one with a live owner', () => {
    const invalid = infoFrom('info-object-map-invalid.json');
    const plan = buildFixPlan(report({ service: upCompute2(), disks: [{ ...seedDisk(), info: invalid }, { ...liveVolume(), info: invalid }] }));
    const repairs = plan.filter((s) => s.step === 'repair');
    expect(repairs).toEqual([{
      step: 'repair', image: ROOT, description: `Rebuild the invalid object map of ${ROOT}.`,
      argv: ['rbd', 'object-map', 'rebuild', ROOT],
    }]);
    expect(plan.map((s) => s.step)).toEqual(['reinspect', 'fence', 'break', 'repair', 'reboot', 'wait', 'confirm']);
  });

  it.each([
    { name: 'alive', input: { disks: [liveVolume()] } },
    { name: 'unknown', input: { service: upCompute2(), disks: [seedDisk()].map((d) => ({ ...d, watchers: [] })) } },
    { name: 'unlocked', input: { disks: [] } },
  ])('is empty when the verdict is $name', ({ name, input }) => {
    const r = report(input);
    expect(r.verdict).toBe(name);
    expect(buildFixPlan(r)).toEqual([]);
  });

  it('refuses to fence an address with nonce 0, even in a report that calls its lock stale', () => {
    const r = report({ disks: [seedDisk()] });
    const forged = withLock(r, mustLock({ id: 'auto 1', locker: 'client.1', address: '10.240.201.139:0/0' }));
    expect(() => buildFixPlan(forged)).toThrow(UnsafePlanError);
    expect(() => buildFixPlan(forged)).toThrow(/10\.240\.201\.139:0\/0 .* has nonce 0/);
  });

  it('refuses a report whose stale lock owner still watches a disk', () => {
    const r = report({ disks: [seedDisk()] });
    const [disk] = r.disks;
    if (!disk) throw new Error('no disk');
    const forged: InstanceReport = { ...r, disks: [{ ...disk, watchers: [mustWatcher({ address: '127.0.0.1:0/340810806', client: '14188', cookie: '1' })] }] };
    let caught: unknown;
    try { buildFixPlan(forged); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(UnsafePlanError);
    expect(caught instanceof UnsafePlanError ? caught.userMessage : '').toMatch(/^vmlocks refused to build this fix: watcher 127\.0\.0\.1:0\/340810806 .*Nothing was changed/);
  });
});

describe('approvedLocksOf and compareApproved', () => {
  const approvedReport = () => report({ disks: [seedDisk(), liveVolume()] });

  it('lists exactly the stale locks of a report', () => {
    expect(approvedLocksOf(approvedReport())).toEqual([
      { image: ROOT, id: 'auto 140634274927808', locker: 'client.14188', address: '127.0.0.1:0/340810806' },
    ]);
  });

  it('accepts a fresh report with the same stale locks, still stale', () => {
    expect(compareApproved(approvedLocksOf(approvedReport()), approvedReport())).toEqual({ ok: true, value: undefined });
  });

  it('names the lock that became alive and the instance that is no longer stale', () => {
    const fresh = report({ disks: [{ ...seedDisk(), watchers: [mustWatcher({ address: '127.0.0.1:0/340810806', client: '14188', cookie: '140634274927808' })] }] });
    expect(compareApproved(approvedLocksOf(approvedReport()), fresh)).toEqual({ ok: false, error: [
      'vm-1 is now alive, no longer stale',
      `lock "auto 140634274927808" of client.14188 (127.0.0.1:0/340810806) on ${ROOT} is now alive: watcher 127.0.0.1:0/340810806 holds the lock (cookie 140634274927808)`,
    ] });
  });

  it('names a lock that vanished', () => {
    const fresh = report({ disks: [{ locks: [], watchers: [] }] });
    expect(compareApproved(approvedLocksOf(approvedReport()), fresh)).toEqual({ ok: false, error: [
      'vm-1 is now unlocked, no longer stale',
      `lock "auto 140634274927808" of client.14188 (127.0.0.1:0/340810806) on ${ROOT} is gone`,
    ] });
  });

  it('names the lock that replaced the approved one on the same disk', () => {
    const successor = mustLock({ id: 'auto 140059353288960', locker: 'client.15359', address: '127.0.0.1:0/1462766980' });
    const fresh = report({ disks: [{ locks: [successor], watchers: watchersFrom('qemu-holder-status.json') }] });
    expect(compareApproved(approvedLocksOf(approvedReport()), fresh)).toEqual({ ok: false, error: [
      'vm-1 is now alive, no longer stale',
      `lock "auto 140634274927808" of client.14188 (127.0.0.1:0/340810806) on ${ROOT} is gone; ${ROOT} is now locked by client.15359 at 127.0.0.1:0/1462766980 ("auto 140059353288960", alive)`,
    ] });
  });

  it('names a new stale lock that was not approved', () => {
    const other = { image: diskSpec(defaultServer().id, '_disk.local'), locks: locksFrom('lock-ls-stale.json'), watchers: [] };
    const fresh = report({ disks: [seedDisk(), other] });
    expect(fresh.verdict).toBe('stale');
    expect(compareApproved(approvedLocksOf(approvedReport()), fresh)).toEqual({ ok: false, error: [
      `a new stale lock appeared: lock "auto 140634274927808" of client.14188 (127.0.0.1:0/340810806) on ${ROOT}.local`,
    ] });
  });

  it('names a lock that can no longer be judged', () => {
    const fresh = report({ service: upCompute2(), disks: [{ ...seedDisk(), watchers: [] }] });
    const result = compareApproved(approvedLocksOf(approvedReport()), fresh);
    expect(result.ok ? [] : result.error.slice(0, 2)).toEqual([
      'vm-1 is now unknown, no longer stale',
      `lock "auto 140634274927808" of client.14188 (127.0.0.1:0/340810806) on ${ROOT} is now unknown: no watcher has address 127.0.0.1:0/340810806`,
    ]);
  });

  it('rejects a fresh report whose stale lock has another address than approved', () => {
    const approved = approvedLocksOf(approvedReport()).map((a) => ({ ...a, address: mustAddr('127.0.0.1:0/999') }));
    const result = compareApproved(approved, approvedReport());
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.error).toEqual([
      `lock "auto 140634274927808" of client.14188 (127.0.0.1:0/999) on ${ROOT} is gone; ${ROOT} is now locked by client.14188 at 127.0.0.1:0/340810806 ("auto 140634274927808", stale)`,
    ]);
  });
});

/** A report that claims `lock` is stale on its first disk: what a corrupted store could hand buildFixPlan. */
function withLock(r: InstanceReport, lock: ReturnType<typeof mustLock>): InstanceReport {
  const [disk] = r.disks;
  if (!disk) throw new Error('no disk');
  const stale = { image: disk.image, lock, verdict: 'stale' as const, evidence: [], corroborations: ['host_down' as const], isBlocklisted: false };
  return { ...r, disks: [{ ...disk, watchers: [], locks: [stale] }] };
}
