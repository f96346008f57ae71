import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brakeMessage, createFixBrake, type FixBrake } from '../../../src/adapters/limits/fix-brake.js';
import { openSqliteStore, type SqliteStore } from '../../../src/adapters/store/index.js';
import type { DecideOutcome } from '../../../src/ports.js';
import { sampleRequest, tempDir } from '../store/support/sample-request.js';
import { manualClock, metricValue, observe } from './support/observe.js';

const TEN_MINUTES = 10 * 60_000;

/** Requests a fix and approves it through the store's atomic decision, with the brake's window, as the workflow does. */
async function approveFix(store: SqliteStore, brake: FixBrake): Promise<DecideOutcome> {
  const r = sampleRequest();
  await store.create(r);
  return store.decide({ id: r.id, from: ['pending'], to: 'approved', patch: { decidedBy: 'U0APPROVER' }, brake: brake.window(), start: { runnerId: 'r1', leaseMs: 30_000 } });
}

describe('fix brake', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('allows 10 fixes, then refuses the 11th with a mass-event message, also after a restart, until the window passed', async () => {
    const { metrics, logger, lines } = observe();
    const clock = manualClock('2025-03-01T02:00:00.000Z');
    let store = openSqliteStore({ path: tmp.file(), clock });
    const brake = createFixBrake({ limit: 10, windowMs: TEN_MINUTES, metrics, logger });

    for (let i = 0; i < 10; i++) {
      expect(await approveFix(store, brake)).toEqual({ kind: 'won' });
      clock.advance(30_000); // ten runs over five minutes
    }
    const refused = await approveFix(store, brake);
    expect(refused).toEqual({ kind: 'brake', count: 10 });
    expect(brake.refuse(10)).toEqual({
      count: 10, limit: 10, windowMs: TEN_MINUTES,
      message: '10 fixes ran in the last 10 min across the cluster: this looks like a mass event (a rack or a power feed), ' +
        'not a single dead host. Stop fixing VM by VM: check the Ceph cluster and the compute hosts, and raise VMLOCKS_FIX_BRAKE if you are sure.',
    });
    expect(brakeMessage(1, TEN_MINUTES)).toMatch(/^1 fix ran in the last 10 min across the cluster/);
    expect(await metricValue(metrics.limitHits, { limit: 'fix_brake' })).toBe(1);
    expect(lines()).toContainEqual(expect.objectContaining({ event: 'limit_hit', limit: 'fix_brake', count: 10 }));

    await store.close();
    store = openSqliteStore({ path: tmp.file(), clock });
    expect(await approveFix(store, brake)).toEqual({ kind: 'brake', count: 10 });

    // The first run started at 02:00:00; ten minutes later it leaves the window.
    clock.advance(TEN_MINUTES - 5 * 60_000 + 1);
    expect(await approveFix(store, brake)).toEqual({ kind: 'won' });
    await store.close();
  });

  it('counts only runs that started, not requests that were approved or denied', async () => {
    const { metrics } = observe();
    const clock = manualClock();
    const store = openSqliteStore({ path: ':memory:', clock });
    const brake = createFixBrake({ limit: 1, windowMs: TEN_MINUTES, metrics });
    const approved = sampleRequest();
    await store.create(approved);
    await store.transition(approved.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER' });
    expect(await approveFix(store, brake)).toEqual({ kind: 'won' });
    expect(await approveFix(store, brake)).toEqual({ kind: 'brake', count: 1 });
    await store.close();
  });
});
