/**
 * Schema version 1: fix requests, their decisions, runs and steps, and the append-only audit log.
 * Tables are STRICT (SQLite >= 3.37) so that a wrong type is refused at write time, not discovered at read time.
 */
import type { Migration } from './migration.js';

const OPEN_STATES = `('pending', 'approved', 'running')`;
const ALL_STATES = `('pending', 'denied', 'expired', 'approved', 'running', 'succeeded', 'failed', 'aborted', 'interrupted')`;

/** BEFORE UPDATE/DELETE triggers that make a table append-only for every writer, not only for vmlocks' code. */
function appendOnly(table: string): string {
  return `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows cannot be updated'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows cannot be deleted'); END;`;
}

export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE fix_requests (
  id               TEXT PRIMARY KEY,
  instance_id      TEXT NOT NULL,
  instance_name    TEXT NOT NULL,
  requested_by     TEXT NOT NULL,
  requested_at     TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ${ALL_STATES}),
  approved_locks   TEXT NOT NULL CHECK (json_valid(approved_locks)),
  plan             TEXT NOT NULL CHECK (json_valid(plan)),
  evidence         TEXT NOT NULL CHECK (json_valid(evidence)),
  decided_by       TEXT,
  decided_at       TEXT,
  deny_reason      TEXT,
  approval_message TEXT CHECK (approval_message IS NULL OR json_valid(approval_message)),
  origin           TEXT CHECK (origin IS NULL OR json_valid(origin)),
  last_step        TEXT,
  finished_at      TEXT,
  outcome          TEXT,
  updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX fix_requests_instance ON fix_requests (instance_id);
CREATE INDEX fix_requests_state ON fix_requests (state);
-- The mutex of "one open fix per instance": it holds across processes and replicas sharing the file.
CREATE UNIQUE INDEX fix_requests_one_open ON fix_requests (instance_id) WHERE state IN ${OPEN_STATES};

CREATE TABLE decisions (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL REFERENCES fix_requests (id),
  decision   TEXT NOT NULL CHECK (decision IN ('approved', 'denied', 'expired', 'refused')),
  actor      TEXT NOT NULL,
  at         TEXT NOT NULL,
  reason     TEXT
) STRICT;
CREATE INDEX decisions_request ON decisions (request_id, seq);
${appendOnly('decisions')}

-- One row per run start: the fix brake counts these, so the count survives restarts.
CREATE TABLE fix_runs (
  request_id TEXT PRIMARY KEY REFERENCES fix_requests (id),
  started_at TEXT NOT NULL
) STRICT;
CREATE INDEX fix_runs_started ON fix_runs (started_at);
${appendOnly('fix_runs')}

CREATE TABLE fix_run_steps (
  request_id  TEXT NOT NULL REFERENCES fix_requests (id),
  seq         INTEGER NOT NULL,
  step        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('started', 'ok', 'failed', 'skipped')),
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  detail      TEXT NOT NULL,
  PRIMARY KEY (request_id, seq)
) STRICT;

CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  instance_id TEXT,
  request_id  TEXT,
  detail      TEXT NOT NULL,
  command     TEXT CHECK (command IS NULL OR json_valid(command)),
  http        TEXT CHECK (http IS NULL OR json_valid(http)),
  -- Derived from the JSON records so that an operator can query them with the sqlite3 shell.
  argv        TEXT GENERATED ALWAYS AS (json_extract(command, '$.argv')) VIRTUAL,
  exit_code   INTEGER GENERATED ALWAYS AS (json_extract(command, '$.exitCode')) VIRTUAL,
  http_status INTEGER GENERATED ALWAYS AS (json_extract(http, '$.status')) VIRTUAL,
  duration_ms REAL GENERATED ALWAYS AS (coalesce(json_extract(command, '$.durationMs'), json_extract(http, '$.durationMs'))) VIRTUAL
) STRICT;
CREATE INDEX audit_log_instance ON audit_log (instance_id, seq);
CREATE INDEX audit_log_request ON audit_log (request_id, seq);
${appendOnly('audit_log')}

-- Every decision is recorded by the database itself, whoever writes the state change.
CREATE TRIGGER fix_requests_decided AFTER UPDATE OF state ON fix_requests
WHEN OLD.state <> NEW.state AND NEW.state IN ('approved', 'denied', 'expired')
BEGIN
  INSERT INTO decisions (request_id, decision, actor, at, reason)
  VALUES (NEW.id, NEW.state, coalesce(NEW.decided_by, 'system'), coalesce(NEW.decided_at, NEW.updated_at), NEW.deny_reason);
END;

CREATE TRIGGER fix_requests_run_started AFTER UPDATE OF state ON fix_requests
WHEN OLD.state <> 'running' AND NEW.state = 'running'
BEGIN
  INSERT OR IGNORE INTO fix_runs (request_id, started_at) VALUES (NEW.id, NEW.updated_at);
END;

-- A refusal (self-approval, not authorised, expired, brake...) is a decision too; the audit entry carries it.
CREATE TRIGGER audit_log_refusal AFTER INSERT ON audit_log
WHEN NEW.action = 'refuse' AND NEW.request_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM fix_requests WHERE id = NEW.request_id)
BEGIN
  INSERT INTO decisions (request_id, decision, actor, at, reason)
  VALUES (NEW.request_id, 'refused', NEW.actor, NEW.at, NEW.detail);
END;
`,
};
