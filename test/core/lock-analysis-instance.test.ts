import { describe, expect, it } from 'vitest';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import {
  blocklistFrom, defaultServer, diskSpec, infoFrom, locksFrom, snapshotOf, specOf, stderrLine, watchersFrom, type DiskInput,
} from './support/fixtures.js';
import { expiredWatchDisk, forcedDownVm2, killedCompute2, onlyLock } from './support/scenarios.js';

const OWNER = '127.0.0.1:0/340810806';

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
      input: forcedDownVm2(),
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

