// Runs are held with leases (issue 14; issue 10 item 9): a runner that lost its lease sends no further command, and
// an interrupted run keeps its instance guarded until its runner records its end or an operator clears it.
import { describe, expect, it } from 'vitest';
import { plainSentence } from '../../src/core/sentence.js';
import { reportInterruptedRuns } from '../../src/services/request-lifecycle.js';
import { ALICE, BOB, createHarness, staleInstance } from './support/fix-harness.js';

const LEASE = { runnerId: 'runner-a', leaseMs: 30_000 };

describe('a run held with a lease', () => {
  it('sends no command once its lease lapsed: it stops before fencing and records its real end', async () => {
    const h = createHarness({ lease: LEASE });
    const vm = staleInstance(h);
    const requested = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    // the runner stalls (a long GC pause, a frozen container) right after its re-inspection: the lease lapses
    let stalled = false;
    h.afterInspect = () => { if (!stalled) { stalled = true; h.clock.advance(LEASE.leaseMs + 1_000); } };
    await h.workflow.decide({ requestId: requested.value.id, userId: BOB, decision: 'approve' });
    await h.workflow.idle();
    const end = await h.store.get(requested.value.id);
    if (end === null) throw new Error('request vanished');

    expect(h.ceph.mutations()).toEqual([]);
    expect(h.nova.reboots).toEqual([]);
    expect(end.state).toBe('failed');
    expect(end.outcome).toContain('lost its lease');
    expect(h.store.audit.filter((e) => e.command !== undefined || e.http !== undefined)).toEqual([]);
  });

  it('is reported interrupted once by a sweep after its lease lapsed, and its instance stays guarded until an operator clears it', async () => {
    const h = createHarness({ lease: LEASE });
    const vm = staleInstance(h);
    const requested = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    // the approval starts the run under runner-a's lease; runner-a dies before its first step (no run is started here)
    const decided = await h.store.decide({ id: requested.value.id, from: ['pending'], to: 'approved', patch: { decidedBy: BOB }, start: LEASE });
    expect(decided).toEqual({ kind: 'won' });

    expect(await reportInterruptedRuns(h.deps)).toEqual([]); // the lease still holds
    h.clock.advance(LEASE.leaseMs + 1);
    const [first, second] = [await reportInterruptedRuns(h.deps), await reportInterruptedRuns(h.deps)];
    expect(first.map((r) => r.id)).toEqual([requested.value.id]);
    expect(second).toEqual([]);
    expect(h.store.audit.filter((e) => e.action === 'interrupted')).toHaveLength(1);
    expect(first[0]?.outcome).toMatch(/^interrupted at step reinspect: its runner runner-a stopped renewing its lease\. It was NOT resumed\./);

    const refused = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(plainSentence(refused.error.detail)).toContain(`vmlocks clear-run ${requested.value.id}`);

    expect(await h.store.clearInterrupted(requested.value.id, { by: 'cli:oncall', reason: 'runner-a host is off', at: h.clock.now().toISOString() })).toBe(true);
    const again = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: ALICE, origin: null });
    expect(again.ok).toBe(true);
  });
});
