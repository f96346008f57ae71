/**
 * Applies the pending migrations in one IMMEDIATE transaction. The version lives in `PRAGMA user_version` (checked
 * first, cheap to read from the file header) and each applied migration is also recorded in `schema_migrations`.
 * Several processes may open a new file at once: the write lock taken by BEGIN IMMEDIATE makes the second one wait
 * (busy_timeout) and then find nothing left to do.
 */
import type { Database } from 'better-sqlite3';
import type { Logger } from '../observability/logger.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.js';
import { StoreError } from './store-errors.js';

export interface MigrationOutcome {
  from: number;
  to: number;
}

export function readSchemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

export function migrate(db: Database, opts: { file: string; now: () => Date; logger?: Logger }): MigrationOutcome {
  const apply = db.transaction((): MigrationOutcome => {
    const from = readSchemaVersion(db);
    if (from > SCHEMA_VERSION) throw schemaTooNew(opts.file, from);
    if (from === SCHEMA_VERSION) return { from, to: from };
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      try {
        db.exec(m.sql);
      } catch (cause) {
        throw new StoreError('migration_failed', `migration ${m.version} (${m.name}) failed on ${opts.file}`, { cause });
      }
      record.run(m.version, m.name, opts.now().toISOString());
    }
    // PRAGMA user_version is part of the transaction: it rolls back with the migrations if anything fails.
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return { from, to: SCHEMA_VERSION };
  });
  const outcome = apply.immediate();
  if (outcome.from !== outcome.to) {
    opts.logger?.info({ event: 'store_migrated', file: opts.file, from: outcome.from, to: outcome.to }, 'database schema migrated');
  }
  return outcome;
}

function schemaTooNew(file: string, found: number): StoreError {
  return new StoreError(
    'schema_too_new',
    `database ${file} has schema version ${found}; this vmlocks knows versions up to ${SCHEMA_VERSION}`,
    {
      userMessage:
        `The database ${file} was written by a newer vmlocks (schema version ${found}, this one knows up to ${SCHEMA_VERSION}). ` +
        'Nothing was changed. Run the newer vmlocks, or point VMLOCKS_DB at another file.',
    },
  );
}
