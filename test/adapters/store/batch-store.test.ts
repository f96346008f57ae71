/**
 * Host batches in SQLite: one open batch per host, compare-and-set decisions recorded by the database, per-instance
 * item status, and 20 simultaneous approvals from separate connections (processes, replicas) giving one run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { HostBusyError, openSqliteStore, type SqliteStore } from '../../../src/adapters/store/index.js';
import type { InstanceId } from '../../../src/core/ids.js';
import { startContenderPool, type ContenderPool } from './support/contender-pool.js';
import { sampleBatch } from './support/sample-batch.js';
import { tempDir } from './support/sample-request.js';

describe('host batches in the store', () => {
  let pool: ContenderPool;
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  beforeAll(async () => { pool = await startContenderPool(4); }, 60_000);
  afterAll(async () => { await pool.close(); });
  beforeEach(() => {
    tmp = tempDir();
    store = openSqliteStore({ path: tmp.file() });
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('reads back what it stored, items in order', async () => {
    const b = sampleBatch();
    await store.createBatch(b);
    expect(await store.getBatch(b.id)).toEqual(b);
    expect((await store.findOpenBatch('compute-1'))?.id).toBe(b.id);
    expect((await store.listBatchesByState(['pending'])).map((x) => x.id)).toEqual([b.id]);
  });

  it('keeps one open batch per host, and frees the host once the batch is closed', async () => {
    const first = sampleBatch();
    await store.createBatch(first);
    await expect(store.createBatch(sampleBatch())).rejects.toThrow(HostBusyError);
    await store.createBatch(sampleBatch({ host: 'compute-2' }));
    expect(await store.transitionBatch(first.id, ['pending'], 'denied', { decidedBy: 'U0APPROVER', denyReason: 'no' })).toBe(true);
    await store.createBatch(sampleBatch());
  });

  it('decides with compare-and-set and records each decision in an append-only table', async () => {
    const b = sampleBatch();
    await store.createBatch(b);
    expect(await store.transitionBatch(b.id, ['pending'], 'running', { decidedBy: 'U0A', decidedAt: b.requestedAt })).toBe(true);
    expect(await store.transitionBatch(b.id, ['pending'], 'running', { decidedBy: 'U0B' })).toBe(false);
    expect(await store.getBatch(b.id)).toMatchObject({ state: 'running', decidedBy: 'U0A' });
    const raw = new Database(tmp.file(), { readonly: true });
    expect(raw.prepare('SELECT decision, actor FROM host_batch_decisions WHERE batch_id = ?').all(b.id)).toEqual([{ decision: 'running', actor: 'U0A' }]);
    raw.close();
  });

  it('records each instance\'s status, reason and fix request', async () => {
    const b = sampleBatch();
    await store.createBatch(b);
    const [one, two] = b.items;
    if (!one || !two) throw new Error('sample has two items');
    await store.updateBatchItem(b.id, one.instanceId, { status: 'done', reason: 'unlocked and rebooted', requestId: 'fx-1' });
    await store.updateBatchItem(b.id, two.instanceId, { status: 'skipped', reason: 'changed since the request' });
    expect((await store.getBatch(b.id))?.items.map((i) => [i.status, i.reason, i.requestId])).toEqual([['done', 'unlocked and rebooted', 'fx-1'], ['skipped', 'changed since the request', null]]);
    await expect(store.updateBatchItem(b.id, randomUUID() as InstanceId, { status: 'done' })).rejects.toThrow(/has no instance/);
  });

  it('starts exactly one batch run when 20 approvals from separate connections arrive at once', async () => {
    const b = sampleBatch();
    await store.createBatch(b);
    const tasks = Array.from({ length: 20 }, (_, i) => ({ kind: 'approve_batch' as const, batchId: b.id, userId: `U0APPROVER${i}` }));
    const outcomes = await pool.race(tmp.file(), tasks);
    const winners = outcomes.flatMap((o, i) => (o.won ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.refusal === 'already_decided')).toHaveLength(19);
    expect(await store.getBatch(b.id)).toMatchObject({ state: 'running', decidedBy: `U0APPROVER${winners[0]}` });
  });
});
