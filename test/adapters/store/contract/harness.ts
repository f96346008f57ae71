/**
 * What the store contract (store-contract.ts) needs from each database: a fresh database, stores opened on it (two
 * stores are two replicas), raw SQL beside the store (to try what vmlocks' code never does), a database at an older
 * schema version, and a way to let the database's clock pass (SQLite: the injected clock; PostgreSQL: real time).
 */
import Database from 'better-sqlite3';
import { openSqliteStore, type Store } from '../../../../src/adapters/store/index.js';
import { MIGRATIONS } from '../../../../src/adapters/store/migrations/index.js';
import { openPostgresStore } from '../../../../src/adapters/store/postgres/postgres-store.js';
import { freshPgSchema, type PgSchema } from '../../../support/pg-lab.js';
import { freshRoleDatabase } from '../../../support/pg-roles.js';
import { manualClock, tempDir } from '../support/sample-request.js';

export interface RawDb {
  /** SQL with `?` placeholders (numbered for PostgreSQL). */
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export interface StoreHarness {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
  raw(): Promise<RawDb>;
  /** Leaves the database at schema `version` (then open() upgrades it). */
  migrateOnlyTo(version: number): Promise<void>;
  /** Lets `ms` pass on the database's clock. */
  lapse(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

export function sqliteHarness(): StoreHarness {
  const tmp = tempDir();
  const clock = manualClock(new Date().toISOString());
  const file = tmp.file();
  return {
    name: 'sqlite',
    open: async () => openSqliteStore({ path: file, clock }),
    raw: async () => {
      const db = new Database(file);
      return { run: async (sql, params = []) => { db.prepare(sql).run(...params); }, close: async () => { db.close(); } };
    },
    migrateOnlyTo: async (version) => {
      const db = new Database(file);
      for (const m of MIGRATIONS) if (m.version <= version) db.exec(m.sql);
      db.pragma(`user_version = ${version}`);
      db.close();
    },
    lapse: async (ms) => clock.advance(ms),
    cleanup: async () => tmp.remove(),
  };
}

const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function postgresHarness(): Promise<StoreHarness> {
  const schema: PgSchema = await freshPgSchema('contract');
  return {
    name: 'postgres',
    open: () => openPostgresStore({ url: schema.url }),
    raw: async () => ({ run: async (sql, params = []) => { await schema.query(numbered(sql), params); }, close: async () => {} }),
    migrateOnlyTo: async (version) => (await openPostgresStore({ url: schema.url, migrateTo: version })).close(),
    lapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: () => schema.drop(),
  };
}

/**
 * PostgreSQL with the roles of docs/postgres.md: the stores connect as the bot role; before they open, the schema is
 * brought up to date as an operator does on each upgrade (`vmlocks migrate` as the owner, then the doc's GRANTs);
 * raw SQL runs as the owner (the triggers must refuse history rewrites to the owner too).
 */
export async function postgresRolesHarness(): Promise<StoreHarness> {
  const db = await freshRoleDatabase('contract');
  let current = false;
  return {
    name: 'postgres',
    open: async () => {
      if (!current) {
        await db.migrate(db.ownerUrl);
        await db.grant();
        current = true;
      }
      return openPostgresStore({ url: db.botUrl });
    },
    raw: async () => ({ run: async (sql, params = []) => { await db.query(db.ownerUrl, numbered(sql), params); }, close: async () => {} }),
    migrateOnlyTo: async (version) => {
      await (await openPostgresStore({ url: db.ownerUrl, migrateTo: version })).close();
      current = false;
    },
    lapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: () => db.drop(),
  };
}
