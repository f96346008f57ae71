// Approve clicked before the approval message's channel/ts is stored (issue 10, item 3): Slack shows the message
// (and its buttons) before its answer to chat.postMessage reaches vmlocks. The run must still leave the final state
// on that message.
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, createHarness, staleInstance } from './support/fix-harness.js';

describe('an approval clicked before the message reference is stored', () => {
  it('puts the final state on the approval message once its reference is known', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const held = h.notifier.holdApprovalAnswer();
    const requesting = h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
    await held.posted;
    const pending = await h.store.findOpen(vm.id);
    if (!pending) throw new Error('no pending request');
    expect(pending.approvalMessage).toBeNull();

    // Bob clicks Approve on the visible message; the run goes to its end before Slack's answer arrives
    const decided = await h.workflow.decide({ requestId: pending.id, userId: BOB, decision: 'approve' });
    expect(decided.ok).toBe(true);
    await h.workflow.idle();
    expect((await h.store.get(pending.id))?.state).toBe('succeeded');

    held.release();
    const requested = await requesting;
    expect(requested.ok).toBe(true);
    const last = h.notifier.lastDelivered();
    expect(last?.ref).toEqual((await h.store.get(pending.id))?.approvalMessage);
    expect(last).toMatchObject({ state: 'succeeded' });
    expect(last?.outcome).toContain('unlocked');
    expect(last?.steps.map((s) => s.step)).toContain('confirm');
  });

  it('sends updates with the reference stored when they are sent, not the one the run started with', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const held = h.notifier.holdApprovalAnswer();
    const requesting = h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
    await held.posted;
    const pending = await h.store.findOpen(vm.id);
    if (!pending) throw new Error('no pending request');
    // the answer arrives while the run is at its first step
    h.ceph.before('addToBlocklist', async () => {
      held.release();
      await requesting;
    });
    await h.workflow.decide({ requestId: pending.id, userId: BOB, decision: 'approve' });
    await h.workflow.idle();

    const ref = (await h.store.get(pending.id))?.approvalMessage;
    expect(ref).not.toBeNull();
    const afterFence = h.notifier.updates.slice(h.notifier.updates.findIndex((u) => u.steps.some((s) => s.step === 'fence')));
    expect(afterFence.length).toBeGreaterThan(0);
    expect(afterFence.every((u) => u.ref !== null)).toBe(true);
    expect(h.notifier.updates.at(-1)).toMatchObject({ ref, state: 'succeeded' });
  });
});
