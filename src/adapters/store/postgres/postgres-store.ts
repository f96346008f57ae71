/**
 * The PostgreSQL store (VMLOCKS_DB=postgres://…): the same ports as the SQLite one, for replicas on several hosts.
 * One pool per process; every statement has a timeout, and a server that cannot be reached at start is a coded
 * error that says what to check.
 */
import pg from 'pg';
import type { Logger } from '../../observability/logger.js';
import { StoreError } from '../store-errors.js';
import { redactUrl, type Store } from '../store.js';
import { createPgAuditLog } from './pg-audit-log.js';
import { createPgBatchStore } from './pg-batch-store.js';
import { createPgFixRequestStore } from './pg-fix-request-store.js';
import { createPgHostWatchStore } from './pg-host-watch-store.js';
import { migratePg } from './pg-migrate.js';

export interface PostgresStoreOptions {
  url: string;
  logger?: Logger;
  /** Pool size per replica (a decision uses one connection for a few milliseconds). */
  maxConnections?: number;
  /** Per statement, and for a connection attempt. */
  timeoutMs?: number;
  /** Tests only: migrate to this version instead of the newest (the upgrade test). */
  migrateTo?: number;
}

export interface PostgresStore extends Store {
  readonly pool: pg.Pool;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const location = redactUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: opts.url, max: opts.maxConnections ?? 10, connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs, query_timeout: timeoutMs + 1_000, idleTimeoutMillis: 30_000,
    application_name: 'vmlocks',
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that would kill the process.
  pool.on('error', (e) => opts.logger?.warn({ event: 'db_connection_lost', db: location, err: e }, 'a PostgreSQL connection was lost'));
  let schemaVersion: number;
  try {
    const client = await pool.connect().catch((cause: unknown) => {
      throw new StoreError('unavailable', `cannot connect to ${location}`, {
        cause, userMessage: `Cannot connect to the PostgreSQL database ${location}: ${cause instanceof Error ? cause.message : String(cause)}. Check VMLOCKS_DB (host, port, user, password, database) and that the server accepts connections from this host.`,
      });
    });
    try {
      schemaVersion = (await migratePg(client, { location, ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.migrateTo ? { target: opts.migrateTo } : {}) })).to;
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end();
    throw e;
  }
  opts.logger?.debug({ event: 'store_opened', db: location, schemaVersion }, 'database opened');
  let closed = false;
  return {
    ...createPgFixRequestStore(pool),
    ...createPgAuditLog(pool),
    ...createPgBatchStore(pool),
    ...createPgHostWatchStore(pool),
    location,
    kind: 'postgres',
    schemaVersion,
    pool,
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
