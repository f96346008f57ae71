/** The store contract, part 1: requests, the one-open-request guard, compare-and-set, decisions, steps, audit. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { InstanceBusyError, StoreError, type Store } from '../../../../src/adapters/store/index.js';
import type { AuditEntry } from '../../../../src/ports.js';
import { sampleRequest } from '../support/sample-request.js';
import type { StoreHarness } from './harness.js';

const INSTANCE_A = '8a1e4c1e-0d7b-4c59-9a34-7d1f3c2b5e01';
const removeLock: AuditEntry = {
  at: '2025-03-01T02:25:02.000Z', actor: 'system', action: 'command', instanceId: INSTANCE_A, requestId: 'req-1', detail: 'break: removed lock',
  command: { argv: ['rbd', '--id', 'vmlocks', 'lock', 'rm', `vms/${INSTANCE_A}_disk`, 'auto 139771353454720', 'client.4235'], exitCode: 0, durationMs: 182, stdoutExcerpt: '', stderrExcerpt: '' },
};
const hardReboot: AuditEntry = {
  at: '2025-03-01T02:25:03.000Z', actor: 'system', action: 'http', instanceId: INSTANCE_A, requestId: 'req-1', detail: 'reboot: accepted',
  http: { method: 'POST', path: `/servers/${INSTANCE_A}/action`, status: 202, requestId: 'req-5a0c1c1e-4d2b', durationMs: 95, body: { reboot: { type: 'HARD' } } },
};
const inspectB: AuditEntry = { at: '2025-03-01T02:26:00.000Z', actor: 'U0ONCALL', action: 'inspect', instanceId: 'other', requestId: null, detail: 'verdict alive' };

export function requestsContract(harness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await harness();
    store = await h.open();
  });
  afterEach(async () => {
    await store.close();
    await h.cleanup();
  });

  it('gives back a created request exactly as it was stored', async () => {
    const request = sampleRequest();
    await store.create(request);
    expect(await store.get(request.id)).toEqual(request);
    expect(await store.findOpen(request.instanceId)).toEqual(request);
    expect(await store.get('no-such-request')).toBeNull();
  });

  it('refuses a second open request for the same instance with the existing one attached', async () => {
    const first = sampleRequest();
    await store.create(first);
    const error: unknown = await store.create(sampleRequest({ instanceId: first.instanceId })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InstanceBusyError);
    expect(error).toMatchObject({ code: 'instance_busy', existing: { id: first.id, state: 'pending' } });
    expect((await store.listByState(['pending'])).map((r) => r.id)).toEqual([first.id]);
  });

  it('allows a new request for an instance once the previous one is closed, and refuses to re-open the old one then', async () => {
    const first = sampleRequest();
    await store.create(first);
    expect(await store.transition(first.id, ['pending'], 'denied', { decidedBy: 'U0APPROVER', denyReason: 'host is back' })).toBe(true);
    const second = sampleRequest({ instanceId: first.instanceId });
    await store.create(second);
    expect((await store.findOpen(first.instanceId))?.id).toBe(second.id);
    await expect(store.transition(first.id, ['denied'], 'pending')).rejects.toMatchObject({ code: 'instance_busy', existing: { id: second.id } });
  });

  it('refuses a duplicate request id with a coded error', async () => {
    const request = sampleRequest();
    await store.create(request);
    await store.transition(request.id, ['pending'], 'denied');
    await expect(store.create({ ...request, instanceId: sampleRequest().instanceId })).rejects.toMatchObject({ code: 'duplicate_id' });
  });

  it('moves a request only from one of the given states (compare-and-set) and applies the patch', async () => {
    const request = sampleRequest();
    await store.create(request);
    expect(await store.transition(request.id, ['approved'], 'running')).toBe(false);
    expect((await store.get(request.id))?.state).toBe('pending');
    const decidedAt = '2025-03-01T02:22:00.000Z';
    expect(await store.transition(request.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER', decidedAt })).toBe(true);
    expect(await store.get(request.id)).toMatchObject({ state: 'approved', decidedBy: 'U0APPROVER', decidedAt });
    expect(await store.transition(request.id, ['pending'], 'denied')).toBe(false);
    expect(await store.transition('no-such-request', ['pending'], 'approved')).toBe(false);
    expect(await store.transition(request.id, [], 'running')).toBe(false);
  });

  it('records every approve, deny and expire, and each refusal logged in the audit, as a decision', async () => {
    const [approved, denied, expired] = [sampleRequest(), sampleRequest(), sampleRequest()];
    for (const r of [approved, denied, expired]) await store.create(r);
    await store.append({ at: '2025-03-01T02:21:00.000Z', actor: 'U0REQUESTER', action: 'refuse', instanceId: approved.instanceId, requestId: approved.id, detail: 'self_approval: another person must approve it' });
    await store.transition(approved.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER', decidedAt: '2025-03-01T02:22:00.000Z' });
    await store.transition(denied.id, ['pending'], 'denied', { decidedBy: 'U0APPROVER', decidedAt: '2025-03-01T02:23:00.000Z', denyReason: 'host is back' });
    await store.transition(expired.id, ['pending'], 'expired');
    expect(await store.listDecisions(approved.id)).toEqual([
      { requestId: approved.id, decision: 'refused', actor: 'U0REQUESTER', at: '2025-03-01T02:21:00.000Z', reason: expect.stringContaining('self_approval') },
      { requestId: approved.id, decision: 'approved', actor: 'U0APPROVER', at: '2025-03-01T02:22:00.000Z', reason: null },
    ]);
    expect(await store.listDecisions(denied.id)).toEqual([{ requestId: denied.id, decision: 'denied', actor: 'U0APPROVER', at: '2025-03-01T02:23:00.000Z', reason: 'host is back' }]);
    expect(await store.listDecisions(expired.id)).toEqual([{ requestId: expired.id, decision: 'expired', actor: 'system', at: expect.any(String), reason: null }]);
  });

  it('updates fields but refuses to change the state or the id outside transition', async () => {
    const request = sampleRequest();
    await store.create(request);
    await store.update(request.id, { approvalMessage: { channel: 'C0OTHER', ts: '1740795999.000200' }, lastStep: 'fence' });
    expect(await store.get(request.id)).toMatchObject({ approvalMessage: { channel: 'C0OTHER', ts: '1740795999.000200' }, lastStep: 'fence' });
    await expect(store.update(request.id, { state: 'succeeded' })).rejects.toMatchObject({ code: 'invalid_patch' });
    await expect(store.update(request.id, { id: 'another-id' })).rejects.toMatchObject({ code: 'invalid_patch' });
    await expect(store.transition(request.id, ['pending'], 'approved', { state: 'running' })).rejects.toMatchObject({ code: 'invalid_patch' });
    await expect(store.update('no-such-request', { outcome: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    expect((await store.get(request.id))?.state).toBe('pending');
  });

  it('lists requests by state', async () => {
    const [pending, approved, done] = [sampleRequest(), sampleRequest(), sampleRequest()];
    for (const r of [pending, approved, done]) await store.create(r);
    await store.transition(approved.id, ['pending'], 'approved');
    await store.transition(done.id, ['pending'], 'denied');
    expect((await store.listByState(['running', 'approved'])).map((r) => r.id)).toEqual([approved.id]);
    expect((await store.listByState(['pending', 'denied'])).map((r) => r.id).sort()).toEqual([pending.id, done.id].sort());
    expect(await store.listByState([])).toEqual([]);
  });

  it('records steps, replacing a started step by its outcome, and refuses a step of an unknown request', async () => {
    const request = sampleRequest();
    await store.create(request);
    const started = { requestId: request.id, seq: 1, step: 'fence' as const, status: 'started' as const, startedAt: '2025-03-01T02:25:00.000Z', finishedAt: null, detail: '' };
    await store.recordStep(started);
    await store.recordStep({ ...started, status: 'ok', finishedAt: '2025-03-01T02:25:01.000Z', detail: 'blocklisted' });
    await store.recordStep({ ...started, seq: 2, step: 'break', status: 'failed', finishedAt: '2025-03-01T02:25:02.000Z', detail: 'rbd: exit 16' });
    expect(await store.listSteps(request.id)).toEqual([
      { ...started, status: 'ok', finishedAt: '2025-03-01T02:25:01.000Z', detail: 'blocklisted' },
      { ...started, seq: 2, step: 'break', status: 'failed', finishedAt: '2025-03-01T02:25:02.000Z', detail: 'rbd: exit 16' },
    ]);
    await expect(store.recordStep({ ...started, requestId: 'no-such-request' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps the exact argv, HTTP request, exit code and status of each audit entry; filters and limits newest last', async () => {
    for (const e of [removeLock, inspectB, hardReboot]) await store.append(e);
    expect(await store.list({})).toEqual([removeLock, inspectB, hardReboot]);
    expect(await store.list({ instanceId: INSTANCE_A })).toEqual([removeLock, hardReboot]);
    expect(await store.list({ requestId: 'req-1', limit: 1 })).toEqual([hardReboot]);
    expect(await store.list({ limit: 2 })).toEqual([inspectB, hardReboot]);
  });

  it('refuses UPDATE and DELETE of audit entries, decisions and run starts, from any connection', async () => {
    const request = sampleRequest();
    await store.create(request);
    await store.append(removeLock);
    await store.decide({ id: request.id, from: ['pending'], to: 'approved', patch: { decidedBy: 'U0APPROVER' }, start: { runnerId: 'r1', leaseMs: 30_000 } });
    const raw = await h.raw();
    try {
      for (const sql of ["UPDATE audit_log SET detail = 'nothing happened'", 'DELETE FROM audit_log', 'DELETE FROM decisions',
        "UPDATE fix_runs SET started_at = '1970-01-01T00:00:00.000Z'", 'DELETE FROM fix_runs']) {
        await expect(raw.run(sql), sql).rejects.toThrow(/append-only/);
      }
    } finally {
      await raw.close();
    }
    expect(await store.list({})).toEqual([removeLock]);
    expect(await store.listDecisions(request.id)).toHaveLength(1);
    expect(await store.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(1);
  });

  it('reports a corrupted JSON column as a coded error naming the request', async () => {
    const request = sampleRequest();
    await store.create(request);
    const raw = await h.raw();
    await raw.run('UPDATE fix_requests SET plan = ? WHERE id = ?', ['[{"step":"break","argv":"rm -rf"}]', request.id]);
    await raw.close();
    const error: unknown = await store.get(request.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'corrupt_row', message: expect.stringContaining(`fix request ${request.id}`) });
  });
}
