/**
 * The unsafe directions: removing a lock whose owner is alive lets two writers corrupt the disk. These cases
 * pin that a matching watcher always means alive, and that partial information never gives stale.
 */
import { describe, expect, it } from 'vitest';
import { buildFixPlan } from '../../src/core/fix-plan.js';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import type { InstanceReport } from '../../src/core/report.js';
import {
  blocklistFrom, defaultServer, diskSpec, locksFrom, mustLock, mustWatcher, serverFrom, snapshotOf, specOf,
  stderrLine, watchersFrom, type DiskInput, type SnapshotInput,
} from './support/fixtures.js';
import { forcedDownVm2, killedCompute2, liveDisk, seedDisk } from './support/scenarios.js';


function verdicts(report: InstanceReport): string[] {
  return report.disks.flatMap((d) => d.locks.map((l) => l.verdict));
}

/** Every Nova state, including the ones that would corroborate a dead owner. */
const NOVA_STATES: Array<{ name: string; input: SnapshotInput }> = [
  { name: 'the compute service is up', input: {} },
  { name: 'the compute service is down', input: { service: killedCompute2() } },
  { name: 'the compute service is forced down', input: forcedDownVm2() },
  { name: 'host_status is UNKNOWN', input: { server: serverFrom('server-show-on-killed-compute-2.mv2.93.json') } },
  { name: 'host_status is DOWN', input: { server: forcedDownVm2().server } },
  { name: 'the instance is powered off', input: { server: { ...defaultServer(), status: 'SHUTOFF', vmState: 'stopped', powerState: 4 } } },
  { name: 'the instance is in error', input: { server: { ...defaultServer(), status: 'ERROR', vmState: 'error', powerState: 0 } } },
  { name: 'the Nova service lookup failed', input: { service: 'GET /os-services: 503 Service Unavailable' } },
  { name: 'the owner is already in the blocklist', input: { blocklist: blocklistFrom('blocklist-ls-after-auto-break-by-object-map-check.txt') } },
];

describe('a watcher with the lock address means alive, whatever Nova says', () => {
  // The recorded crash before the watch expired: librbd itself still sees the owner as alive.
  const justCrashed = (): DiskInput => ({ locks: locksFrom('lock-ls-stale.json'), watchers: watchersFrom('status-after-crash.json') });

  it.each(NOVA_STATES)('keeps a live writer alive when $name', ({ input }) => {
    const report = analyseLocks(snapshotOf({ ...input, disks: [liveDisk()] }));
    expect(verdicts(report)).toEqual(['alive']);
    expect(report.disks[0]?.locks[0]?.evidence).toEqual(['watcher 127.0.0.1:0/340810806 holds the lock (cookie 140634274927808)']);
    expect(report.verdict).toBe('alive');
    expect(buildFixPlan(report)).toEqual([]);
  });

  it.each(NOVA_STATES)('keeps a just-crashed owner alive until its watch expires when $name', ({ input }) => {
    const report = analyseLocks(snapshotOf({ ...input, disks: [justCrashed()] }));
    expect(verdicts(report)).toEqual(['alive']);
    expect(buildFixPlan(report)).toEqual([]);
  });

  it('keeps a lock alive when a watcher has its address with another cookie, and says why', () => {
    const lock = locksFrom('lock-ls-live.json');
    const sameClientOtherWatch = mustWatcher({ address: '127.0.0.1:0/340810806', client: '14188', cookie: '140634274999999' });
    const report = analyseLocks(snapshotOf({ service: killedCompute2(), disks: [{ locks: lock, watchers: [sameClientOtherWatch] }] }));
    expect(verdicts(report)).toEqual(['alive']);
    expect(report.disks[0]?.locks[0]?.evidence).toEqual([
      'watcher 127.0.0.1:0/340810806 has the lock\'s address with cookie 140634274999999, not the lock\'s handle 140634274927808: ' +
        'the owner client is still connected, so the lock is treated as alive',
    ]);
  });

  it('keeps a lock alive when its owner client watches another disk of the instance', () => {
    const volume: DiskInput = {
      image: specOf('volumes', 'volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f'), role: 'volume',
      locks: [], watchers: [mustWatcher({ address: '127.0.0.1:0/340810806', client: '14188', cookie: '7' })],
    };
    const report = analyseLocks(snapshotOf({
      service: killedCompute2(),
      disks: [{ locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: [] }, volume],
    }));
    expect(verdicts(report)).toEqual(['alive']);
    expect(report.disks[0]?.locks[0]?.evidence[0]).toBe(
      'watcher 127.0.0.1:0/340810806 on volumes/volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f is the lock owner\'s client: the owner is still connected',
    );
  });

  it('keeps a lock alive when a watcher has the owner IP and nonce on another port', () => {
    const otherPort = mustWatcher({ address: '127.0.0.1:6800/340810806', client: '14188', cookie: '140634274927808' });
    const report = analyseLocks(snapshotOf({ service: killedCompute2(), disks: [{ locks: locksFrom('lock-ls-live.json'), watchers: [otherPort] }] }));
    expect(verdicts(report)).toEqual(['alive']);
  });
});

describe('partial information never gives stale', () => {
  // Without the failure, each of these would be stale: compute-2 is down and a new client replaced the owner.
  const otherDisk = (v: Partial<DiskInput>): DiskInput => ({ image: diskSpec(defaultServer().id, '_disk.local'), locks: [], watchers: [], ...v });
  const blocklistTimeout = stderrLine('cluster-down-ceph-blocklist-ls-connect-timeout-5.txt.stderr');
  const lockLsEperm = stderrLine('caps-profile-rbd-lock-ls-pool-without-caps.txt.stderr');
  const statusTimeout = stderrLine('osd-down-rbd-lock-ls-op-timeout-5.txt.stderr');

  it('would be stale with full information (the control case)', () => {
    const report = analyseLocks(snapshotOf({ service: killedCompute2(), disks: [seedDisk()] }));
    expect(report.verdict).toBe('stale');
  });

  it.each([
    {
      name: 'the OSD blocklist could not be read',
      input: { blocklist: blocklistTimeout, disks: [seedDisk()] },
      first: `could not read the OSD blocklist: ${blocklistTimeout}; not removing anything on partial information`,
    },
    {
      name: "the compute service lookup failed (even with host_status UNKNOWN)",
      input: { server: serverFrom('server-show-on-killed-compute-2.mv2.93.json'), service: 'GET /os-services: timed out after 10 s', disks: [seedDisk()] },
      first: "could not look up compute-2's nova-compute service: GET /os-services: timed out after 10 s; not removing anything on partial information",
    },
    {
      name: "the disk's watchers could not be read",
      input: { disks: [{ ...seedDisk(), watchers: statusTimeout }] },
      first: `could not read the watchers of ${diskSpec(defaultServer().id)}: ${statusTimeout}; not removing anything on partial information`,
    },
    {
      name: "another disk's locks could not be read",
      input: { disks: [seedDisk(), otherDisk({ locks: lockLsEperm })] },
      first: `could not read the locks of ${diskSpec(defaultServer().id, '_disk.local')}: ${lockLsEperm}; not removing anything on partial information`,
    },
    {
      name: "another disk's watchers could not be read",
      input: { disks: [seedDisk(), otherDisk({ watchers: statusTimeout })] },
      first: `could not read the watchers of ${diskSpec(defaultServer().id, '_disk.local')}: ${statusTimeout}; not removing anything on partial information`,
    },
    {
      name: 'a pool could not be listed',
      input: { disks: [seedDisk()], discoveryErrors: [`rbd ls volumes: ${lockLsEperm}`] },
      first: `could not list every disk: rbd ls volumes: ${lockLsEperm}; not removing anything on partial information`,
    },
  ])('gives unknown, not stale, when $name', ({ input, first }) => {
    const report = analyseLocks(snapshotOf({ service: killedCompute2(), ...input }));
    expect(verdicts(report)).toEqual(['unknown']);
    expect(report.disks[0]?.locks[0]?.evidence[0]).toBe(first);
    expect(report.verdict).toBe('unknown');
    expect(report.evidence).toContain(first);
    expect(buildFixPlan(report)).toEqual([]);
  });

  it('reports an instance whose only disk could not be read as unknown, not unlocked', () => {
    const report = analyseLocks(snapshotOf({ disks: [{ locks: lockLsEperm, watchers: [] }] }));
    expect(report.verdict).toBe('unknown');
    expect(report.disks[0]?.error).toContain(`could not read the locks of ${diskSpec(defaultServer().id)}`);
  });
});

describe('an address with nonce 0 is never fenced', () => {
  it('leaves a lock held at IP:0/0 unknown with the reason, even when every corroboration holds', () => {
    const zero = mustLock({ id: 'auto 140634274927808', locker: 'client.14188', address: '127.0.0.1:0/0' });
    const report = analyseLocks(snapshotOf({
      service: killedCompute2(), server: { ...defaultServer(), status: 'SHUTOFF', vmState: 'stopped', powerState: 4 },
      disks: [{ locks: [zero], watchers: [] }],
    }));
    expect(verdicts(report)).toEqual(['unknown']);
    expect(report.disks[0]?.locks[0]?.evidence[0]).toBe(
      "the lock's address 127.0.0.1:0/0 has nonce 0: fencing it would blocklist every client of that IP (all the host's VMs); remove this lock by hand",
    );
    expect(report.verdict).toBe('unknown');
    expect(buildFixPlan(report)).toEqual([]);
  });
});
