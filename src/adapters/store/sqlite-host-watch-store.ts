/**
 * The host watch's records on SQLite (table host_watch, migration 005). Every write is a compare-and-set on the
 * row's version: an INSERT that does nothing when the host is already recorded, or an UPDATE that matches only the
 * version the writer read. Two replicas that observe the same change race here, and only one of them wins.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { HostRecord } from '../../core/host-watch.js';
import type { Clock, HostWatchStore, StoredHostRecord } from '../../ports.js';
import { jsonColumn } from './row-schemas.js';
import { parseRow } from './stored-rows.js';

const State = z.enum(['up', 'down']);

export const StoredHostRow = z
  .object({
    host: z.string().min(1),
    state: State,
    since: z.string(),
    candidate_state: State.nullable(),
    candidate_since: z.string().nullable(),
    announced: State,
    changes: z.number().int().nonnegative(),
    due_at: z.string().nullable(),
    recent: jsonColumn(z.array(z.string())),
    version: z.number().int().positive(),
  })
  .transform((r): StoredHostRecord => ({
    host: r.host,
    state: r.state,
    since: r.since,
    candidate: r.candidate_state === null || r.candidate_since === null ? null : { state: r.candidate_state, since: r.candidate_since },
    announced: r.announced,
    changes: r.changes,
    dueAt: r.due_at,
    recent: r.recent,
    version: r.version,
  }));

export function hostColumns(record: HostRecord, version: number, updatedAt: string) {
  return {
    host: record.host, state: record.state, since: record.since,
    candidateState: record.candidate?.state ?? null, candidateSince: record.candidate?.since ?? null,
    announced: record.announced, changes: record.changes, dueAt: record.dueAt, recent: JSON.stringify(record.recent),
    version, updatedAt,
  };
}

export function createSqliteHostWatchStore(db: BetterSqlite3.Database, clock: Clock): HostWatchStore {
  const list = db.prepare('SELECT * FROM host_watch ORDER BY host');
  const insert = db.prepare(`INSERT INTO host_watch (host, state, since, candidate_state, candidate_since, announced, changes, due_at, recent, version, updated_at)
    VALUES (@host, @state, @since, @candidateState, @candidateSince, @announced, @changes, @dueAt, @recent, @version, @updatedAt)
    ON CONFLICT (host) DO NOTHING`);
  const update = db.prepare(`UPDATE host_watch SET state = @state, since = @since, candidate_state = @candidateState,
    candidate_since = @candidateSince, announced = @announced, changes = @changes, due_at = @dueAt, recent = @recent,
    version = @version, updated_at = @updatedAt
    WHERE host = @host AND version = @expected`);

  return {
    listHostRecords: async () => list.all().map((row) => parseRow(StoredHostRow, row, `the host watch record ${hostOf(row)}`)),

    async saveHostRecord(record: HostRecord, expectedVersion: number): Promise<boolean> {
      const values = hostColumns(record, expectedVersion + 1, clock.now().toISOString());
      const result = expectedVersion === 0 ? insert.run(values) : update.run({ ...values, expected: expectedVersion });
      return result.changes === 1;
    },
  };
}

export function hostOf(row: unknown): string {
  return typeof row === 'object' && row !== null && 'host' in row ? String(row.host) : '?';
}
