import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstanceBusyError, StoreError, openSqliteStore, type SqliteStore } from '../../../src/adapters/store/index.js';
import { manualClock, sampleRequest, tempDir } from './support/sample-request.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('SQLite fix request store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  const clock = manualClock();
  beforeEach(() => {
    tmp = tempDir();
    store = openSqliteStore({ path: tmp.file(), clock });
  });
  afterEach(() => {
    store.close();
    tmp.remove();
  });

  it('gives back a created request exactly as it was stored', () => {
    const request = sampleRequest();
    store.create(request);
    expect(store.get(request.id)).toEqual(request);
    expect(store.findOpen(request.instanceId)).toEqual(request);
    expect(store.get('no-such-request')).toBeNull();
  });

  it('refuses a second open request for the same instance with the existing one attached', () => {
    const first = sampleRequest();
    store.create(first);
    const error = thrown(() => store.create(sampleRequest({ instanceId: first.instanceId })));
    expect(error).toBeInstanceOf(InstanceBusyError);
    expect(error).toMatchObject({ code: 'instance_busy', existing: { id: first.id, state: 'pending' } });
    expect(store.listByState(['pending']).map((r) => r.id)).toEqual([first.id]);
  });

  it('allows a new request for an instance once the previous one is closed', () => {
    const first = sampleRequest();
    store.create(first);
    expect(store.transition(first.id, ['pending'], 'denied', { decidedBy: 'U0APPROVER', denyReason: 'host is back' })).toBe(true);
    const second = sampleRequest({ instanceId: first.instanceId });
    store.create(second);
    expect(store.findOpen(first.instanceId)?.id).toBe(second.id);
  });

  it('refuses to re-open a closed request while another one holds the instance', () => {
    const first = sampleRequest();
    store.create(first);
    store.transition(first.id, ['pending'], 'expired');
    const second = sampleRequest({ instanceId: first.instanceId });
    store.create(second);
    const error = thrown(() => store.transition(first.id, ['expired'], 'pending'));
    expect(error).toBeInstanceOf(InstanceBusyError);
    expect(error).toMatchObject({ existing: { id: second.id } });
  });

  it('refuses a duplicate request id with a coded error', () => {
    const request = sampleRequest();
    store.create(request);
    store.transition(request.id, ['pending'], 'denied');
    expect(thrown(() => store.create({ ...request, instanceId: sampleRequest().instanceId }))).toMatchObject({ code: 'duplicate_id' });
  });

  it('moves a request only from one of the given states and applies the patch', () => {
    const request = sampleRequest();
    store.create(request);
    expect(store.transition(request.id, ['approved'], 'running')).toBe(false);
    expect(store.get(request.id)?.state).toBe('pending');

    const decidedAt = clock.now().toISOString();
    expect(store.transition(request.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER', decidedAt })).toBe(true);
    expect(store.get(request.id)).toMatchObject({ state: 'approved', decidedBy: 'U0APPROVER', decidedAt });
    expect(store.transition(request.id, ['pending'], 'denied')).toBe(false);
    expect(store.transition('no-such-request', ['pending'], 'approved')).toBe(false);
    expect(store.transition(request.id, [], 'running')).toBe(false);
  });

  it('records every approve, deny and expire, and each refusal logged in the audit, as a decision', () => {
    const approved = sampleRequest();
    const denied = sampleRequest();
    const expired = sampleRequest();
    for (const r of [approved, denied, expired]) store.create(r);
    store.append({
      at: '2025-03-01T02:21:00.000Z', actor: 'U0REQUESTER', action: 'refuse', instanceId: approved.instanceId, requestId: approved.id,
      detail: 'self_approval: you asked for this fix; another person must approve it',
    });
    store.transition(approved.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER', decidedAt: '2025-03-01T02:22:00.000Z' });
    store.transition(denied.id, ['pending'], 'denied', { decidedBy: 'U0APPROVER', decidedAt: '2025-03-01T02:23:00.000Z', denyReason: 'host is back' });
    store.transition(expired.id, ['pending'], 'expired');

    expect(store.listDecisions(approved.id)).toEqual([
      { requestId: approved.id, decision: 'refused', actor: 'U0REQUESTER', at: '2025-03-01T02:21:00.000Z', reason: expect.stringContaining('self_approval') },
      { requestId: approved.id, decision: 'approved', actor: 'U0APPROVER', at: '2025-03-01T02:22:00.000Z', reason: null },
    ]);
    expect(store.listDecisions(denied.id)).toEqual([
      { requestId: denied.id, decision: 'denied', actor: 'U0APPROVER', at: '2025-03-01T02:23:00.000Z', reason: 'host is back' },
    ]);
    expect(store.listDecisions(expired.id)).toEqual([
      { requestId: expired.id, decision: 'expired', actor: 'system', at: clock.now().toISOString(), reason: null },
    ]);
  });

  it('updates fields but refuses to change the state or the id outside transition', () => {
    const request = sampleRequest();
    store.create(request);
    store.update(request.id, { approvalMessage: { channel: 'C0OTHER', ts: '1740795999.000200' }, lastStep: 'fence' });
    expect(store.get(request.id)).toMatchObject({ approvalMessage: { channel: 'C0OTHER', ts: '1740795999.000200' }, lastStep: 'fence' });

    expect(thrown(() => store.update(request.id, { state: 'succeeded' }))).toMatchObject({ code: 'invalid_patch' });
    expect(thrown(() => store.update(request.id, { id: 'another-id' }))).toMatchObject({ code: 'invalid_patch' });
    expect(thrown(() => store.transition(request.id, ['pending'], 'approved', { state: 'running' }))).toMatchObject({ code: 'invalid_patch' });
    expect(thrown(() => store.update('no-such-request', { outcome: 'x' }))).toMatchObject({ code: 'not_found' });
    expect(store.get(request.id)?.state).toBe('pending');
  });

  it('lists requests by state', () => {
    const pending = sampleRequest();
    const running = sampleRequest();
    const done = sampleRequest();
    for (const r of [pending, running, done]) store.create(r);
    store.transition(running.id, ['pending'], 'approved');
    store.transition(running.id, ['approved'], 'running');
    store.transition(done.id, ['pending'], 'denied');

    expect(store.listByState(['running', 'approved']).map((r) => r.id)).toEqual([running.id]);
    expect(store.listByState(['pending', 'denied']).map((r) => r.id).sort()).toEqual([pending.id, done.id].sort());
    expect(store.listByState([])).toEqual([]);
  });

  it('records steps, replacing a started step by its outcome', () => {
    const request = sampleRequest();
    store.create(request);
    const started = { requestId: request.id, seq: 1, step: 'fence' as const, status: 'started' as const, startedAt: '2025-03-01T02:25:00.000Z', finishedAt: null, detail: '' };
    store.recordStep(started);
    store.recordStep({ ...started, status: 'ok', finishedAt: '2025-03-01T02:25:01.000Z', detail: 'blocklisted 10.240.201.139:0/2318786000' });
    store.recordStep({ ...started, seq: 2, step: 'break', status: 'failed', finishedAt: '2025-03-01T02:25:02.000Z', detail: 'rbd: exit 16' });

    expect(store.listSteps(request.id)).toEqual([
      { ...started, status: 'ok', finishedAt: '2025-03-01T02:25:01.000Z', detail: 'blocklisted 10.240.201.139:0/2318786000' },
      { ...started, seq: 2, step: 'break', status: 'failed', finishedAt: '2025-03-01T02:25:02.000Z', detail: 'rbd: exit 16' },
    ]);
    // foreign_keys=ON: a step of an unknown request is refused.
    expect(thrown(() => store.recordStep({ ...started, requestId: 'no-such-request' }))).toMatchObject({ code: 'not_found' });
  });

  it('reports a corrupted JSON column as a coded error naming the request', () => {
    const request = sampleRequest();
    store.create(request);
    const raw = new Database(tmp.file());
    raw.prepare("UPDATE fix_requests SET plan = '[{\"step\":\"break\",\"argv\":\"rm -rf\"}]' WHERE id = ?").run(request.id);
    raw.close();

    const error = thrown(() => store.get(request.id));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'corrupt_row', message: expect.stringContaining(`fix request ${request.id}`) });
    expect(thrown(() => store.listByState(['pending']))).toMatchObject({ code: 'corrupt_row' });
  });
});
