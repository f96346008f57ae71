/**
 * Schema version 2: who runs a fix and when it last said so. Several replicas may share one database file; a replica
 * that starts must not report another replica's live run as interrupted (see core/run-liveness.ts).
 */
import type { Migration } from './migration.js';

export const runHeartbeat: Migration = {
  version: 2,
  name: 'run-heartbeat',
  sql: `
ALTER TABLE fix_requests ADD COLUMN runner_id TEXT;
ALTER TABLE fix_requests ADD COLUMN heartbeat_at TEXT;
`,
};
