/**
 * The durable store: one SQLite file (VMLOCKS_DB) holding fix requests, decisions, runs, steps and the audit log.
 * Several processes or replicas may share the file: WAL lets readers run beside the single writer, busy_timeout
 * makes a writer wait for the lock instead of failing with SQLITE_BUSY, and every decision is a compare-and-set.
 */
import Database from 'better-sqlite3';
import type { AuditLog, BatchStore, Clock } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { createSqliteAuditLog } from './sqlite-audit-log.js';
import { createSqliteBatchStore } from './sqlite-batch-store.js';
import { createSqliteFixRequestStore, type SqliteFixRequestStore } from './sqlite-fix-request-store.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:` (one connection only: nothing is shared or kept). */
  path: string;
  logger?: Logger;
  clock?: Clock;
  /** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

export interface SqliteStore extends SqliteFixRequestStore, AuditLog, BatchStore {
  readonly path: string;
  readonly schemaVersion: number;
  /** The connection's settings as SQLite reports them (for diagnostics and tests). */
  connectionSettings(): ConnectionSettings;
  close(): void;
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

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  const clock = opts.clock ?? systemClock;
  // `timeout` is better-sqlite3's busy_timeout, set before the first statement (journal_mode itself may wait).
  const db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across a crash of the process in WAL mode; only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
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
    path: opts.path,
    schemaVersion,
    connectionSettings: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
      foreignKeys: Number(db.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
    }),
    close: () => {
      if (!db.open) return;
      // Recommended before closing a long-lived connection (https://sqlite.org/pragma.html#pragma_optimize).
      db.pragma('optimize');
      db.close();
    },
  };
}
