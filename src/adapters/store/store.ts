/** What both stores (SQLite, PostgreSQL) offer the composition root, the CLI and the tests: the ports and more. */
import type { AuditLog, BatchStore, FixRequestStore, HostWatchStore } from '../../ports.js';
import type { StoredDecision } from './stored-rows.js';

export interface Store extends FixRequestStore, BatchStore, AuditLog, HostWatchStore {
  /** Which database: the SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  readonly kind: 'sqlite' | 'postgres';
  readonly schemaVersion: number;
  /** Every approve/deny/expire/refusal of a request, oldest first. */
  listDecisions(requestId: string): Promise<StoredDecision[]>;
  close(): Promise<void>;
}

/** VMLOCKS_DB: a `postgres://` or `postgresql://` URL selects PostgreSQL; anything else is a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A PostgreSQL URL fit for logs: the password replaced by `***`. */
export function redactUrl(location: string): string {
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(an unparsable database URL)';
  }
}
