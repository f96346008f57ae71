import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/adapters/store/index.js';
import { startContenderPool, type ContenderPool } from './support/contender-pool.js';
import { sampleRequest, tempDir } from './support/sample-request.js';

// 20 connections to one file, spread over 4 threads that are released at the same instant: the shape of
// simultaneous clicks handled by several processes or replicas sharing VMLOCKS_DB.
const CONTENDERS = 20;
const THREADS = 4;

describe('concurrent decisions on one database file', () => {
  let pool: ContenderPool;
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  beforeAll(async () => { pool = await startContenderPool(THREADS); }, 60_000);
  afterAll(async () => { await pool.close(); });
  beforeEach(() => {
    tmp = tempDir();
    store = openSqliteStore({ path: tmp.file() });
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('lets exactly one of 20 simultaneous approvals from separate connections win', async () => {
    const request = sampleRequest();
    await store.create(request);
    const tasks = Array.from({ length: CONTENDERS }, (_, i) => ({ kind: 'approve' as const, requestId: request.id, userId: `U0APPROVER${i}` }));

    const outcomes = await pool.race(tmp.file(), tasks);

    const winners = outcomes.flatMap((o, i) => (o.won ? [i] : []));
    expect(outcomes).toHaveLength(CONTENDERS);
    expect(winners).toHaveLength(1);
    expect(await store.get(request.id)).toMatchObject({ state: 'approved', decidedBy: `U0APPROVER${winners[0]}` });
    expect(await store.listDecisions(request.id)).toHaveLength(1);
  });

  it('starts exactly one run when 20 connections try to start it at once', async () => {
    const request = sampleRequest();
    await store.create(request);
    await store.transition(request.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER' });

    const outcomes = await pool.race(tmp.file(), Array.from({ length: CONTENDERS }, () => ({ kind: 'start_run' as const, requestId: request.id })));

    expect(outcomes.filter((o) => o.won)).toHaveLength(1);
    expect(await store.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(1);
  });

  it('lets the fix brake admit exactly one more run when 20 approvals of different fixes race for the last place', async () => {
    // 4 runs already started in the window; the brake allows 5. 20 pending requests for 20 instances are approved at
    // the same instant through the approval service, each on its own connection (20 approvers on several replicas).
    const limit = 5;
    const fresh = () => {
      const now = Date.now();
      return sampleRequest({ requestedAt: new Date(now).toISOString(), expiresAt: new Date(now + 15 * 60_000).toISOString() });
    };
    for (let i = 0; i < limit - 1; i++) {
      const earlier = fresh();
      await store.create(earlier);
      await store.transition(earlier.id, ['pending'], 'approved', { decidedBy: 'U0EARLIER' });
      await store.transition(earlier.id, ['approved'], 'running');
    }
    const requests = Array.from({ length: CONTENDERS }, fresh);
    for (const r of requests) await store.create(r);
    const tasks = requests.map((r, i) => ({ kind: 'approve_via_service' as const, requestId: r.id, userId: `U0APPROVER${i}`, brakeLimit: limit }));

    const outcomes = await pool.race(tmp.file(), tasks);

    expect(outcomes.filter((o) => o.won)).toHaveLength(1);
    expect(outcomes.filter((o) => o.refusal === 'brake')).toHaveLength(CONTENDERS - 1);
    expect(await store.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(limit);
    // the refused stay pending (approvable once the window moves on); only the winner left pending
    expect(await store.listByState(['running'])).toHaveLength(limit);
    expect(await store.listByState(['pending'])).toHaveLength(CONTENDERS - 1);
  });

  it('keeps one open request per instance when 20 connections create one at once', async () => {
    const instanceId = sampleRequest().instanceId;
    const tasks = Array.from({ length: CONTENDERS }, (_, i) => ({ kind: 'create' as const, instanceId, userId: `U0REQUESTER${i}` }));

    const outcomes = await pool.race(tmp.file(), tasks);

    expect(outcomes.filter((o) => o.won)).toHaveLength(1);
    expect(outcomes.filter((o) => o.busy)).toHaveLength(CONTENDERS - 1);
    expect(await store.listByState(['pending'])).toHaveLength(1);
  });
});
