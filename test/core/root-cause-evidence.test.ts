// The root cause in the evidence (DESIGN.md §1, issue 9 item 4): when a new client on the owner's host watches the
// image but the dead owner's lock is still there, that client could not blocklist the owner.
import { describe, expect, it } from 'vitest';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import { parsePoolName } from '../../src/core/ids.js';
import { must, snapshotOf, specOf } from './support/fixtures.js';
import { expiredWatchDisk, killedCompute2, liveDisk, onlyLock, seedDisk, upCompute2 } from './support/scenarios.js';

const pool = (name: string) => must(parsePoolName(name));
const CAUSE = /could not break the dead owner's lock itself: librbd breaks it only after blocklisting the owner, so that client's CephX user most likely lacks the "osd blocklist" mon capability/;

describe('the root-cause sentence', () => {
  it('follows the new-client corroboration with the caps command for the configured pools, and a placeholder user', () => {
    const r = analyseLocks({ ...snapshotOf({ service: upCompute2(), disks: [seedDisk()] }), pools: { nova: pool('vms'), cinder: [pool('volumes'), pool('volumes-ssd')] } });
    const lock = onlyLock(r);
    expect(lock.verdict).toBe('stale');
    const i = lock.evidence.indexOf('watcher 127.0.0.1:0/1462766980 on the same host (new client)');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(lock.evidence[i + 1]).toMatch(CAUSE);
    expect(lock.evidence[i + 2]).toContain("ceph auth caps client.<nova or cinder user> mon 'profile rbd' osd 'profile rbd pool=vms, profile rbd pool=volumes, profile rbd pool=volumes-ssd'");
    expect(lock.evidence[i + 2]).toContain('client.15359 in rbd status is a session id, not the user');
    // each within the 400 characters a Slack report shows of one fact (disk-section.ts)
    expect(Math.max(...lock.evidence.map((e) => e.length))).toBeLessThan(400);
  });

  it('names the pools of the instance\'s disks when the configuration is not known', () => {
    const volume = { ...expiredWatchDisk(), image: specOf('volumes', 'volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f'), role: 'volume' as const };
    const lock = analyseLocks(snapshotOf({ service: upCompute2(), disks: [seedDisk(), volume] })).disks[0]?.locks[0];
    expect(lock?.evidence.join('\n')).toContain("osd 'profile rbd pool=vms, profile rbd pool=volumes'");
  });

  it.each([
    { name: 'an expired owner with nobody watching', disks: [expiredWatchDisk()], service: killedCompute2() },
    { name: 'a live owner', disks: [liveDisk()], service: upCompute2() },
  ])('is not said for $name', ({ disks, service }) => {
    const r = analyseLocks(snapshotOf({ service, disks }));
    expect(r.disks.flatMap((d) => d.locks.flatMap((l) => l.evidence)).join('\n')).not.toMatch(/ceph auth caps|osd blocklist" mon capability/);
  });
});
