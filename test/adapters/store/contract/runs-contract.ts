/**
 * The store contract, part 2: decisions that start runs (compare-and-set with the brake's count, atomic across two
 * stores, i.e. two replicas), run leases judged by the database's clock, the interrupted run's guard, migrations.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SCHEMA_VERSION, type Store } from '../../../../src/adapters/store/index.js';
import type { FixRequest } from '../../../../src/core/fix-request.js';
import { sampleRequest } from '../support/sample-request.js';
import type { StoreHarness } from './harness.js';

const LEASE_MS = 600;
const approve = (id: string, runnerId: string, brake?: { windowMs: number; limit: number }) => ({
  id, from: ['pending' as const], to: 'approved' as const, patch: { decidedBy: `U0${runnerId.toUpperCase()}` },
  start: { runnerId, leaseMs: LEASE_MS }, ...(brake ? { brake } : {}),
});

export function runsContract(harness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  let a: Store; // replica A
  let b: Store; // replica B, on the same database
  beforeEach(async () => {
    h = await harness();
    a = await h.open();
    b = await h.open();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await h.cleanup();
  });

  async function runningUnder(runnerId: string): Promise<FixRequest> {
    const r = sampleRequest();
    await a.create(r);
    expect(await a.decide(approve(r.id, runnerId))).toEqual({ kind: 'won' });
    return r;
  }

  it('gives one win to 20 simultaneous approvals through two replicas: one decision, one run under the winner\'s lease', async () => {
    const r = sampleRequest();
    await a.create(r);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).decide(approve(r.id, `runner${i}`, { windowMs: 600_000, limit: 100 }))));
    expect(outcomes.filter((o) => o.kind === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'lost')).toHaveLength(19);
    const winner = outcomes.findIndex((o) => o.kind === 'won');
    expect(await b.get(r.id)).toMatchObject({ state: 'running', lastStep: 'reinspect', runnerId: `runner${winner}` });
    expect(await a.listDecisions(r.id)).toHaveLength(1);
    expect(await b.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(1);
  });

  it('lets one of two replicas racing for the brake\'s last place start its run; the other is refused with the count', async () => {
    const brake = { windowMs: 600_000, limit: 3 };
    for (let i = 0; i < 2; i++) await runningUnder(`early${i}`);
    const [x, y] = [sampleRequest(), sampleRequest()];
    await a.create(x);
    await b.create(y);
    const outcomes = await Promise.all([a.decide(approve(x.id, 'ra', brake)), b.decide(approve(y.id, 'rb', brake))]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['brake', 'won']);
    expect(outcomes.find((o) => o.kind === 'brake')).toEqual({ kind: 'brake', count: 3 });
    expect(await a.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(3);
    // the refused request is untouched: still pending, no decision recorded
    const refused = outcomes[0]?.kind === 'brake' ? x : y;
    expect(await b.get(refused.id)).toMatchObject({ state: 'pending', decidedBy: null });
    expect(await b.listDecisions(refused.id)).toEqual([]);
  });

  it('gives one of 10 simultaneous requests for one instance through two replicas the guard', async () => {
    const instanceId = sampleRequest().instanceId;
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).create(sampleRequest({ instanceId }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'instance_busy')).toHaveLength(9);
  });

  it('keeps a run whose runner renews its lease, however long it runs; only that runner can renew it', async () => {
    const r = await runningUnder('slow');
    for (let i = 0; i < 4; i++) {
      await h.lapse(LEASE_MS / 2);
      expect(await a.renewLease(r.id, { runnerId: 'slow', leaseMs: LEASE_MS })).toBe(true);
      expect(await b.listLapsedRuns()).toEqual([]);
      expect(await b.interruptLapsed(r.id, { finishedAt: 'x', outcome: 'x' })).toBe(false);
    }
    expect(await b.renewLease(r.id, { runnerId: 'someone-else', leaseMs: LEASE_MS })).toBe(false);
    expect((await b.get(r.id))?.state).toBe('running');
  });

  it('reports a run whose lease lapsed interrupted exactly once across replicas; its runner cannot renew it any more', async () => {
    const r = await runningUnder('dead');
    await h.lapse(LEASE_MS + 200);
    expect((await b.listLapsedRuns()).map((x) => x.id)).toEqual([r.id]);
    const won = await Promise.all([a, b, a, b].map((s) => s.interruptLapsed(r.id, { finishedAt: '2026-12-04T18:00:00.000Z', outcome: 'interrupted at step reinspect' })));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await a.get(r.id)).toMatchObject({ state: 'interrupted', outcome: 'interrupted at step reinspect' });
    expect(await a.renewLease(r.id, { runnerId: 'dead', leaseMs: LEASE_MS })).toBe(false);
    expect(await b.listLapsedRuns()).toEqual([]);
  });

  it('keeps the instance guarded by an interrupted run until an operator clears it, once', async () => {
    const r = await runningUnder('gone');
    await h.lapse(LEASE_MS + 200);
    expect(await b.interruptLapsed(r.id, { finishedAt: '2026-12-04T18:00:00.000Z', outcome: 'interrupted' })).toBe(true);
    expect((await b.findOpen(r.instanceId))?.id).toBe(r.id);
    await expect(b.create(sampleRequest({ instanceId: r.instanceId }))).rejects.toMatchObject({ code: 'instance_busy', existing: { id: r.id, state: 'interrupted' } });
    const clearance = { by: 'cli:oncall', reason: 'replica b killed', at: '2026-12-04T18:01:00.000Z' };
    expect(await Promise.all([a.clearInterrupted(r.id, clearance), b.clearInterrupted(r.id, clearance)])).toEqual(expect.arrayContaining([true, false]));
    expect(await b.findOpen(r.instanceId)).toBeNull();
    await b.create(sampleRequest({ instanceId: r.instanceId }));
  });

  it('frees the instance when the interrupted run\'s runner records its real end; refuses to clear a running run', async () => {
    const r = await runningUnder('late');
    expect(await a.clearInterrupted(r.id, { by: 'cli:oncall', reason: 'too early', at: '2026-12-04T18:01:00.000Z' })).toBe(false);
    await h.lapse(LEASE_MS + 200);
    await b.interruptLapsed(r.id, { finishedAt: '2026-12-04T18:00:00.000Z', outcome: 'interrupted' });
    expect(await a.transition(r.id, ['interrupted'], 'failed', { outcome: 'stopped at fence: lost its lease' })).toBe(true);
    expect(await b.findOpen(r.instanceId)).toBeNull();
  });

  it('upgrades a database from before run leases (schema 3) in place: its requests kept, a running one without a lease reported lapsed', async () => {
    await a.close();
    await b.close();
    await h.cleanup();
    h = await harness();
    await h.migrateOnlyTo(3); // the version before migration 4 (run-lease)
    const running = sampleRequest();
    const interrupted = sampleRequest({ instanceId: running.instanceId });
    const raw = await h.raw();
    for (const [r, state] of [[running, 'running'], [interrupted, 'interrupted']] as const) {
      await raw.run(`INSERT INTO fix_requests (id, instance_id, instance_name, requested_by, requested_at, expires_at, state, approved_locks, plan, evidence, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [r.id, r.instanceId, r.instanceName, r.requestedBy, r.requestedAt, r.expiresAt, state,
        JSON.stringify(r.approvedLocks), JSON.stringify(r.plan), JSON.stringify(r.evidence), r.requestedAt]);
    }
    await raw.close();
    a = await h.open();
    b = await h.open();
    expect(a.schemaVersion).toBe(SCHEMA_VERSION);
    expect(b.schemaVersion).toBe(SCHEMA_VERSION);
    expect(await a.get(interrupted.id)).toMatchObject({ state: 'interrupted', approvedLocks: interrupted.approvedLocks });
    expect((await a.findOpen(running.instanceId))?.id).toBe(running.id); // the interrupted one of before no longer guards
    expect((await a.listLapsedRuns()).map((r) => r.id)).toEqual([running.id]);
  });
}
