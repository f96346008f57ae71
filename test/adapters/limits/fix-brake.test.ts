import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixBrake } from '../../../src/adapters/limits/fix-brake.js';
import { openSqliteStore, type SqliteStore } from '../../../src/adapters/store/index.js';
import { sampleRequest, tempDir } from '../store/support/sample-request.js';
import { manualClock, metricValue, observe } from './support/observe.js';

const TEN_MINUTES = 10 * 60_000;

/** Requests a fix, approves it and starts its run, as the fix workflow does. */
function runFix(store: SqliteStore): void {
  const r = sampleRequest();
  store.create(r);
  store.transition(r.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER' });
  store.transition(r.id, ['approved'], 'running');
}

describe('fix brake', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('allows 10 fixes, then refuses the 11th with a mass-event message, also after a restart, until the window passed', async () => {
    const { metrics, logger, lines } = observe();
    const clock = manualClock('2025-03-01T02:00:00.000Z');
    let store = openSqliteStore({ path: tmp.file(), clock });
    let brake = createFixBrake({ store, limit: 10, windowMs: TEN_MINUTES, clock, metrics, logger });

    for (let i = 0; i < 10; i++) {
      expect(brake.check()).toEqual({ allowed: true });
      runFix(store);
      clock.advance(30_000); // ten runs over five minutes
    }
    const refused = brake.check();
    expect(refused).toEqual({
      allowed: false, count: 10, limit: 10, windowMs: TEN_MINUTES,
      message: '10 fixes ran in the last 10 min across the cluster: this looks like a mass event (a rack or a power feed), ' +
        'not a single dead host. Stop fixing VM by VM: check the Ceph cluster and the compute hosts, and raise VMLOCKS_FIX_BRAKE if you are sure.',
    });
    expect(await metricValue(metrics.limitHits, { limit: 'fix_brake' })).toBe(1);
    expect(lines()).toContainEqual(expect.objectContaining({ event: 'limit_hit', limit: 'fix_brake', count: 10 }));

    store.close();
    store = openSqliteStore({ path: tmp.file(), clock });
    brake = createFixBrake({ store, limit: 10, windowMs: TEN_MINUTES, clock, metrics });
    expect(brake.check()).toMatchObject({ allowed: false, count: 10 });

    // The first run started at 02:00:00; ten minutes later it leaves the window.
    clock.advance(TEN_MINUTES - 5 * 60_000 + 1);
    expect(brake.check()).toEqual({ allowed: true });
    store.close();
  });

  it('counts only runs that started, not requests that were approved or denied', () => {
    const { metrics } = observe();
    const clock = manualClock();
    const store = openSqliteStore({ path: ':memory:', clock });
    const brake = createFixBrake({ store, limit: 1, windowMs: TEN_MINUTES, clock, metrics });
    const approved = sampleRequest();
    store.create(approved);
    store.transition(approved.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER' });
    expect(brake.check()).toEqual({ allowed: true });
    runFix(store);
    expect(brake.check()).toMatchObject({ allowed: false, count: 1, limit: 1 });
    store.close();
  });
});
