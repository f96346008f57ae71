/**
 * FixRequestStore on SQLite. Decisions are compare-and-set in one UPDATE statement (`… WHERE id = ? AND state IN
 * (…)`, won when `changes === 1`): SQLite runs one writer at a time over the whole file, so one click, one process
 * or one replica (on the same host: README "Replicas") wins and the others see 0 changes. Triggers record the
 * decision and the run start in the same statement (migrations/001-initial.ts). better-sqlite3 is synchronous: the
 * port's promises are already settled when returned, and decide() runs in one BEGIN IMMEDIATE transaction.
 * Leases are judged by this host's clock (the injected Clock): with SQLite the database's host is the bot's host.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { InstanceId } from '../../core/ids.js';
import type { FixRequest, RequestState } from '../../core/fix-request.js';
import type { Clock, DecideOutcome, FixRequestStore, FixRunStep, RunLease } from '../../ports.js';
import { patchAssignments, requestColumns } from './fix-request-columns.js';
import { InstanceBusyError, StoreError } from './store-errors.js';
import { StoredDecision, StoredFixRequest, StoredFixRunStep, parseRow } from './stored-rows.js';

/**
 * Renews a run's lease (fix_requests, host_batches); parameters: now, new expiry, now, id, runner id, now. Only the
 * holder renews, and only while its lease has not lapsed.
 */
export const renewLeaseSql = (table: 'fix_requests' | 'host_batches'): string => `UPDATE ${table} SET heartbeat_at = ?, lease_expires_at = ?, updated_at = ?
  WHERE id = ? AND state = 'running' AND runner_id = ? AND lease_expires_at > ?`;

type Db = BetterSqlite3.Database;

export interface SqliteFixRequestStore extends FixRequestStore {
  /** Every approve/deny/expire/refusal of a request, oldest first. */
  listDecisions(requestId: string): Promise<StoredDecision[]>;
}

/** The guard of one open request per instance: the same predicate as the unique index fix_requests_one_open. */
const GUARDING = `(state IN ('pending', 'approved', 'running') OR (state = 'interrupted' AND cleared_at IS NULL))`;
const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

function sqliteCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

export function createSqliteFixRequestStore(db: Db, clock: Clock): SqliteFixRequestStore {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const toRequest = (row: unknown, id: string): FixRequest => parseRow(StoredFixRequest, row, `fix request ${id}`);
  const rowsToRequests = (rows: unknown[]): FixRequest[] => rows.map((row) => toRequest(row, rowId(row)));
  const now = (): string => clock.now().toISOString();
  const later = (ms: number): string => new Date(clock.now().getTime() + ms).toISOString();

  function get(id: string): FixRequest | null {
    const row: unknown = prepare('SELECT * FROM fix_requests WHERE id = ?').get(id);
    return row === undefined ? null : toRequest(row, id);
  }

  function findOpen(instanceId: InstanceId): FixRequest | null {
    const row: unknown = prepare(`SELECT * FROM fix_requests WHERE instance_id = ? AND ${GUARDING}`).get(instanceId);
    return row === undefined ? null : toRequest(row, rowId(row));
  }

  function create(request: FixRequest, lease?: RunLease, isRetry = false): void {
    const { names, values } = requestColumns(lease ? { ...request, runnerId: lease.runnerId } : request);
    const sql = `INSERT INTO fix_requests (${names.join(', ')}, updated_at, lease_expires_at) VALUES (${placeholders(names.length + 2)})`;
    try {
      prepare(sql).run(...values, now(), lease ? later(lease.leaseMs) : null);
    } catch (e) {
      const code = sqliteCode(e);
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StoreError('duplicate_id', `fix request ${request.id} exists already`, { cause: e });
      if (code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
      const existing = findOpen(request.instanceId);
      if (existing) throw new InstanceBusyError(existing, { cause: e });
      // The open request closed between our INSERT and the look-up: the instance is free now, try once more.
      if (!isRetry) return create(request, lease, true);
      throw e;
    }
  }

  function transition(id: string, from: RequestState[], to: RequestState, patch: Partial<FixRequest> = {}, extra = ''): boolean {
    if (from.length === 0) return false;
    const set = patchAssignments(id, patch, to);
    const sql = `UPDATE fix_requests SET state = ?, updated_at = ?${set.sql} WHERE id = ? AND state IN (${placeholders(from.length)})${extra}`;
    try {
      return prepare(sql).run(to, now(), ...set.values, id, ...from).changes === 1;
    } catch (e) {
      // Only a move back into an open state can hit the one-open-request index.
      const instanceId = sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE' ? get(id)?.instanceId : undefined;
      const other = instanceId ? findOpen(instanceId) : null;
      if (other) throw new InstanceBusyError(other, { cause: e });
      throw e;
    }
  }

  function update(id: string, patch: Partial<FixRequest>): void {
    const set = patchAssignments(id, patch, null);
    const changes = prepare(`UPDATE fix_requests SET updated_at = ?${set.sql} WHERE id = ?`).run(now(), ...set.values, id).changes;
    if (changes !== 1) throw new StoreError('not_found', `fix request ${id} does not exist`);
  }

  function listByState(states: RequestState[]): FixRequest[] {
    if (states.length === 0) return [];
    const sql = `SELECT * FROM fix_requests WHERE state IN (${placeholders(states.length)}) ORDER BY requested_at, id`;
    return rowsToRequests(prepare(sql).all(...states));
  }

  function countRunsStartedSince(since: string): number {
    const t = new Date(since);
    if (Number.isNaN(t.getTime())) throw new RangeError(`countRunsStartedSince: "${since}" is not an ISO time`);
    // started_at is always written by toISOString(), so ISO strings compare in time order.
    const row: unknown = prepare('SELECT count(*) AS n FROM fix_runs WHERE started_at >= ?').get(t.toISOString());
    return typeof row === 'object' && row !== null && 'n' in row ? Number(row.n) : 0;
  }

  function recordStep(step: FixRunStep): void {
    const sql = `INSERT INTO fix_run_steps (request_id, seq, step, status, started_at, finished_at, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (request_id, seq) DO UPDATE SET step = excluded.step, status = excluded.status,
        started_at = excluded.started_at, finished_at = excluded.finished_at, detail = excluded.detail`;
    try {
      prepare(sql).run(step.requestId, step.seq, step.step, step.status, step.startedAt, step.finishedAt, step.detail);
    } catch (e) {
      if (sqliteCode(e) !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw e;
      throw new StoreError('not_found', `cannot record a step of fix request ${step.requestId}: it does not exist`, { cause: e });
    }
  }

  function listSteps(requestId: string): FixRunStep[] {
    return prepare('SELECT * FROM fix_run_steps WHERE request_id = ? ORDER BY seq')
      .all(requestId)
      .map((row) => parseRow(StoredFixRunStep, row, `a step of fix request ${requestId}`));
  }

  function listDecisions(requestId: string): StoredDecision[] {
    return prepare('SELECT * FROM decisions WHERE request_id = ? ORDER BY seq')
      .all(requestId)
      .map((row) => parseRow(StoredDecision, row, `a decision on fix request ${requestId}`));
  }

  function startRun(id: string, lease: RunLease): boolean {
    const at = now();
    return prepare(`UPDATE fix_requests SET state = 'running', updated_at = ?, last_step = 'reinspect', runner_id = ?,
      heartbeat_at = ?, lease_expires_at = ? WHERE id = ? AND state = 'approved'`).run(at, lease.runnerId, at, later(lease.leaseMs), id).changes === 1;
  }

  // BEGIN IMMEDIATE takes the write lock before the first read (waiting up to busy_timeout): the count cannot change
  // under it, in this process or in another one on the same file.
  const decideTx = db.transaction((input: Parameters<FixRequestStore['decide']>[0]): DecideOutcome => {
    if (input.brake) {
      const count = countRunsStartedSince(new Date(clock.now().getTime() - input.brake.windowMs).toISOString());
      if (count >= input.brake.limit) return { kind: 'brake', count };
    }
    if (!transition(input.id, input.from, input.to, input.patch)) return { kind: 'lost' };
    if (input.start && !startRun(input.id, input.start)) throw new StoreError('invalid_patch', `fix request ${input.id}: a run starts only from approved`);
    return { kind: 'won' };
  });

  function renewLease(id: string, lease: RunLease): boolean {
    const at = now();
    return prepare(renewLeaseSql('fix_requests')).run(at, later(lease.leaseMs), at, id, lease.runnerId, at).changes === 1;
  }

  const LAPSED = `state IN ('approved', 'running') AND (lease_expires_at IS NULL OR lease_expires_at <= ?)`;
  function listLapsedRuns(): FixRequest[] {
    return rowsToRequests(prepare(`SELECT * FROM fix_requests WHERE ${LAPSED} ORDER BY requested_at, id`).all(now()));
  }

  function interruptLapsed(id: string, patch: { finishedAt: string; outcome: string }): boolean {
    const at = now();
    return prepare(`UPDATE fix_requests SET state = 'interrupted', updated_at = ?, finished_at = ?, outcome = ? WHERE id = ? AND ${LAPSED}`)
      .run(at, patch.finishedAt, patch.outcome, id, at).changes === 1;
  }

  function clearInterrupted(id: string, c: { by: string; reason: string; at: string }): boolean {
    return prepare(`UPDATE fix_requests SET cleared_at = ?, cleared_by = ?, clear_reason = ?, updated_at = ?
      WHERE id = ? AND state = 'interrupted' AND cleared_at IS NULL`).run(c.at, c.by, c.reason, now(), id).changes === 1;
  }

  return {
    create: async (request, lease) => create(request, lease),
    get: async (id) => get(id),
    findOpen: async (instanceId) => findOpen(instanceId),
    transition: async (id, from, to, patch) => transition(id, from, to, patch),
    update: async (id, patch) => update(id, patch),
    listByState: async (states) => listByState(states),
    countRunsStartedSince: async (since) => countRunsStartedSince(since),
    recordStep: async (step) => recordStep(step),
    listSteps: async (requestId) => listSteps(requestId),
    listDecisions: async (requestId) => listDecisions(requestId),
    decide: async (input) => decideTx.immediate(input),
    renewLease: async (id, lease) => renewLease(id, lease),
    listLapsedRuns: async () => listLapsedRuns(),
    interruptLapsed: async (id, patch) => interruptLapsed(id, patch),
    clearInterrupted: async (id, clearance) => clearInterrupted(id, clearance),
  };
}

function rowId(row: unknown): string {
  return typeof row === 'object' && row !== null && 'id' in row && typeof row.id === 'string' ? row.id : '(no id)';
}
