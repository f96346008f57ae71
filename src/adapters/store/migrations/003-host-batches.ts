/**
 * Schema version 3: host batches (one request for every stale instance of a compute host) and their items. One open
 * batch per host is a unique partial index, as one open fix per instance is; the decisions of a batch are recorded
 * by a trigger like those of fix requests. Each item's run is a fix request of its own (fix_requests.id).
 */
import type { Migration } from './migration.js';

export const hostBatches: Migration = {
  version: 3,
  name: 'host-batches',
  sql: `
CREATE TABLE host_batches (
  id               TEXT PRIMARY KEY,
  host             TEXT NOT NULL,
  requested_by     TEXT NOT NULL,
  requested_at     TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'denied', 'expired', 'running', 'finished', 'paused', 'interrupted')),
  excluded         TEXT NOT NULL CHECK (json_valid(excluded)),
  decided_by       TEXT,
  decided_at       TEXT,
  deny_reason      TEXT,
  approval_message TEXT CHECK (approval_message IS NULL OR json_valid(approval_message)),
  origin           TEXT CHECK (origin IS NULL OR json_valid(origin)),
  finished_at      TEXT,
  outcome          TEXT,
  runner_id        TEXT,
  heartbeat_at     TEXT,
  updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX host_batches_state ON host_batches (state);
CREATE UNIQUE INDEX host_batches_one_open ON host_batches (host) WHERE state IN ('pending', 'running');

CREATE TABLE host_batch_items (
  batch_id       TEXT NOT NULL REFERENCES host_batches (id),
  seq            INTEGER NOT NULL,
  instance_id    TEXT NOT NULL,
  instance_name  TEXT NOT NULL,
  approved_locks TEXT NOT NULL CHECK (json_valid(approved_locks)),
  plan           TEXT NOT NULL CHECK (json_valid(plan)),
  evidence       TEXT NOT NULL CHECK (json_valid(evidence)),
  status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'skipped')),
  reason         TEXT,
  request_id     TEXT,
  PRIMARY KEY (batch_id, seq),
  UNIQUE (batch_id, instance_id)
) STRICT;

CREATE TABLE host_batch_decisions (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id TEXT NOT NULL REFERENCES host_batches (id),
  decision TEXT NOT NULL CHECK (decision IN ('running', 'denied', 'expired')),
  actor    TEXT NOT NULL,
  at       TEXT NOT NULL,
  reason   TEXT
) STRICT;
CREATE TRIGGER host_batch_decisions_no_update BEFORE UPDATE ON host_batch_decisions
BEGIN SELECT RAISE(ABORT, 'host_batch_decisions is append-only: rows cannot be updated'); END;
CREATE TRIGGER host_batch_decisions_no_delete BEFORE DELETE ON host_batch_decisions
BEGIN SELECT RAISE(ABORT, 'host_batch_decisions is append-only: rows cannot be deleted'); END;

CREATE TRIGGER host_batches_decided AFTER UPDATE OF state ON host_batches
WHEN OLD.state = 'pending' AND NEW.state IN ('running', 'denied', 'expired')
BEGIN
  INSERT INTO host_batch_decisions (batch_id, decision, actor, at, reason)
  VALUES (NEW.id, NEW.state, coalesce(NEW.decided_by, 'system'), coalesce(NEW.decided_at, NEW.updated_at), NEW.deny_reason);
END;
`,
};
