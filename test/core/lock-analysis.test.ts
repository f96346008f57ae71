import { describe, expect, it } from 'vitest';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import {
  blocklistFrom, defaultServer, locksFrom, mustAddr, mustLock, mustWatcher, serverFrom, serviceFrom, snapshotOf,
} from './support/fixtures.js';
import { expiredWatchDisk, forcedDownVm2, killedCompute2, onlyLock, seedDisk, shutOffVm1 } from './support/scenarios.js';

const OWNER = '127.0.0.1:0/340810806';
const NO_WATCHER = `no watcher has address ${OWNER}`;

describe('analyseLocks: one corroboration is enough for stale, and it is named', () => {
  it.each([
    {
      name: 'the owner address is in the OSD blocklist',
      input: { blocklist: blocklistFrom('blocklist-ls-after-auto-break-by-object-map-check.txt'), disks: [expiredWatchDisk()] },
      corroborations: ['blocklisted'],
      evidence: [NO_WATCHER, `${OWNER} is in the OSD blocklist until 2026-11-25 00:22:27Z`],
    },
    {
      name: 'Nova says the compute service is down',
      input: { service: killedCompute2(), disks: [expiredWatchDisk()] },
      corroborations: ['host_down'],
      evidence: [NO_WATCHER, 'compute-2 nova-compute is down since 23:46:39Z'],
    },
    {
      name: 'Nova says the compute service is forced down and host_status is DOWN',
      input: { ...forcedDownVm2(), disks: [expiredWatchDisk()] },
      corroborations: ['host_down'],
      evidence: [NO_WATCHER, 'compute-1 nova-compute is forced down', 'host_status is DOWN'],
    },
    {
      name: 'host_status is UNKNOWN',
      input: { server: serverFrom('server-show-on-killed-compute-2.mv2.93.json'), disks: [expiredWatchDisk()] },
      corroborations: ['host_down'],
      evidence: [NO_WATCHER, 'host_status is UNKNOWN'],
    },
    {
      name: 'host_status is DOWN while the service still looks up',
      input: { server: forcedDownVm2().server, service: serviceFrom('os-services-nova-compute.mv2.93.json', 'compute-1'), disks: [expiredWatchDisk()] },
      corroborations: ['host_down'],
      evidence: [NO_WATCHER, 'host_status is DOWN'],
    },
    {
      name: 'a new client from the owner IP watches the image (the seed case)',
      input: { disks: [seedDisk()] },
      corroborations: ['replaced_by_new_client'],
      evidence: [NO_WATCHER, 'watcher 127.0.0.1:0/1462766980 on the same host (new client)', expect.stringMatching(/^the new client 127\.0\.0\.1:0\/1462766980 could not break the dead owner's lock itself/), expect.stringMatching(/^to prevent the next incident: ceph auth caps/)],
    },
    {
      name: 'no watcher at all and Nova says the instance is shut off',
      input: { server: shutOffVm1(), disks: [expiredWatchDisk()] },
      corroborations: ['no_watcher_not_running'],
      evidence: [NO_WATCHER, 'the image has no watcher and Nova says vm-1 is not running (power state SHUTDOWN, vm_state stopped)'],
    },
    {
      name: 'no watcher at all and Nova says the instance is in error',
      input: { server: { ...defaultServer(), status: 'ERROR', vmState: 'error' }, disks: [expiredWatchDisk()] },
      corroborations: ['no_watcher_not_running'],
      evidence: [NO_WATCHER, 'the image has no watcher and Nova says vm-1 is not running (power state RUNNING, vm_state error)'],
    },
    {
      name: 'no watcher at all and the power state is CRASHED',
      input: { server: { ...defaultServer(), powerState: 6 }, disks: [expiredWatchDisk()] },
      corroborations: ['no_watcher_not_running'],
      evidence: [NO_WATCHER, 'the image has no watcher and Nova says vm-1 is not running (power state CRASHED, vm_state active)'],
    },
  ])('marks the lock stale when $name', ({ input, corroborations, evidence }) => {
    const report = analyseLocks(snapshotOf(input));
    const lock = onlyLock(report);
    expect(lock.verdict).toBe('stale');
    expect(lock.corroborations).toEqual(corroborations);
    expect(lock.evidence).toEqual(evidence);
    expect(report.verdict).toBe('stale');
  });

  it('names every corroboration when several hold', () => {
    const report = analyseLocks(snapshotOf({
      server: { ...serverFrom('server-show-on-killed-compute-2.mv2.93.json'), status: 'SHUTOFF', vmState: 'stopped', powerState: 4 },
      service: killedCompute2(),
      blocklist: blocklistFrom('blocklist-ls-after-auto-break-by-object-map-check.txt'),
      disks: [expiredWatchDisk()],
    }));
    const lock = onlyLock(report);
    expect(lock.corroborations).toEqual(['blocklisted', 'host_down', 'no_watcher_not_running']);
    expect(lock.isBlocklisted).toBe(true);
    expect(lock.evidence[0]).toBe(NO_WATCHER);
    expect(lock.evidence).toContain('compute-2 nova-compute is down since 23:46:39Z');
    expect(lock.evidence).toContain('host_status is UNKNOWN');
  });

  it('tells the seed case in its own words: the owner 10.240.201.139:0/2318786000 replaced by a new client', () => {
    const seedLock = { id: 'auto 94541455753216', locker: 'client.247662578', address: '10.240.201.139:0/2318786000' };
    const newClient = { address: '10.240.201.139:0/99120', client: '248021391', cookie: '93872108527616' };
    const report = analyseLocks(snapshotOf({
      disks: [{ locks: [mustLock(seedLock)], watchers: [mustWatcher(newClient)] }],
    }));
    expect(onlyLock(report).evidence).toEqual([
      'no watcher has address 10.240.201.139:0/2318786000',
      'watcher 10.240.201.139:0/99120 on the same host (new client)',
      'the new client 10.240.201.139:0/99120 could not break the dead owner\'s lock itself: librbd breaks it only after blocklisting ' +
      'the owner, so that client\'s CephX user most likely lacks the "osd blocklist" mon capability (old guides gave mon \'allow r\')',
      "to prevent the next incident: ceph auth caps client.<nova or cinder user> mon 'profile rbd' osd 'profile rbd pool=vms' " +
      '(the rbd_user of nova.conf or cinder.conf: client.248021391 in rbd status is a session id, not the user; the command ' +
      'replaces every cap, so keep the user\'s other pools)',
    ]);
  });

  it('counts an IP:0/0 blocklist entry as fencing the owner, as Ceph does', () => {
    const entry = { address: mustAddr('127.0.0.1:0/0'), until: '2026-11-25T00:22:27.225614+0000' };
    const lock = onlyLock(analyseLocks(snapshotOf({ blocklist: [entry], disks: [expiredWatchDisk()] })));
    expect(lock.verdict).toBe('stale');
    expect(lock.evidence[1]).toBe(`127.0.0.1:0/0 is in the OSD blocklist until 2026-11-25 00:22:27Z: every client of that IP, ${OWNER} included, is fenced`);
  });

  it('does not count another client of the same host in the blocklist as the owner', () => {
    const lock = onlyLock(analyseLocks(snapshotOf({ blocklist: blocklistFrom('blocklist-ls-two-entries.txt'), disks: [expiredWatchDisk()] })));
    expect(lock.verdict).toBe('unknown');
    expect(lock.isBlocklisted).toBe(false);
  });
});

describe('analyseLocks: unknown when nothing corroborates', () => {
  it('calls a lock without watcher unknown while Nova says the instance runs on an up host', () => {
    const report = analyseLocks(snapshotOf({ disks: [expiredWatchDisk()] }));
    const lock = onlyLock(report);
    expect(lock.verdict).toBe('unknown');
    expect(lock.corroborations).toEqual([]);
    expect(lock.evidence).toEqual([
      NO_WATCHER,
      'nothing corroborates that the owner is dead (not in the OSD blocklist, compute-2 nova-compute is up, ' +
        'host_ip 127.0.0.1 is shared by compute-1, compute-2: the owner\'s host cannot be told, ' +
        'no new client from 127.0.0.1 watches the image, Nova says vm-1 is running); check again in a minute: ' +
        "a dead client's watch expires after osd_client_watch_timeout (30 s)",
    ]);
    expect(report.verdict).toBe('unknown');
  });

  it('does not apply the not-running rule while a client from another host watches the image', () => {
    const other = mustWatcher({ address: '10.0.0.7:0/4242', client: '99', cookie: '1' });
    const lock = onlyLock(analyseLocks(snapshotOf({
      server: shutOffVm1(),
      disks: [{ locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: [other] }],
    })));
    expect(lock.verdict).toBe('unknown');
    expect(lock.evidence[1]).toContain('other clients watch the image');
  });

  it('leaves a lock that is not a librbd exclusive lock to a person', () => {
    const manual = mustLock({ id: 'backup-in-progress', locker: 'client.14188', address: OWNER });
    const lock = onlyLock(analyseLocks(snapshotOf({ service: killedCompute2(), disks: [{ locks: [manual], watchers: [] }] })));
    expect(lock.verdict).toBe('unknown');
    expect(lock.evidence[0]).toBe('lock "backup-in-progress" is not a librbd exclusive lock (auto <handle>): someone or some tool took it on purpose; remove it by hand');
  });
});
