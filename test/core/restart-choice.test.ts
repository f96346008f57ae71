// The restart of a fix (DESIGN.md §4 step 5) chosen from Nova's view of the instance's host, over recorded
// snapshots: reboot into a live host, evacuate from a dead one, nothing when it is unknown or unsafe.
import { describe, expect, it } from 'vitest';
import { buildFixPlan } from '../../src/core/fix-plan.js';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import type { InstanceReport } from '../../src/core/report.js';
import { chooseRestart } from '../../src/core/restart-choice.js';
import {
  blocklistFrom, defaultServer, locksFrom, snapshotOf, specOf, watchersFrom, type DiskInput, type SnapshotInput,
} from './support/fixtures.js';
import { expiredWatchDisk, forcedDownVm2, killedCompute2, seedDisk, shutOffVm1, upCompute2 } from './support/scenarios.js';

const ID = '5fbe441f-0b86-48ed-a816-c0622607bef7';
const liveVolume = (): DiskInput => ({
  image: specOf('volumes', 'volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f'), role: 'volume',
  locks: locksFrom('volume-lock-ls-stale.json'), watchers: watchersFrom('volume-status-after-crash.json'),
});
const stuckInHardReboot = () => ({ ...defaultServer(), status: 'HARD_REBOOT', taskState: 'rebooting_hard' });

function report(input: SnapshotInput): InstanceReport {
  return analyseLocks(snapshotOf(input));
}

const steps = (r: InstanceReport) => buildFixPlan(r).map((s) => s.step);

describe('chooseRestart and the plan', () => {
  it.each([
    { name: 'the host came back (the seed): hard reboot', input: { service: upCompute2(), disks: [seedDisk()] }, kind: 'reboot', plan: ['reinspect', 'fence', 'break', 'reboot', 'wait', 'confirm'] },
    { name: 'nova-compute down: evacuate', input: { service: killedCompute2(), disks: [expiredWatchDisk()] }, kind: 'evacuate', plan: ['reinspect', 'fence', 'break', 'evacuate', 'wait', 'confirm'] },
    { name: 'forced down: evacuate', input: { ...forcedDownVm2(), disks: [expiredWatchDisk()] }, kind: 'evacuate', plan: ['reinspect', 'fence', 'break', 'evacuate', 'wait', 'confirm'] },
    { name: 'stuck in HARD_REBOOT on a dead host: evacuate (Nova decides; an older one answers 409)', input: { server: stuckInHardReboot(), service: killedCompute2(), disks: [expiredWatchDisk()] }, kind: 'evacuate', plan: ['reinspect', 'fence', 'break', 'evacuate', 'wait', 'confirm'] },
    { name: 'SHUTOFF on a dead host: evacuate (it stays stopped)', input: { server: shutOffVm1(), service: killedCompute2(), disks: [expiredWatchDisk()] }, kind: 'evacuate', plan: ['reinspect', 'fence', 'break', 'evacuate', 'wait', 'confirm'] },
    { name: 'already fenced, host down: evacuate without fencing again', input: { service: killedCompute2(), blocklist: blocklistFrom('blocklist-ls-after-auto-break-by-object-map-check.txt'), disks: [expiredWatchDisk()] }, kind: 'evacuate', plan: ['reinspect', 'break', 'evacuate', 'wait', 'confirm'] },
    { name: 'host down but a new client still watches the disk: nothing', input: { service: killedCompute2(), disks: [seedDisk()] }, kind: 'none', plan: ['reinspect', 'fence', 'break', 'confirm'] },
    { name: 'host down, a stale root disk and a live volume (mixed): nothing', input: { service: killedCompute2(), disks: [expiredWatchDisk(), liveVolume()] }, kind: 'none', plan: ['reinspect', 'fence', 'break', 'confirm'] },
    { name: 'host down, instance paused: nothing', input: { server: { ...defaultServer(), status: 'PAUSED', vmState: 'paused', powerState: 3 }, service: killedCompute2(), disks: [expiredWatchDisk()] }, kind: 'none', plan: ['reinspect', 'fence', 'break', 'confirm'] },
    { name: 'no compute service known for the host (unknown): nothing', input: { server: shutOffVm1(), service: null, disks: [expiredWatchDisk()] }, kind: 'none', plan: ['reinspect', 'fence', 'break', 'confirm'] },
  ])('$name', ({ input, kind, plan }) => {
    const r = report(input);
    expect(r.verdict).toBe('stale');
    expect(chooseRestart(r).kind).toBe(kind);
    expect(steps(r)).toEqual(plan);
  });

  it('evacuates with {"evacuate":{}} (no host, force or onSharedStorage) after every fence and break, then follows the migration record', () => {
    const plan = buildFixPlan(report({ service: killedCompute2(), disks: [expiredWatchDisk()] }));
    const evacuate = plan.findIndex((s) => s.step === 'evacuate');
    const lastChange = Math.max(...plan.map((s, i) => (s.step === 'fence' || s.step === 'break' || s.step === 'repair' ? i : -1)));
    expect(lastChange).toBeGreaterThan(0);
    expect(lastChange).toBeLessThan(evacuate);
    expect(plan.slice(evacuate, evacuate + 2)).toEqual([
      {
        step: 'evacuate', instanceId: ID, sourceHost: 'compute-2',
        description: 'Evacuate vm-1 from compute-2, whose nova-compute is down (the scheduler picks the new host), after every lock of its disks is fenced and removed. vmlocks checks the host again right before.',
        request: { method: 'POST', path: `/servers/${ID}/action`, body: { evacuate: {} } },
      },
      {
        step: 'wait', instanceId: ID,
        description: "Wait until Nova's evacuation record of vm-1 is done and vm-1 is ACTIVE on a host other than compute-2.",
        request: { method: 'GET', path: `/os-migrations?instance_uuid=${ID}&migration_type=evacuation` },
      },
    ]);
  });

  it('never plans a reboot into a dead host', () => {
    for (const input of [{ service: killedCompute2() }, forcedDownVm2(), { service: killedCompute2(), server: stuckInHardReboot() }]) {
      for (const disks of [[expiredWatchDisk()], [seedDisk()], [expiredWatchDisk(), liveVolume()]]) {
        expect(steps(report({ ...input, disks }))).not.toContain('reboot');
      }
    }
  });

  it('says in the confirm step why there is no restart and what to do', () => {
    const unknown = buildFixPlan(report({ server: shutOffVm1(), service: null, disks: [expiredWatchDisk()] })).at(-1);
    expect(unknown?.description).toMatch(/No restart: Nova's view of compute-2 is unknown.*openstack compute service list --service nova-compute --host compute-2/);
    const watched = buildFixPlan(report({ service: killedCompute2(), disks: [seedDisk()] })).at(-1);
    expect(watched?.description).toMatch(/No restart: compute-2 is down in Nova, but client\.15359 at 127\.0\.0\.1:0\/1462766980 still watches vms\/.*_disk: .*second copy.*power it off/);
  });

  it('chooses nothing for a host whose state is unknown, even with a clean report', () => {
    const r = report({ service: upCompute2(), disks: [seedDisk()] });
    const unknownHost: InstanceReport = { ...r, instance: { ...r.instance, hostState: 'unknown' } };
    expect(chooseRestart(unknownHost)).toMatchObject({ kind: 'none', reason: expect.stringMatching(/neither reboots vm-1.*nor evacuates it/) });
  });

  it('chooses nothing for an instance without a host', () => {
    const r = report({ service: upCompute2(), disks: [seedDisk()] });
    expect(chooseRestart({ ...r, instance: { ...r.instance, host: null } })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/has no compute host/) });
  });
});
