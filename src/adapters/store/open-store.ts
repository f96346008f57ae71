/** Opens the store VMLOCKS_DB names: a `postgres://` URL (several replicas, any hosts) or a SQLite file (one host). */
import type { Clock } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import { openSqliteStore } from './sqlite-store.js';
import { isPostgresUrl, type Store } from './store.js';

export interface OpenStoreOptions {
  logger?: Logger;
  /** SQLite only: the host's clock is the database's clock. PostgreSQL judges leases by its own now(). */
  clock?: Clock;
}

export async function openStore(location: string, opts: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) {
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore({ url: location, ...(opts.logger ? { logger: opts.logger } : {}) });
  }
  return openSqliteStore({ path: location, ...opts });
}
