/**
 * The PostgreSQL schema, version for version the same as SQLite's (migrations/*.ts), so that one SCHEMA_VERSION
 * describes both stores. Append new ones; never edit or reorder released ones. Times the bot writes are ISO text
 * (as in SQLite, so that both stores give back the same strings); the lease is a timestamptz set by now().
 * Append-only tables are enforced by triggers for every role, the table owner's included (docs/postgres.md adds the
 * grants of a bot role that cannot disable them).
 */
import type { Migration } from '../migrations/migration.js';

const ALL_STATES = `('pending', 'denied', 'expired', 'approved', 'running', 'succeeded', 'failed', 'aborted', 'interrupted')`;

function appendOnly(table: string): string {
  return `
CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION vmlocks_append_only();
CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION vmlocks_append_only();`;
}

const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE FUNCTION vmlocks_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: rows cannot be %', TG_TABLE_NAME,
    CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TABLE fix_requests (
  id               text PRIMARY KEY,
  instance_id      text NOT NULL,
  instance_name    text NOT NULL,
  requested_by     text NOT NULL,
  requested_at     text NOT NULL,
  expires_at       text NOT NULL,
  state            text NOT NULL CHECK (state IN ${ALL_STATES}),
  approved_locks   jsonb NOT NULL,
  plan             jsonb NOT NULL,
  evidence         jsonb NOT NULL,
  decided_by       text,
  decided_at       text,
  deny_reason      text,
  approval_message jsonb,
  origin           jsonb,
  last_step        text,
  finished_at      text,
  outcome          text,
  updated_at       text NOT NULL
);
CREATE INDEX fix_requests_instance ON fix_requests (instance_id);
CREATE INDEX fix_requests_state ON fix_requests (state);
CREATE UNIQUE INDEX fix_requests_one_open ON fix_requests (instance_id) WHERE state IN ('pending', 'approved', 'running');

CREATE TABLE decisions (
  seq        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL REFERENCES fix_requests (id),
  decision   text NOT NULL CHECK (decision IN ('approved', 'denied', 'expired', 'refused')),
  actor      text NOT NULL,
  at         text NOT NULL,
  reason     text
);
CREATE INDEX decisions_request ON decisions (request_id, seq);
${appendOnly('decisions')}

CREATE TABLE fix_runs (
  request_id text PRIMARY KEY REFERENCES fix_requests (id),
  started_at text NOT NULL
);
CREATE INDEX fix_runs_started ON fix_runs (started_at);
${appendOnly('fix_runs')}

CREATE TABLE fix_run_steps (
  request_id  text NOT NULL REFERENCES fix_requests (id),
  seq         integer NOT NULL,
  step        text NOT NULL,
  status      text NOT NULL CHECK (status IN ('started', 'ok', 'failed', 'skipped')),
  started_at  text NOT NULL,
  finished_at text,
  detail      text NOT NULL,
  PRIMARY KEY (request_id, seq)
);

CREATE TABLE audit_log (
  seq         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          text NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  instance_id text,
  request_id  text,
  detail      text NOT NULL,
  command     jsonb,
  http        jsonb,
  -- derived from the JSON records, for operators' queries
  argv        jsonb GENERATED ALWAYS AS (command -> 'argv') STORED,
  exit_code   integer GENERATED ALWAYS AS ((command ->> 'exitCode')::integer) STORED,
  http_status integer GENERATED ALWAYS AS ((http ->> 'status')::integer) STORED
);
CREATE INDEX audit_log_instance ON audit_log (instance_id, seq);
CREATE INDEX audit_log_request ON audit_log (request_id, seq);
${appendOnly('audit_log')}

-- Every decision and run start is recorded by the database itself, whoever writes the state change.
CREATE FUNCTION vmlocks_record_state_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IN ('approved', 'denied', 'expired') THEN
    INSERT INTO decisions (request_id, decision, actor, at, reason)
    VALUES (NEW.id, NEW.state, coalesce(NEW.decided_by, 'system'), coalesce(NEW.decided_at, NEW.updated_at), NEW.deny_reason);
  END IF;
  IF NEW.state = 'running' THEN
    INSERT INTO fix_runs (request_id, started_at) VALUES (NEW.id, NEW.updated_at) ON CONFLICT (request_id) DO NOTHING;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER fix_requests_state_change AFTER UPDATE OF state ON fix_requests
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION vmlocks_record_state_change();

-- A refusal (self-approval, not authorised, expired, brake...) is a decision too; the audit entry carries it.
CREATE FUNCTION vmlocks_record_refusal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.action = 'refuse' AND NEW.request_id IS NOT NULL AND EXISTS (SELECT 1 FROM fix_requests WHERE id = NEW.request_id) THEN
    INSERT INTO decisions (request_id, decision, actor, at, reason) VALUES (NEW.request_id, 'refused', NEW.actor, NEW.at, NEW.detail);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_refusal AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION vmlocks_record_refusal();
`,
};

const runHeartbeat: Migration = {
  version: 2,
  name: 'run-heartbeat',
  sql: `
ALTER TABLE fix_requests ADD COLUMN runner_id text;
ALTER TABLE fix_requests ADD COLUMN heartbeat_at text;
`,
};

const hostBatches: Migration = {
  version: 3,
  name: 'host-batches',
  sql: `
CREATE TABLE host_batches (
  id               text PRIMARY KEY,
  host             text NOT NULL,
  requested_by     text NOT NULL,
  requested_at     text NOT NULL,
  expires_at       text NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'denied', 'expired', 'running', 'finished', 'paused', 'interrupted')),
  excluded         jsonb NOT NULL,
  decided_by       text,
  decided_at       text,
  deny_reason      text,
  approval_message jsonb,
  origin           jsonb,
  finished_at      text,
  outcome          text,
  runner_id        text,
  heartbeat_at     text,
  updated_at       text NOT NULL
);
CREATE INDEX host_batches_state ON host_batches (state);
CREATE UNIQUE INDEX host_batches_one_open ON host_batches (host) WHERE state IN ('pending', 'running');

CREATE TABLE host_batch_items (
  batch_id       text NOT NULL REFERENCES host_batches (id),
  seq            integer NOT NULL,
  instance_id    text NOT NULL,
  instance_name  text NOT NULL,
  approved_locks jsonb NOT NULL,
  plan           jsonb NOT NULL,
  evidence       jsonb NOT NULL,
  status         text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'skipped')),
  reason         text,
  request_id     text,
  PRIMARY KEY (batch_id, seq),
  UNIQUE (batch_id, instance_id)
);

CREATE TABLE host_batch_decisions (
  seq      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  batch_id text NOT NULL REFERENCES host_batches (id),
  decision text NOT NULL CHECK (decision IN ('running', 'denied', 'expired')),
  actor    text NOT NULL,
  at       text NOT NULL,
  reason   text
);
${appendOnly('host_batch_decisions')}

CREATE FUNCTION vmlocks_record_batch_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO host_batch_decisions (batch_id, decision, actor, at, reason)
  VALUES (NEW.id, NEW.state, coalesce(NEW.decided_by, 'system'), coalesce(NEW.decided_at, NEW.updated_at), NEW.deny_reason);
  RETURN NEW;
END $$;
CREATE TRIGGER host_batches_decided AFTER UPDATE OF state ON host_batches
  FOR EACH ROW WHEN (OLD.state = 'pending' AND NEW.state IN ('running', 'denied', 'expired')) EXECUTE FUNCTION vmlocks_record_batch_decision();
`,
};

const runLease: Migration = {
  version: 4,
  name: 'run-lease',
  sql: `
ALTER TABLE fix_requests ADD COLUMN lease_expires_at timestamptz;
ALTER TABLE fix_requests ADD COLUMN cleared_at text;
ALTER TABLE fix_requests ADD COLUMN cleared_by text;
ALTER TABLE fix_requests ADD COLUMN clear_reason text;
ALTER TABLE host_batches ADD COLUMN lease_expires_at timestamptz;
UPDATE fix_requests SET cleared_at = updated_at, cleared_by = 'migration 4', clear_reason = 'interrupted before runs had leases'
  WHERE state = 'interrupted';
DROP INDEX fix_requests_one_open;
CREATE UNIQUE INDEX fix_requests_one_open ON fix_requests (instance_id)
  WHERE state IN ('pending', 'approved', 'running') OR (state = 'interrupted' AND cleared_at IS NULL);
`,
};

const hostWatch: Migration = {
  version: 5,
  name: 'host-watch',
  sql: `
CREATE TABLE host_watch (
  host             text PRIMARY KEY,
  state            text NOT NULL CHECK (state IN ('up', 'down')),
  since            text NOT NULL,
  candidate_state  text CHECK (candidate_state IN ('up', 'down')),
  candidate_since  text,
  announced        text NOT NULL CHECK (announced IN ('up', 'down')),
  changes          integer NOT NULL CHECK (changes >= 0),
  due_at           text,
  recent           text NOT NULL,
  version          integer NOT NULL CHECK (version >= 1),
  updated_at       text NOT NULL,
  CHECK ((candidate_state IS NULL) = (candidate_since IS NULL))
);
`,
};

export const PG_MIGRATIONS: readonly Migration[] = [initial, runHeartbeat, hostBatches, runLease, hostWatch];
