export { openSqliteStore, DEFAULT_BUSY_TIMEOUT_MS, type ConnectionSettings, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { openStore, type OpenStoreOptions } from './open-store.js';
export { isPostgresUrl, redactUrl, type Store } from './store.js';
export { HostBusyError, InstanceBusyError, StoreError, type StoreErrorCode } from './store-errors.js';
export { SCHEMA_VERSION } from './migrations/index.js';
export type { StoredDecision } from './stored-rows.js';
