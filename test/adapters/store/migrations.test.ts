import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, StoreError, openSqliteStore } from '../../../src/adapters/store/index.js';
import { MIGRATIONS } from '../../../src/adapters/store/migrations/index.js';
import { PG_MIGRATIONS } from '../../../src/adapters/store/postgres/pg-migrations.js';
import { sampleRequest, tempDir } from './support/sample-request.js';

describe('store migrations', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('applies every migration to an empty file and records the version', async () => {
    const store = openSqliteStore({ path: tmp.file() });
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    await store.close();

    const raw = new Database(tmp.file(), { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const applied = raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual([{ version: 1, name: 'initial' }, { version: 2, name: 'run-heartbeat' }, { version: 3, name: 'host-batches' }, { version: 4, name: 'run-lease' }, { version: 5, name: 'host-watch' }]);
    const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['fix_requests', 'decisions', 'fix_runs', 'fix_run_steps', 'audit_log', 'host_batches', 'host_batch_items', 'host_batch_decisions', 'host_watch']));
    raw.close();
  });

  it('upgrades a version-1 database in place, keeping its requests (runner and heartbeat empty)', async () => {
    // a file as vmlocks with schema 1 left it: only the first migration, and one request in it
    const v1 = new Database(tmp.file());
    v1.exec(MIGRATIONS[0]?.sql ?? '');
    const r = sampleRequest();
    v1.prepare(`INSERT INTO fix_requests (id, instance_id, instance_name, requested_by, requested_at, expires_at, state, approved_locks, plan, evidence, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`).run(r.id, r.instanceId, r.instanceName, r.requestedBy, r.requestedAt, r.expiresAt,
      JSON.stringify(r.approvedLocks), JSON.stringify(r.plan), JSON.stringify(r.evidence), r.requestedAt);
    v1.pragma('user_version = 1');
    v1.close();

    const store = openSqliteStore({ path: tmp.file() });
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(await store.get(r.id)).toMatchObject({ id: r.id, state: 'running', runnerId: null, heartbeatAt: null });
    expect(await store.transition(r.id, ['running'], 'running', { runnerId: 'bot-a/1/ab', heartbeatAt: '2026-11-25T02:20:00Z' })).toBe(true);
    expect(await store.get(r.id)).toMatchObject({ runnerId: 'bot-a/1/ab', heartbeatAt: '2026-11-25T02:20:00Z' });
    await store.close();
  });

  it('re-opens a migrated file without applying anything twice', async () => {
    openSqliteStore({ path: tmp.file() }).close();
    const again = openSqliteStore({ path: tmp.file() });
    expect(again.schemaVersion).toBe(SCHEMA_VERSION);
    again.close();

    const raw = new Database(tmp.file(), { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('refuses a database written by a newer vmlocks and leaves it untouched', async () => {
    openSqliteStore({ path: tmp.file() }).close();
    const raw = new Database(tmp.file());
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();

    let caught: unknown;
    try {
      openSqliteStore({ path: tmp.file() });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect(caught).toMatchObject({ code: 'schema_too_new', userMessage: expect.stringContaining('newer vmlocks') });

    const after = new Database(tmp.file(), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('opens the file in WAL mode with foreign keys, synchronous FULL (the audit survives a power cut) and a busy timeout', async () => {
    const store = openSqliteStore({ path: tmp.file(), busyTimeoutMs: 3_000 });
    expect(store.connectionSettings()).toEqual({ journalMode: 'wal', synchronous: 2, foreignKeys: true, busyTimeoutMs: 3_000 });
    await store.close();
  });

  it('works on an in-memory database', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(await store.listByState(['pending'])).toEqual([]);
    await store.close();
  });

  it('has the same schema versions, names and order on PostgreSQL as on SQLite', () => {
    expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
  });
});
