// The bar's main scenario: compute-1 killed and kept down. Six servers on it whose disks' owners are dead, one whose
// writer still runs (its nova-compute is dead, the VM is not), one whose lock is not librbd's (unknown: act by hand).
// One batch request and one approval evacuate the six to compute-2 (ACTIVE there, each old owner fenced, each old
// lock gone, no reboot sent to compute-1); the live one and the unknown one are untouched (no blocklist entry, lock in
// place). Afterwards compute-1 is started again (its nova-compute then cleans up the guests it no longer owns).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { adminRun } from '../support/ceph-lab.js';
import { expiredDeadOwner, liveWriter, unlockedImage, type ExpiredOwnerScenario, type LiveWriterScenario } from '../support/ceph-scenarios.js';
import { USERS } from '../support/bot-process.js';
import { startCompute, stopCompute } from '../support/nova-lab.js';
import { batchApprovalOf, clickRequestBatch, waitForBatch, type BatchApproval } from './support/batch-slack.js';
import { bootServer, instanceActions, serverState, type LabServer } from './support/fix-lab.js';
import { click, textOf } from './support/fix-slack.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const DEAD = 6;

let suite: FixSuite;
let dead: LabServer[];
let live: LabServer;
let odd: LabServer;
let owners: ExpiredOwnerScenario[];
let writer: LiveWriterScenario;
let oddLock: { address: string; locker: string } | undefined;
let approval: BatchApproval;

async function hostOf(suiteLab: FixSuite['lab'], id: string): Promise<string | null> {
  const r = await suiteLab.admin.call('GET', `/servers/${id}`);
  return z.object({ server: z.object({ 'OS-EXT-SRV-ATTR:host': z.string().nullable() }) }).parse(r.json).server['OS-EXT-SRV-ATTR:host'];
}

beforeAll(async () => {
  suite = await startFixSuite();
  const servers = await Promise.all(Array.from({ length: DEAD + 2 }, (_, i) => bootServer(suite.lab, `vmlt-evac-${i}`, suite.booted, 'compute-1')));
  dead = servers.slice(0, DEAD);
  live = servers[DEAD] as LabServer;
  odd = servers[DEAD + 1] as LabServer;
  [owners, writer] = await Promise.all([
    Promise.all(dead.map((s) => expiredDeadOwner({ spec: s.spec, user: 'nova-old' }))),
    liveWriter({ spec: live.spec, user: 'nova' }),
  ]);
  // a lock that is not librbd's `auto <handle>`: vmlocks says unknown and never touches it
  await unlockedImage({ spec: odd.spec });
  await adminRun('rbd', ['lock', 'add', odd.spec, 'vmlt-manual']);
  const locks = await adminLocks(odd.spec);
  oddLock = { address: locks[0]?.address ?? '', locker: locks[0]?.locker ?? '' };
  await stopCompute(suite.lab, 'compute-1');
}, 600_000);
afterAll(async () => {
  // the manual lock first: `rbd rm` does not remove an image that still has it
  if (odd) await adminRun('rbd', ['lock', 'rm', odd.spec, 'vmlt-manual', oddLock?.locker ?? ''], { reject: false });
  await suite?.stop({ computes: true });
}, 600_000);

describe('compute-1 down: one batch evacuates its instances with dead owners', () => {
  it('requests the six dead-owner instances, leaves the live and the unknown ones out', async () => {
    const requested = await clickRequestBatch(suite, USERS.alice, 'compute-1');
    expect(requested.batchId, textOf(requested.answer.body)).not.toBeNull();
    approval = await batchApprovalOf(suite, requested.batchId ?? '');
    const batch = await suite.store.getBatch(approval.batchId);
    expect(batch?.items.map((i) => i.instanceId).sort()).toEqual(dead.map((s) => s.id).sort());
    expect(batch?.excluded.find((e) => e.instanceId === live.id)?.verdict).toBe('alive');
    expect(batch?.excluded.find((e) => e.instanceId === odd.id)?.verdict).toBe('unknown');
    expect(approval.confirmTitle).toBe(`Fix ${DEAD} instances on compute-1?`);
    // the plans restart by evacuation, never by a reboot into the dead host
    for (const item of batch?.items ?? []) expect(item.plan.map((s) => s.step)).not.toContain('reboot');
  });

  it('evacuates the six to compute-2 after fencing each old owner and removing each old lock; no reboot is sent to compute-1', async () => {
    await click(suite, { actionId: ACTION_IDS.approveBatch, value: approval.approveValue, user: USERS.bob, channel: approval.channel, messageTs: approval.ts });
    const done = await waitForBatch(suite.store, approval.batchId, ['finished', 'paused', 'interrupted'], 480_000);
    expect(done.state, JSON.stringify(done.items.map((i) => [i.instanceName, i.status, i.reason]))).toBe('finished');
    expect(done.items.map((i) => i.status)).toEqual(dead.map(() => 'done'));
    const blocklist = await adminBlocklist();
    for (const [k, s] of dead.entries()) {
      const owner = owners[k] as ExpiredOwnerScenario;
      expect(blocklist).toContain(owner.deadOwner.address);
      expect((await adminLocks(s.spec)).map((l) => l.address)).not.toContain(owner.deadOwner.address);
      expect(await hostOf(suite.lab, s.id)).toBe('compute-2');
      expect(await serverState(suite.lab, s.id)).toMatchObject({ status: 'ACTIVE' });
      const actions = (await instanceActions(suite.lab, s.id)).map((a) => a.action);
      expect(actions).toContain('evacuate');
      expect(actions).not.toContain('reboot');
    }
  });

  it('leaves the live writer and the unknown lock untouched: locks in place, owners not blocklisted, no action', async () => {
    const blocklist = await adminBlocklist();
    expect(await adminLocks(live.spec)).toEqual([expect.objectContaining({ address: writer.lock.address })]);
    expect(blocklist).not.toContain(writer.lock.address);
    expect((await adminLocks(odd.spec)).map((l) => l.id)).toEqual(['vmlt-manual']);
    expect(blocklist).not.toContain(oddLock?.address);
    for (const s of [live, odd]) {
      const actions = (await instanceActions(suite.lab, s.id)).map((a) => a.action);
      expect(actions).not.toContain('reboot');
      expect(actions).not.toContain('evacuate');
      expect(await hostOf(suite.lab, s.id)).toBe('compute-1');
    }
  });

  it('brings compute-1 back for the other tests', async () => {
    await startCompute(suite.lab, 'compute-1');
    expect((await suite.lab.admin.computeState('compute-1')).state).toBe('up');
  });
});
