// The fence and the lock removal (issue 10, items 2 and 4): the blocklist entry's expiry is the plan's, shown in its
// argv and the audit; an old re-inspection is made again before fencing; the lock is read again right before
// `rbd lock rm`, and a lock whose owner came back is never removed.
import { plainSentence } from '../../src/core/sentence.js';
import { describe, expect, it } from 'vitest';
import { buildFixPlan } from '../../src/core/fix-plan.js';
import { createHarness, requestAndApprove, staleInstance, stepDetail } from './support/fix-harness.js';

const SEVEN_DAYS = 7 * 24 * 3600;

describe('the fence expiry', () => {
  it('fences with the expiry of the plan (7 days by default), in the plan argv, the command and the audit', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const end = await requestAndApprove(h, vm.id);

    expect(end.state).toBe('succeeded');
    const fence = end.plan.find((s) => s.step === 'fence');
    expect(fence && 'argv' in fence ? fence.argv : null).toEqual(['ceph', 'osd', 'blocklist', 'add', vm.deadLock.address, String(SEVEN_DAYS)]);
    expect(h.ceph.mutations()).toContain(`blocklist add ${vm.deadLock.address} ${SEVEN_DAYS}`);
    const audited = h.store.audit.find((e) => e.command?.argv.includes('blocklist'));
    expect(audited?.command?.argv.slice(-2)).toEqual([vm.deadLock.address, String(SEVEN_DAYS)]);
    const entry = h.ceph.blocklist.find((e) => e.address === vm.deadLock.address);
    expect(Date.parse(entry?.until ?? '') - h.clock.now().getTime()).toBe(SEVEN_DAYS * 1000);
  });

  it('uses the configured expiry (VMLOCKS_FENCE_EXPIRY) in the plan and the run', async () => {
    const h = createHarness({ fenceExpiryMs: 2 * 3600_000 });
    const vm = staleInstance(h);
    const end = await requestAndApprove(h, vm.id);
    const fence = end.plan.find((s) => s.step === 'fence');
    expect(fence && 'argv' in fence ? fence.argv.at(-1) : null).toBe('7200');
    expect(h.ceph.mutations()).toContain(`blocklist add ${vm.deadLock.address} 7200`);
  });

  it('builds the fence argv with the expiry given to buildFixPlan', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const report = await h.deps.inspectById(vm.id);
    if (!report) throw new Error('no report');
    const plan = buildFixPlan(report, { fenceExpirySeconds: 90 });
    expect(plan.find((s) => s.step === 'fence')).toMatchObject({ argv: ['ceph', 'osd', 'blocklist', 'add', vm.deadLock.address, '90'], expirySeconds: 90 });
  });
});

describe('the gap between re-inspection and fencing', () => {
  it('inspects again before fencing when the re-inspection is older than the bound', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const requested = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: 'U0ALICE001', origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    const before = h.inspections();
    // the re-inspection's answer waited 40 s in the queue before fencing could start
    let once = true;
    h.afterInspect = () => { if (once) { once = false; h.clock.advance(40_000); } };
    await h.workflow.decide({ requestId: requested.value.id, userId: 'U0BOB00002', decision: 'approve' });
    await h.workflow.idle();

    expect((await h.store.get(requested.value.id))?.state).toBe('succeeded');
    // the re-inspection, the one again before fencing, and the restart's fresh look at the host (restart-step.ts)
    expect(h.inspections() - before).toBe(3);
    expect(stepDetail(h, requested.value.id, 'fence')).toContain('inspected again');
  });

  it('stops before fencing, changing nothing, when the second re-inspection finds the owner alive', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const requested = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: 'U0ALICE001', origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    let once = true;
    h.afterInspect = () => {
      if (!once) return;
      once = false;
      h.clock.advance(40_000);
      h.ceph.image(vm.root).watchers.push({ address: vm.deadLock.address, client: '4101', cookie: '140000000000001' });
    };
    await h.workflow.decide({ requestId: requested.value.id, userId: 'U0BOB00002', decision: 'approve' });
    await h.workflow.idle();

    const end = await h.store.get(requested.value.id);
    expect(end?.state).toBe('aborted');
    expect(end?.outcome).toContain('stopped before changing anything');
    expect(h.ceph.mutations()).toEqual([]);
  });

  it('reads the lock again right before rbd lock rm and does not remove it when its owner has a watcher again', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    // the owner reconnects between the fence and the removal
    h.ceph.before('addToBlocklist', () => {
      h.ceph.image(vm.root).watchers.push({ address: vm.deadLock.address, client: '4101', cookie: '140000000000001' });
    });
    const end = await requestAndApprove(h, vm.id);

    expect(end.state).toBe('failed');
    expect(end.lastStep).toBe('break');
    expect(h.ceph.mutations().filter((m) => m.startsWith('lock rm'))).toEqual([]);
    expect(h.ceph.image(vm.root).locks).toEqual([vm.deadLock]);
    expect(stepDetail(h, end.id, 'break')).toContain(`watcher ${vm.deadLock.address}`);
    expect(h.nova.reboots).toEqual([]);
  });

  it('does not remove a lock that changed owner address since the approval', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.ceph.before('addToBlocklist', () => {
      const img = h.ceph.image(vm.root);
      img.locks = [{ ...vm.deadLock, address: vm.deadLock.address.replace('/1111', '/3333') as typeof vm.deadLock.address }];
    });
    const end = await requestAndApprove(h, vm.id);
    expect(end.state).toBe('failed');
    expect(h.ceph.mutations().filter((m) => m.startsWith('lock rm'))).toEqual([]);
  });
});
