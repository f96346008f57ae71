/**
 * Applies the pending PostgreSQL migrations in one transaction (PostgreSQL's DDL is transactional: a failed
 * migration leaves nothing behind). Replicas that start together take a transaction-scoped advisory lock first: the
 * second one waits, then finds nothing left to do.
 */
import type { PoolClient } from 'pg';
import type { Logger } from '../../observability/logger.js';
import { SCHEMA_VERSION } from '../migrations/index.js';
import { StoreError } from '../store-errors.js';
import { PG_MIGRATIONS } from './pg-migrations.js';

/** pg_advisory_xact_lock keys; any 64-bit numbers that no other application on the database uses. */
export const MIGRATION_LOCK = 7_346_021_001;

export async function readPgSchemaVersion(client: PoolClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (exists.rows[0]?.t == null) return 0;
  const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}

export async function migratePg(
  client: PoolClient, opts: { location: string; logger?: Logger; target?: number },
): Promise<{ from: number; to: number }> {
  const target = opts.target ?? SCHEMA_VERSION;
  let from: number | null = null;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    from = await readPgSchemaVersion(client);
    if (from > SCHEMA_VERSION) throw schemaTooNew(opts.location, from);
    if (from >= target) {
      await client.query('COMMIT');
      return { from, to: from };
    }
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= from || m.version > target) continue;
      try {
        await client.query(m.sql);
      } catch (cause) {
        throw new StoreError('migration_failed', `migration ${m.version} (${m.name}) failed on ${opts.location}`, { cause });
      }
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
    opts.logger?.info({ event: 'store_migrated', db: opts.location, from, to: target }, 'database schema migrated');
    return { from, to: target };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw isPermissionDenied(e) ? notPermitted(opts.location, from, target, e) : e;
  }
}

/** SQLSTATE 42501: the role lacks a privilege (a bot role of docs/postgres.md that meets an older schema). */
function isPermissionDenied(e: unknown): boolean {
  const code = (x: unknown): unknown => (typeof x === 'object' && x !== null ? Reflect.get(x, 'code') : undefined);
  return code(e) === '42501' || (e instanceof StoreError && code(e.cause) === '42501');
}

function notPermitted(location: string, from: number | null, target: number, e: unknown): StoreError {
  const cause = e instanceof StoreError ? e.cause : e;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const what = from === null
    ? 'cannot read its schema version'
    : `has schema version ${from}, this vmlocks needs ${target}, and this role may not change the schema`;
  return new StoreError('migration_failed', `database ${location} ${what}: ${reason}`, {
    cause,
    userMessage: `The database ${location} ${what} (${reason}). Nothing was changed. Run \`vmlocks migrate\` as the ` +
      "database's owner role, then the owner's GRANTs of docs/postgres.md, and start vmlocks again.",
  });
}

function schemaTooNew(location: string, found: number): StoreError {
  return new StoreError('schema_too_new', `database ${location} has schema version ${found}; this vmlocks knows versions up to ${SCHEMA_VERSION}`, {
    userMessage:
      `The database ${location} was written by a newer vmlocks (schema version ${found}, this one knows up to ${SCHEMA_VERSION}). ` +
      'Nothing was changed. Run the newer vmlocks, or point VMLOCKS_DB at another database.',
  });
}
