import { describe, expect, it } from 'vitest';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import type { InstanceReport, LockAssessment } from '../../src/core/report.js';
import type { NovaInstanceView } from '../../src/core/snapshot.js';
import {
  blocklistFrom, defaultServer, diskSpec, infoFrom, locksFrom, serverFrom, serviceFrom, snapshotOf, specOf, stderrLine,
  watchersFrom, mustAddr, mustLock, mustWatcher, type DiskInput,
} from './support/fixtures.js';

const OWNER = '127.0.0.1:0/340810806';
const NO_WATCHER = `no watcher has address ${OWNER}`;

/** The recorded dead owner after its watch expired: the lock is still there, nobody watches the image. */
function expiredWatchDisk(): DiskInput {
  return { locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: watchersFrom('status-after-watch-timeout.json') };
}

function onlyLock(report: InstanceReport): LockAssessment {
  const locks = report.disks.flatMap((d) => d.locks);
  expect(locks).toHaveLength(1);
  const [lock] = locks;
  if (lock === undefined) throw new Error('no lock');
  return lock;
}

const shutOff = (s: NovaInstanceView): NovaInstanceView => ({ ...s, status: 'SHUTOFF', vmState: 'stopped', powerState: 4 });
const killedCompute2 = () => serviceFrom('os-services-nova-compute-compute-2-process-killed.mv2.93.json', 'compute-2');

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
      input: {
        server: serverFrom('servers-detail-all_tenants-host-compute-1-after-force-down.mv2.93.json', 'vm-2'),
        service: serviceFrom('os-services-nova-compute-after-force-down.mv2.93.json', 'compute-1'),
        disks: [expiredWatchDisk()],
      },
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
      input: {
        server: serverFrom('servers-detail-all_tenants-host-compute-1-after-force-down.mv2.93.json', 'vm-2'),
        service: serviceFrom('os-services-nova-compute.mv2.93.json', 'compute-1'),
        disks: [expiredWatchDisk()],
      },
      corroborations: ['host_down'],
      evidence: [NO_WATCHER, 'host_status is DOWN'],
    },
    {
      name: 'a new client from the owner IP watches the image (the seed case)',
      input: { disks: [{ locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: watchersFrom('qemu-holder-status.json') }] },
      corroborations: ['replaced_by_new_client'],
      evidence: [NO_WATCHER, 'watcher 127.0.0.1:0/1462766980 on the same host (new client)'],
    },
    {
      name: 'no watcher at all and Nova says the instance is shut off',
      input: { server: shutOff(defaultServer()), disks: [expiredWatchDisk()] },
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
      server: shutOff(serverFrom('server-show-on-killed-compute-2.mv2.93.json')),
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
        'no new client from 127.0.0.1 watches the image, Nova says vm-1 is running); check again in a minute: ' +
        "a dead client's watch expires after osd_client_watch_timeout (30 s)",
    ]);
    expect(report.verdict).toBe('unknown');
  });

  it('does not apply the not-running rule while a client from another host watches the image', () => {
    const other = mustWatcher({ address: '10.0.0.7:0/4242', client: '99', cookie: '1' });
    const lock = onlyLock(analyseLocks(snapshotOf({
      server: shutOff(defaultServer()),
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

describe('analyseLocks: the instance verdict', () => {
  const live = (): DiskInput => ({ locks: locksFrom('lock-ls-live.json'), watchers: watchersFrom('status-live.json') });
  const idle = (): DiskInput => ({ locks: locksFrom('lock-ls-nolock.json'), watchers: watchersFrom('status-idle.json') });
  const volume = (v: Partial<DiskInput>): DiskInput => ({
    image: specOf('volumes', 'volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f'), role: 'volume', volumeId: '5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f',
    locks: [], watchers: [], ...v,
  });

  it('is unlocked when no disk has a lock', () => {
    const report = analyseLocks(snapshotOf({ disks: [idle()] }));
    expect(report.verdict).toBe('unlocked');
    expect(report.evidence[0]).toBe(`no lock on 1 disk: ${diskSpec(defaultServer().id)}`);
  });

  it('is unlocked, saying so, when no disk of the instance was found', () => {
    const report = analyseLocks(snapshotOf({ disks: [] }));
    expect(report.verdict).toBe('unlocked');
    expect(report.evidence[0]).toBe('no disk of vm-1 was found in the pools (no <uuid>_* image, no attached volume)');
  });

  it('is unknown when no disk was found but a pool could not be listed', () => {
    const report = analyseLocks(snapshotOf({ disks: [], discoveryErrors: ['rbd ls volumes: (1) Operation not permitted'] }));
    expect(report.verdict).toBe('unknown');
    expect(report.evidence).toContain('could not list every disk: rbd ls volumes: (1) Operation not permitted; not removing anything on partial information');
  });

  it('is alive when every lock has its owner watching', () => {
    const report = analyseLocks(snapshotOf({ disks: [live(), volume({ locks: locksFrom('volume-lock-ls-stale.json'), watchers: watchersFrom('volume-status-after-crash.json') })] }));
    expect(report.verdict).toBe('alive');
    expect(report.evidence[0]).toBe('every lock is held by a connected client (2 locks)');
  });

  it('is stale with one stale lock, leaving the alive lock of another disk alone', () => {
    const report = analyseLocks(snapshotOf({
      service: killedCompute2(),
      disks: [expiredWatchDisk(), volume({ locks: locksFrom('volume-lock-ls-stale.json'), watchers: watchersFrom('volume-status-after-crash.json') })],
    }));
    expect(report.verdict).toBe('stale');
    expect(report.disks.map((d) => d.locks.map((l) => l.verdict))).toEqual([['stale'], ['alive']]);
    expect(report.evidence.slice(0, 2)).toEqual([
      `1 stale lock: ${diskSpec(defaultServer().id)} held by client.14188 at ${OWNER}`,
      '1 alive lock left alone: volumes/volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f held by client.14492 at 127.0.0.1:0/3240338253',
    ]);
  });

  it('is unknown when one lock is stale and another cannot be judged', () => {
    const unjudged = volume({ locks: locksFrom('volume-lock-ls-stale.json'), watchers: [] });
    const report = analyseLocks(snapshotOf({
      blocklist: blocklistFrom('blocklist-ls-after-auto-break-by-object-map-check.txt'),
      disks: [expiredWatchDisk(), unjudged],
    }));
    expect(report.disks.map((d) => d.locks.map((l) => l.verdict))).toEqual([['stale'], ['unknown']]);
    expect(report.verdict).toBe('unknown');
  });

  it('reports an invalid object map on the disk and in the evidence', () => {
    const report = analyseLocks(snapshotOf({ service: killedCompute2(), disks: [{ ...expiredWatchDisk(), info: infoFrom('info-object-map-invalid.json') }] }));
    expect(report.disks[0]?.objectMapInvalid).toBe(true);
    expect(report.evidence).toContain(`the object map of ${diskSpec(defaultServer().id)} must be rebuilt (object map invalid, fast diff invalid)`);
  });

  it('keeps the verdict when only rbd info failed, and says the object map was not checked', () => {
    const error = stderrLine('info-image-missing.json.stderr');
    const report = analyseLocks(snapshotOf({ service: killedCompute2(), disks: [{ ...expiredWatchDisk(), info: error }] }));
    expect(report.verdict).toBe('stale');
    expect(report.disks[0]?.objectMapInvalid).toBe(false);
    expect(report.disks[0]?.error).toBe(`could not read the image info of ${diskSpec(defaultServer().id)}: ${error}; its object map was not checked`);
  });
});

describe('analyseLocks: host state and facts', () => {
  it.each([
    { name: 'up', input: {}, hostState: 'up', sentence: 'compute-2 nova-compute is up' },
    { name: 'down', input: { service: killedCompute2() }, hostState: 'down', sentence: 'compute-2 nova-compute is down since 23:46:39Z' },
    {
      name: 'forced_down',
      input: {
        server: serverFrom('servers-detail-all_tenants-host-compute-1-after-force-down.mv2.93.json', 'vm-2'),
        service: serviceFrom('os-services-nova-compute-after-force-down.mv2.93.json', 'compute-1'),
      },
      hostState: 'forced_down', sentence: 'compute-1 nova-compute is forced down',
    },
    { name: 'unknown without a host', input: { server: { ...defaultServer(), host: null }, service: null }, hostState: 'unknown', sentence: 'vm-1 has no compute host' },
    { name: 'unknown when Nova has no such service', input: { service: null }, hostState: 'unknown', sentence: 'Nova has no nova-compute service on compute-2' },
    {
      name: 'unknown when the lookup failed', input: { service: 'GET /os-services: 503 Service Unavailable' }, hostState: 'unknown',
      sentence: "could not look up compute-2's nova-compute service: GET /os-services: 503 Service Unavailable; not removing anything on partial information",
    },
  ])('gives host state $name', ({ input, hostState, sentence }) => {
    const report = analyseLocks(snapshotOf(input));
    expect(report.instance.hostState).toBe(hostState);
    expect(report.evidence).toContain(sentence);
  });

  it('shows the date of a heartbeat that is not from the observation day', () => {
    const report = analyseLocks(snapshotOf({ service: killedCompute2(), observedAt: '2026-11-25T08:00:00.000Z', disks: [expiredWatchDisk()] }));
    expect(onlyLock(report).evidence[1]).toBe('compute-2 nova-compute is down since 2026-11-24 23:46:39Z');
  });

  it('copies the instance facts into the summary', () => {
    const report = analyseLocks(snapshotOf({ disks: [] }));
    expect(report.instance).toMatchObject({
      id: '5fbe441f-0b86-48ed-a816-c0622607bef7', name: 'vm-1', status: 'ACTIVE', vmState: 'active', powerState: 1,
      taskState: null, host: 'compute-2', hostStatus: 'UP',
    });
    expect(report.observedAt).toBe('2026-11-24T23:47:10.000Z');
  });
});

