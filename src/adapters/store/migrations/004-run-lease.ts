/**
 * Schema version 4: runs (and host batches) are held with a lease (README "Replicas"). `lease_expires_at` is set from the database's
 * clock when a run starts and each time its runner renews it; a run whose lease lapsed is reported interrupted by
 * whichever replica sweeps first (compare-and-set). An interrupted run keeps guarding its instance (one open request
 * per instance) until its runner records its real end or an operator clears it (`vmlocks clear-run`): the runner
 * that lost its lease may still be finishing the command it had started.
 * Interrupted runs from before this version were already treated as closed: they are recorded as cleared.
 */
import type { Migration } from './migration.js';

export const runLease: Migration = {
  version: 4,
  name: 'run-lease',
  sql: `
ALTER TABLE fix_requests ADD COLUMN lease_expires_at TEXT;
ALTER TABLE fix_requests ADD COLUMN cleared_at TEXT;
ALTER TABLE fix_requests ADD COLUMN cleared_by TEXT;
ALTER TABLE fix_requests ADD COLUMN clear_reason TEXT;
ALTER TABLE host_batches ADD COLUMN lease_expires_at TEXT;
UPDATE fix_requests SET cleared_at = updated_at, cleared_by = 'migration 4', clear_reason = 'interrupted before runs had leases'
  WHERE state = 'interrupted';
DROP INDEX fix_requests_one_open;
CREATE UNIQUE INDEX fix_requests_one_open ON fix_requests (instance_id)
  WHERE state IN ('pending', 'approved', 'running') OR (state = 'interrupted' AND cleared_at IS NULL);
`,
};
