import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/index.js';
import { manualClock, sampleRequest, tempDir } from './support/sample-request.js';

describe('count of fix runs started', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('counts runs by the time they started, and keeps the count across a close and re-open', () => {
    const clock = manualClock('2025-03-01T02:00:00.000Z');
    const store = openSqliteStore({ path: tmp.file(), clock });
    for (let i = 0; i < 3; i++) {
      const r = sampleRequest();
      store.create(r);
      store.transition(r.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER' });
      clock.advance(60_000);
      store.transition(r.id, ['approved'], 'running');
    }
    // A request that was approved but never started does not count.
    const idle = sampleRequest();
    store.create(idle);
    store.transition(idle.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER' });
    store.close();

    const reopened = openSqliteStore({ path: tmp.file(), clock });
    expect(reopened.countRunsStartedSince('2025-03-01T02:00:00.000Z')).toBe(3);
    expect(reopened.countRunsStartedSince('2025-03-01T02:02:00.000Z')).toBe(2); // runs started at 02:01, 02:02, 02:03
    expect(reopened.countRunsStartedSince('2025-03-01T03:02:00+01:00')).toBe(2); // the same instant in another zone
    expect(reopened.countRunsStartedSince('2025-03-01T02:03:00.001Z')).toBe(0);
    expect(() => reopened.countRunsStartedSince('yesterday')).toThrow(RangeError);
    reopened.close();
  });
});
