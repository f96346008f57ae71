/**
 * Schema version 5: the host watch's record of each compute host (core/host-watch.ts). Several replicas poll Nova
 * and share this table; every write is a compare-and-set on `version`, so each transition and each announcement is
 * recorded (and posted) by one replica only.
 */
import type { Migration } from './migration.js';

export const hostWatch: Migration = {
  version: 5,
  name: 'host-watch',
  sql: `
CREATE TABLE host_watch (
  host             TEXT PRIMARY KEY,
  state            TEXT NOT NULL CHECK (state IN ('up', 'down')),
  since            TEXT NOT NULL,
  candidate_state  TEXT CHECK (candidate_state IN ('up', 'down')),
  candidate_since  TEXT,
  announced        TEXT NOT NULL CHECK (announced IN ('up', 'down')),
  changes          INTEGER NOT NULL CHECK (changes >= 0),
  due_at           TEXT,
  recent           TEXT NOT NULL,
  version          INTEGER NOT NULL CHECK (version >= 1),
  updated_at       TEXT NOT NULL,
  CHECK ((candidate_state IS NULL) = (candidate_since IS NULL))
) STRICT;
`,
};
