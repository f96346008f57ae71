import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, StoreError, type SqliteStore } from '../../../src/adapters/store/index.js';
import type { HostRecord } from '../../../src/core/host-watch.js';
import { startContenderPool, type ContenderPool } from './support/contender-pool.js';
import { tempDir } from './support/sample-request.js';

const up: HostRecord = {
  host: 'compute-1', state: 'up', since: '2026-11-25T02:00:00.000Z', candidate: null, announced: 'up', changes: 0, dueAt: null, recent: [],
};

describe('the host watch records in SQLite', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  beforeEach(() => {
    tmp = tempDir();
    store = openSqliteStore({ path: tmp.file() });
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('keeps a record as written, with its version, across connections', async () => {
    const down: HostRecord = {
      ...up, state: 'down', candidate: { state: 'up', since: '2026-11-25T02:05:00.000Z' }, changes: 1,
      dueAt: '2026-11-25T02:01:00.000Z', recent: ['2026-11-25T01:55:00.000Z'],
    };
    expect(await store.saveHostRecord(up, 0)).toBe(true);
    expect(await store.saveHostRecord(down, 1)).toBe(true);
    const other = openSqliteStore({ path: tmp.file() });
    expect(await other.listHostRecords()).toEqual([{ ...down, version: 2 }]);
    await other.close();
  });

  it('refuses a write based on a version that is no longer the stored one, and a second first record', async () => {
    expect(await store.saveHostRecord(up, 0)).toBe(true);
    expect(await store.saveHostRecord({ ...up, state: 'down' }, 0)).toBe(false);
    expect(await store.saveHostRecord({ ...up, changes: 1 }, 1)).toBe(true);
    expect(await store.saveHostRecord({ ...up, changes: 5 }, 1)).toBe(false);
    expect(await store.listHostRecords()).toMatchObject([{ state: 'up', changes: 1, version: 2 }]);
  });

  it('reports a damaged row as a coded error naming the host', async () => {
    await store.saveHostRecord(up, 0);
    const raw = new Database(tmp.file());
    raw.prepare("UPDATE host_watch SET recent = 'not json' WHERE host = 'compute-1'").run();
    raw.close();
    await expect(store.listHostRecords()).rejects.toThrow(StoreError);
    await expect(store.listHostRecords()).rejects.toThrow(/host watch record compute-1/);
  });
});

// 20 replicas (connections spread over 4 threads) poll Nova at the same instant and all see compute-1 down, its
// change already seen once: each runs the real host watch service on its own connection. One of them posts.
describe('the host watch on one database shared by replicas', () => {
  const REPLICAS = 20;
  let pool: ContenderPool;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => { pool = await startContenderPool(4); }, 60_000);
  afterAll(async () => { await pool.close(); });
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('announces a host going down once when 20 replicas poll at the same instant', async () => {
    const store = openSqliteStore({ path: tmp.file() });
    await store.saveHostRecord({ ...up, candidate: { state: 'down', since: '2026-11-25T02:01:00.000Z' } }, 0);
    const task = { kind: 'watch_poll' as const, host: 'compute-1', heartbeatAt: '2026-11-25T02:00:00.000Z', now: '2026-11-25T02:02:00.000Z' };

    const outcomes = await pool.race(tmp.file(), Array.from({ length: REPLICAS }, () => task));

    expect(outcomes.filter((o) => o.won)).toHaveLength(1);
    expect(await store.listHostRecords()).toMatchObject([{ state: 'down', announced: 'down', changes: 0, dueAt: null, recent: [task.now] }]);
    expect((await store.list({})).filter((e) => e.action === 'host_down')).toHaveLength(1);
    await store.close();
  });
});
