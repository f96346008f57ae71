/**
 * The host watch's records on PostgreSQL: the same rules as sqlite-host-watch-store.ts. A first record is an INSERT
 * that does nothing when the host is already recorded; a change is an UPDATE that matches only the version the
 * writer read (READ COMMITTED re-checks the WHERE on a row a concurrent UPDATE committed), so one replica wins.
 */
import type { Pool } from 'pg';
import type { HostRecord } from '../../../core/host-watch.js';
import type { HostWatchStore, StoredHostRecord } from '../../../ports.js';
import { hostColumns, hostOf, StoredHostRow } from '../sqlite-host-watch-store.js';
import { parseRow } from '../stored-rows.js';

const COLUMNS = 'host, state, since, candidate_state, candidate_since, announced, changes, due_at, recent, version, updated_at';

export function createPgHostWatchStore(pool: Pool): HostWatchStore {
  return {
    async listHostRecords(): Promise<StoredHostRecord[]> {
      const r = await pool.query(`SELECT host, state, since, candidate_state, candidate_since, announced, changes, due_at, recent, version FROM host_watch ORDER BY host`);
      return r.rows.map((row: unknown) => parseRow(StoredHostRow, row, `the host watch record ${hostOf(row)}`));
    },

    async saveHostRecord(record: HostRecord, expectedVersion: number): Promise<boolean> {
      const c = hostColumns(record, expectedVersion + 1, new Date().toISOString());
      const values = [c.host, c.state, c.since, c.candidateState, c.candidateSince, c.announced, c.changes, c.dueAt, c.recent, c.version, c.updatedAt];
      const r = expectedVersion === 0
        ? await pool.query(`INSERT INTO host_watch (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (host) DO NOTHING`, values)
        : await pool.query(`UPDATE host_watch SET state = $2, since = $3, candidate_state = $4, candidate_since = $5, announced = $6, changes = $7,
            due_at = $8, recent = $9, version = $10, updated_at = $11 WHERE host = $1 AND version = $12`, [...values, expectedVersion]);
      return r.rowCount === 1;
    },
  };
}
