// A run interrupted after the locks were removed (issue 10, item 8): the verdict is now `unlocked`, so no fix is
// offered, yet the instance was never restarted. The remaining restart is offered as its own request, approved by a
// second person, and its run does only the restart and the confirmation.
import { describe, expect, it } from 'vitest';
import { isRestartOffered } from '../../src/core/restart-offer.js';
import { plainSentence } from '../../src/core/sentence.js';
import { reportInterruptedRuns } from '../../src/services/request-lifecycle.js';
import { ALICE, BOB, createHarness, staleInstance, stepsOf, type Harness } from './support/fix-harness.js';

/** A fix whose process died right after `rbd lock rm`: the lock is gone, nothing was rebooted. */
async function interruptedAfterBreak(h: Harness) {
  const vm = staleInstance(h);
  const requested = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
  if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
  const id = requested.value.id;
  // the process dies during the repair step: simulated by removing the lock as the run would, and leaving the
  // request `running` at step repair with no lease held (its runner is gone)
  h.ceph.image(vm.root).locks = [];
  await h.store.transition(id, ['pending'], 'running', { decidedBy: BOB, decidedAt: h.clock.now().toISOString(), lastStep: 'repair', runnerId: 'runner-gone' });
  h.clock.advance(120_000);
  const [interrupted] = await reportInterruptedRuns(h.deps);
  if (!interrupted) throw new Error('not reported interrupted');
  // the interrupted run guards the instance until an operator who checked its runner is gone clears it
  await h.store.clearInterrupted(interrupted.id, { by: 'U0OPER0001', reason: 'runner host is down', at: h.clock.now().toISOString() });
  return { vm, interrupted };
}

describe('the restart left undone by an interrupted run', () => {
  it('offers the restart, not a new fix, when the run was interrupted after the locks were removed', async () => {
    const h = createHarness();
    const { interrupted } = await interruptedAfterBreak(h);
    expect(interrupted.state).toBe('interrupted');
    expect(isRestartOffered(interrupted)).toBe(true);
    expect(interrupted.outcome).toContain('Request restart');
    expect(interrupted.outcome).not.toContain('request a new fix');
  });

  it('does not offer a restart when the run was interrupted before removing anything', () => {
    expect(isRestartOffered({ state: 'interrupted', lastStep: 'fence', plan: [{ step: 'break' } as never] })).toBe(false);
    expect(isRestartOffered({ state: 'failed', lastStep: 'wait', plan: [{ step: 'break' } as never] })).toBe(false);
  });

  it('asks a second person, then runs only the restart and the confirmation', async () => {
    const h = createHarness();
    const { vm, interrupted } = await interruptedAfterBreak(h);
    const mutationsBefore = h.ceph.mutations().length;

    const requested = await h.workflow.requestRestart({ requestId: interrupted.id, requestedBy: ALICE, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    const restart = requested.value;
    expect(restart).toMatchObject({ state: 'pending', instanceId: vm.id, approvalMessage: expect.anything() });
    // compute-1 is down: the interrupted plan evacuated, and so does its remaining restart
    expect(restart.plan.map((s) => s.step)).toEqual(['reinspect', 'evacuate', 'wait', 'confirm']);
    expect(h.notifier.posted.map((r) => r.id)).toContain(restart.id);

    const self = await h.workflow.decide({ requestId: restart.id, userId: ALICE, decision: 'approve' });
    expect(self).toMatchObject({ ok: false, error: { code: 'self_approval' } });
    expect(h.nova.evacuations).toEqual([]);

    await h.workflow.decide({ requestId: restart.id, userId: BOB, decision: 'approve' });
    await h.workflow.idle();
    const end = await h.store.get(restart.id);
    expect(end?.state).toBe('succeeded');
    expect(stepsOf(h, restart.id)).toEqual(['reinspect:ok', 'evacuate:ok', 'wait:ok', 'confirm:ok']);
    expect(h.nova.evacuations).toEqual([vm.id]);
    expect(h.nova.reboots).toEqual([]);
    expect(h.ceph.mutations().length).toBe(mutationsBefore);
  });

  it('refuses the restart when the disks are locked again', async () => {
    const h = createHarness();
    const { vm, interrupted } = await interruptedAfterBreak(h);
    h.ceph.image(vm.root).locks = [vm.deadLock];
    const refused = await h.workflow.requestRestart({ requestId: interrupted.id, requestedBy: ALICE, origin: null });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_restartable' } });
    expect([...h.nova.reboots, ...h.nova.evacuations]).toEqual([]);
  });

  it('stops before restarting when a lock came back between the request and the approval', async () => {
    const h = createHarness();
    const { vm, interrupted } = await interruptedAfterBreak(h);
    const requested = await h.workflow.requestRestart({ requestId: interrupted.id, requestedBy: ALICE, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    h.ceph.image(vm.root).locks = [vm.deadLock];
    await h.workflow.decide({ requestId: requested.value.id, userId: BOB, decision: 'approve' });
    await h.workflow.idle();
    expect((await h.store.get(requested.value.id))?.state).toBe('aborted');
    expect([...h.nova.reboots, ...h.nova.evacuations]).toEqual([]);
  });
});
