// Corroboration 5: the lock owner's own compute host is down, although the instance now runs on another (up)
// host, as after an evacuation. The lab's computes share host_ip 127.0.0.1 (recorded); the cases that need
// distinct IPs change it per hypervisor, as a cloud whose computes have their own addresses would show it.
import { describe, expect, it } from 'vitest';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import { hypervisorsFrom, mustLock, mustWatcher, snapshotOf, type SnapshotInput } from './support/fixtures.js';
import { expiredWatchDisk, killedCompute2, onlyLock } from './support/scenarios.js';

const OWNER = '127.0.0.1:0/340810806';
const NO_WATCHER = `no watcher has address ${OWNER}`;
const RECORDED = 'os-hypervisors-detail.mv2.93.json';

/** vm-1 runs on compute-2 (up); its disk's dead owner came from 127.0.0.1. */
function evacuated(compute1: { hostIp: string; state: 'up' | 'down' }, rest: SnapshotInput = {}): SnapshotInput {
  return {
    hypervisors: hypervisorsFrom(RECORDED, { 'compute-1': compute1, 'compute-2': { hostIp: '127.0.0.2' } }),
    disks: [expiredWatchDisk()],
    ...rest,
  };
}

describe('analyseLocks: the owner\'s own compute host', () => {
  it('marks the lock stale when the owner IP is the host_ip of a compute host that is down in Nova', () => {
    const report = analyseLocks(snapshotOf(evacuated({ hostIp: '127.0.0.1', state: 'down' })));
    const lock = onlyLock(report);
    expect(lock.verdict).toBe('stale');
    expect(lock.corroborations).toEqual(['owner_host_down']);
    expect(lock.evidence).toEqual([NO_WATCHER, "the owner's IP 127.0.0.1 is the host_ip of compute-1, whose nova-compute is down"]);
    expect(report.verdict).toBe('stale');
  });

  it('stays unknown, saying so, when the owner\'s host is up', () => {
    const lock = onlyLock(analyseLocks(snapshotOf(evacuated({ hostIp: '127.0.0.1', state: 'up' }))));
    expect(lock.verdict).toBe('unknown');
    expect(lock.corroborations).toEqual([]);
    expect(lock.evidence[1]).toContain("the owner's IP 127.0.0.1 is compute-1's, which is up in Nova");
  });

  it('stays unknown when several compute hosts share the owner IP, naming them', () => {
    const hypervisors = hypervisorsFrom(RECORDED, { 'compute-1': { state: 'down' } }); // both 127.0.0.1, as recorded
    const lock = onlyLock(analyseLocks(snapshotOf({ hypervisors, disks: [expiredWatchDisk()] })));
    expect(lock.verdict).toBe('unknown');
    expect(lock.evidence[1]).toContain("host_ip 127.0.0.1 is shared by compute-1, compute-2: the owner's host cannot be told");
  });

  it('stays unknown when no compute host has the owner IP (a storage network apart from Nova\'s my_ip)', () => {
    const lock = onlyLock(analyseLocks(snapshotOf(evacuated({ hostIp: '10.0.0.11', state: 'down' }))));
    expect(lock.verdict).toBe('unknown');
    expect(lock.evidence[1]).toContain('no compute host has host_ip 127.0.0.1');
  });

  it('adds nothing when the owner\'s host is the instance\'s own host: rule 2 already speaks for it', () => {
    const hypervisors = hypervisorsFrom(RECORDED, { 'compute-1': { hostIp: '127.0.0.9' }, 'compute-2': { state: 'down' } });
    const lock = onlyLock(analyseLocks(snapshotOf({ service: killedCompute2(), hypervisors, disks: [expiredWatchDisk()] })));
    expect(lock.verdict).toBe('stale');
    expect(lock.corroborations).toEqual(['host_down']);
  });

  it('treats a failed hypervisor listing as a missing fact, not as a failure that forbids other corroborations', () => {
    const failed = 'Nova answered 503 on /os-hypervisors/detail';
    const alone = onlyLock(analyseLocks(snapshotOf({ hypervisors: failed, disks: [expiredWatchDisk()] })));
    expect(alone.verdict).toBe('unknown');
    expect(alone.evidence[1]).toContain(`could not list the hypervisors (${failed})`);
    const withHostDown = onlyLock(analyseLocks(snapshotOf({ hypervisors: failed, service: killedCompute2(), disks: [expiredWatchDisk()] })));
    expect(withHostDown.verdict).toBe('stale');
    expect(withHostDown.corroborations).toEqual(['host_down']);
  });

  it('never outranks a watcher of the owner: the lock stays alive whatever Nova says of its host', () => {
    const live = mustWatcher({ address: OWNER, client: '4235', cookie: '139771353454720' });
    const lock = mustLock({ id: 'auto 139771353454720', locker: 'client.4235', address: OWNER });
    const report = analyseLocks(snapshotOf(evacuated({ hostIp: '127.0.0.1', state: 'down' }, { disks: [{ locks: [lock], watchers: [live] }] })));
    expect(onlyLock(report).verdict).toBe('alive');
    expect(report.verdict).toBe('alive');
  });

  it('needs every hypervisor of the owner\'s host down (a host with several hypervisors)', () => {
    const hypervisors = [
      ...hypervisorsFrom(RECORDED, { 'compute-1': { hostIp: '127.0.0.1', state: 'down' }, 'compute-2': { hostIp: '127.0.0.2' } }),
      { hypervisorHostname: 'compute-1-node-b', host: 'compute-1', hostIp: '127.0.0.1', state: 'up' as const },
    ];
    const lock = onlyLock(analyseLocks(snapshotOf({ hypervisors, disks: [expiredWatchDisk()] })));
    expect(lock.verdict).toBe('unknown');
  });

  it('matches an IPv6 owner address to a host_ip written without brackets', () => {
    const v6 = 'fd00:10::7';
    const owner = `[${v6}]:0/2318786000`;
    const hypervisors = hypervisorsFrom(RECORDED, { 'compute-1': { hostIp: v6, state: 'down' }, 'compute-2': { hostIp: 'fd00:10::8' } });
    const disk = { locks: [mustLock({ id: 'auto 94541455753216', locker: 'client.247662578', address: owner })], watchers: [] };
    const lock = onlyLock(analyseLocks(snapshotOf({ hypervisors, disks: [disk] })));
    expect(lock.verdict).toBe('stale');
    expect(lock.evidence).toContain(`the owner's IP ${v6} is the host_ip of compute-1, whose nova-compute is down`);
  });
});
