// The roles of docs/postgres.md, verified on the PostgreSQL lab: a fresh database and the two roles made with the
// doc's own SQL, the schema created by `vmlocks migrate` as the owner, the doc's GRANTs. Then the whole store
// contract passes connected as the bot role, and what the bot role must not do, it cannot: rewrite history, change
// the schema, or migrate (a schema older than the code is refused with a message that says to run `vmlocks migrate`).
// The owner cannot rewrite history either (the triggers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { SCHEMA_VERSION } from '../../../src/adapters/store/migrations/index.js';
import { freshRoleDatabase, type RoleDatabase } from '../../support/pg-roles.js';
import { postgresRolesHarness } from './contract/harness.js';
import { describeStoreContract } from './contract/store-contract.js';
import { sampleBatch } from './support/sample-batch.js';
import { sampleRequest } from './support/sample-request.js';

const HISTORY = ['audit_log', 'decisions', 'fix_runs', 'host_batch_decisions'];
const REWRITES = (table: string): string[] => {
  const column = table === 'fix_runs' ? 'started_at' : 'at';
  return [`UPDATE ${table} SET ${column} = ${column}`, `DELETE FROM ${table}`, `TRUNCATE ${table}`];
};

describeStoreContract('PostgreSQL, connected as the bot role of docs/postgres.md,', postgresRolesHarness);

describe('the bot role of docs/postgres.md', () => {
  let db: RoleDatabase;
  let store: PostgresStore;
  const as = (url: string, sql: string): Promise<unknown> => db.query(url, sql);

  beforeAll(async () => {
    db = await freshRoleDatabase();
    expect((await db.migrate(db.ownerUrl)).stdout).toContain(`schema version ${SCHEMA_VERSION}`);
    await db.grant();
    store = await openPostgresStore({ url: db.botUrl });
    const request = sampleRequest();
    await store.create(request);
    await store.append({ at: request.requestedAt, actor: 'U0ONCALL', action: 'inspect', instanceId: request.instanceId, requestId: null, detail: 'verdict stale' });
    await store.decide({ id: request.id, from: ['pending'], to: 'approved', patch: { decidedBy: 'U0APPROVER' }, start: { runnerId: 'r1', leaseMs: 30_000 } });
  });

  it('runs a host batch: create, the decision, its items, its lease (the store contract does not cover batches)', async () => {
    const batch = sampleBatch();
    await store.createBatch(batch);
    expect(await store.transitionBatch(batch.id, ['pending'], 'running', { decidedBy: 'U0APPROVER' }, { runnerId: 'r1', leaseMs: 30_000 })).toBe(true);
    expect(await store.transitionBatch(batch.id, ['pending'], 'denied')).toBe(false);
    const done = batch.items[0];
    if (done === undefined) throw new Error('a sample batch has items');
    await store.updateBatchItem(batch.id, done.instanceId, { status: 'done', reason: 'unlocked and rebooted', requestId: 'fx-1' });
    await store.updateBatch(batch.id, { outcome: 'one of two' });
    expect(await store.renewBatchLease(batch.id, { runnerId: 'r1', leaseMs: 30_000 })).toBe(true);
    expect(await store.listLapsedBatches()).toEqual([]);
    expect(await store.getBatch(batch.id)).toMatchObject({ state: 'running', decidedBy: 'U0APPROVER', outcome: 'one of two', items: [{ status: 'done' }, { status: 'pending' }] });
    expect((await db.query(db.botUrl, 'SELECT decision FROM host_batch_decisions')).rows).toEqual([{ decision: 'running' }]);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('is granted every table of the schema: each table migrations create is in the doc\'s GRANTs', async () => {
    const tables = await db.query(db.botUrl, `SELECT tablename AS t, has_table_privilege(tablename, 'SELECT') AS s, has_table_privilege(tablename, 'INSERT') AS i
      FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    expect(tables.rows.length).toBeGreaterThanOrEqual(10);
    for (const row of tables.rows as { t: string; s: boolean; i: boolean }[]) {
      expect({ table: row.t, select: row.s, insert: row.i }).toEqual({ table: row.t, select: true, insert: row.t !== 'schema_migrations' });
    }
  });

  it('cannot update, delete or truncate the history tables (no grant), and the owner cannot either (the triggers)', async () => {
    for (const table of HISTORY) {
      for (const sql of REWRITES(table)) {
        await expect(as(db.botUrl, sql), sql).rejects.toThrow(`permission denied for table ${table}`);
        await expect(as(db.ownerUrl, sql), sql).rejects.toThrow(`${table} is append-only`);
      }
    }
    expect(await store.list({})).toHaveLength(1);
    expect(await store.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(1);
  });

  it('cannot alter or drop a table, disable a trigger, or create one', async () => {
    for (const sql of ['ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only', 'ALTER TABLE fix_requests ADD COLUMN x text',
      'DROP TABLE audit_log', 'DROP TRIGGER audit_log_append_only ON audit_log', 'DROP FUNCTION vmlocks_append_only() CASCADE']) {
      await expect(as(db.botUrl, sql), sql).rejects.toThrow(/must be owner of (table|relation|function)/);
    }
    await expect(as(db.botUrl, 'CREATE TABLE t (x int)')).rejects.toThrow('permission denied for schema public');
    await expect(as(db.botUrl, 'UPDATE schema_migrations SET version = 99')).rejects.toThrow('permission denied for table schema_migrations');
  });

  it('cannot migrate: a schema older than the code is refused, nothing changed, the message says to run `vmlocks migrate` as the owner', async () => {
    const old = await freshRoleDatabase();
    try {
      await (await openPostgresStore({ url: old.ownerUrl, migrateTo: SCHEMA_VERSION - 1 })).close();
      await old.query(old.ownerUrl, `GRANT SELECT ON schema_migrations TO ${old.bot}`);
      const cli = await old.migrate(old.botUrl, { reject: false });
      expect(cli.exitCode).toBe(1);
      expect(cli.stderr).toContain(`has schema version ${SCHEMA_VERSION - 1}, this vmlocks needs ${SCHEMA_VERSION}, and this role may not change the schema`);
      expect(cli.stderr).toContain('Nothing was changed. Run `vmlocks migrate` as the database\'s owner role');
      await expect(openPostgresStore({ url: old.botUrl })).rejects.toMatchObject({ code: 'migration_failed', userMessage: expect.stringContaining('`vmlocks migrate`') });
      expect((await old.query(old.ownerUrl, 'SELECT max(version) AS v FROM schema_migrations')).rows[0]).toEqual({ v: SCHEMA_VERSION - 1 });

      // the operator's upgrade: migrate as the owner, the GRANTs, then the bot starts
      expect((await old.migrate(old.ownerUrl)).stdout).toContain(`schema version ${SCHEMA_VERSION}`);
      await old.grant();
      const bot = await openPostgresStore({ url: old.botUrl });
      expect(bot.schemaVersion).toBe(SCHEMA_VERSION);
      await bot.close();
    } finally {
      await old.drop();
    }
  });

  it('without the GRANTs, cannot even read the schema version, and says which GRANTs to run', async () => {
    const bare = await freshRoleDatabase();
    try {
      await bare.migrate(bare.ownerUrl);
      await expect(openPostgresStore({ url: bare.botUrl })).rejects.toMatchObject({
        code: 'migration_failed', userMessage: expect.stringMatching(/cannot read its schema version \(permission denied for table schema_migrations\).*GRANTs of docs\/postgres\.md/),
      });
    } finally {
      await bare.drop();
    }
  });
});
