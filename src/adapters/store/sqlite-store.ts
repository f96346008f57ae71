/**
 * The embedded store: one SQLite file (VMLOCKS_DB) holding fix requests, decisions, runs, steps, the audit log and
 * the host watch's records.
 * Several processes or replicas ON ONE HOST may share the file: WAL lets readers run beside the single writer,
 * busy_timeout makes a writer wait for the lock instead of failing with SQLITE_BUSY, and every decision is a
 * compare-and-set. A file on a network filesystem is refused (network-filesystem.ts); replicas on several hosts use
 * PostgreSQL (postgres-store.ts).
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import type { Clock } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { createSqliteAuditLog } from './sqlite-audit-log.js';
import { createSqliteFixRequestStore } from './sqlite-fix-request-store.js';
import { refuseNetworkFilesystem, type StatFs } from './network-filesystem.js';
import type { Store } from './store.js';
import { createSqliteBatchStore } from './sqlite-batch-store.js';
import { createSqliteHostWatchStore } from './sqlite-host-watch-store.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:` (one connection only: nothing is shared or kept). */
  path: string;
  logger?: Logger;
  clock?: Clock;
  /** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** statfs(2) of the file's directory (tests pass a fake one to play a network filesystem). */
  statfs?: StatFs;
  /** Only for the durability benchmark (bench/store-sync.ts): NORMAL to measure what FULL costs. Default FULL. */
  synchronous?: 'FULL' | 'NORMAL';
}

export interface SqliteStore extends Store {
  readonly path: string;
  /** The connection's settings as SQLite reports them (for diagnostics and tests). */
  connectionSettings(): ConnectionSettings;
}

export interface ConnectionSettings {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
}

/** Default wait for the write lock; a write holds it for well under a millisecond, a migration for a few. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

const systemClock: Clock = { now: () => new Date() };

/**
 * The database holds who asked and approved what, and the audit: readable by its owner only. SQLite creates the
 * -wal and -shm files with the permissions of the database file (os_unix.c, robust_open), so the file is created
 * 0600 before SQLite opens it, and an existing one (and its companions) is narrowed to 0600.
 */
function restrictFile(path: string): void {
  if (path === ':memory:' || path === '') return;
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  const clock = opts.clock ?? systemClock;
  refuseNetworkFilesystem(opts.path, opts.statfs);
  restrictFile(opts.path);
  // `timeout` is better-sqlite3's busy_timeout, set before the first statement (journal_mode itself may wait).
  const db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    // FULL: each commit is fsynced to the WAL before it returns, so the audit of a command already run survives a
    // power cut of the host (NORMAL survives a crash of the process only). Measured in `npm run bench` (README).
    db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db, { file: opts.path, now: () => clock.now(), ...(opts.logger ? { logger: opts.logger } : {}) });
  } catch (e) {
    db.close();
    throw e;
  }
  const schemaVersion = readSchemaVersion(db);
  opts.logger?.debug({ event: 'store_opened', file: opts.path, schemaVersion }, 'database opened');
  return {
    ...createSqliteFixRequestStore(db, clock),
    ...createSqliteAuditLog(db),
    ...createSqliteBatchStore(db, clock),
    ...createSqliteHostWatchStore(db, clock),
    path: opts.path,
    location: opts.path,
    kind: 'sqlite',
    schemaVersion,
    connectionSettings: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
      foreignKeys: Number(db.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
    }),
    close: async () => {
      if (!db.open) return;
      // Recommended before closing a long-lived connection (https://sqlite.org/pragma.html#pragma_optimize).
      db.pragma('optimize');
      db.close();
    },
  };
}
