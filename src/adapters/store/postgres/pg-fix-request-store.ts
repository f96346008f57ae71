/**
 * FixRequestStore on PostgreSQL, for several replicas on any hosts. Decisions are compare-and-set in one UPDATE
 * (`… WHERE id = $ AND state = ANY($)`): under READ COMMITTED a second UPDATE of the same row waits for the first
 * to commit and then re-checks its WHERE on the new row, so exactly one wins. The brake's count, the decision and the
 * run start run in one transaction that first takes pg_advisory_xact_lock(BRAKE_LOCK): every decision that can start
 * a run is serialised for the few milliseconds it lasts, so the second one counts the first one's run. (SERIALIZABLE
 * would also catch the race, but by aborting one transaction, which then needs a retry loop; SELECT … FOR UPDATE
 * cannot lock the absence of a run row. The advisory lock is released at COMMIT/ROLLBACK or when the connection dies.)
 * Leases are judged by the database's now(), never by a replica's clock.
 */
import type { Pool, PoolClient } from 'pg';
import type { InstanceId } from '../../../core/ids.js';
import type { FixRequest, RequestState } from '../../../core/fix-request.js';
import type { DecideOutcome, FixRequestStore, FixRunStep, RunLease } from '../../../ports.js';
import { patchAssignments, requestColumns } from '../fix-request-columns.js';
import { InstanceBusyError, StoreError } from '../store-errors.js';
import { StoredDecision, StoredFixRequest, StoredFixRunStep, parseRow } from '../stored-rows.js';

export const BRAKE_LOCK = 7_346_021_002;
/** The database's now() as the ISO text the bot writes elsewhere (toISOString()). */
export const DB_NOW = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Renews a run's lease (fix_requests, host_batches): only its holder, and only while the lease has not lapsed. */
export async function renewRunLease(pool: Pool, table: 'fix_requests' | 'host_batches', id: string, lease: RunLease): Promise<boolean> {
  const r = await pool.query(`UPDATE ${table} SET heartbeat_at = ${DB_NOW}, updated_at = ${DB_NOW},
      lease_expires_at = now() + $3 * interval '1 millisecond'
    WHERE id = $1 AND state = 'running' AND runner_id = $2 AND lease_expires_at > now()`, [id, lease.runnerId, lease.leaseMs]);
  return r.rowCount === 1;
}
const GUARDING = `(state IN ('pending', 'approved', 'running') OR (state = 'interrupted' AND cleared_at IS NULL))`;
const LAPSED = `state IN ('approved', 'running') AND (lease_expires_at IS NULL OR lease_expires_at <= now())`;
/** jsonb columns read back as text: the row schemas validate the same strings SQLite returns. */
export const REQUEST_COLUMNS = `id, instance_id, instance_name, requested_by, requested_at, expires_at, state,
  approved_locks::text AS approved_locks, plan::text AS plan, evidence::text AS evidence, decided_by, decided_at, deny_reason,
  approval_message::text AS approval_message, origin::text AS origin, last_step, finished_at, outcome, runner_id, heartbeat_at`;

type Queryable = Pick<Pool, 'query'> | PoolClient;

function pgCode(e: unknown): { code?: string; constraint?: string } {
  if (!(e instanceof Error)) return {};
  const code: unknown = Reflect.get(e, 'code');
  const constraint: unknown = Reflect.get(e, 'constraint');
  return { ...(typeof code === 'string' ? { code } : {}), ...(typeof constraint === 'string' ? { constraint } : {}) };
}

function counter(start: number): () => string {
  let n = start;
  return () => `$${++n}`;
}

export interface PgFixRequestStore extends FixRequestStore {
  listDecisions(requestId: string): Promise<StoredDecision[]>;
}

export function createPgFixRequestStore(pool: Pool): PgFixRequestStore {
  const toRequest = (row: unknown): FixRequest => parseRow(StoredFixRequest, row, `fix request ${rowId(row)}`);

  async function get(id: string, db: Queryable = pool): Promise<FixRequest | null> {
    const r = await db.query(`SELECT ${REQUEST_COLUMNS} FROM fix_requests WHERE id = $1`, [id]);
    return r.rows[0] === undefined ? null : toRequest(r.rows[0]);
  }

  async function findOpen(instanceId: InstanceId): Promise<FixRequest | null> {
    const r = await pool.query(`SELECT ${REQUEST_COLUMNS} FROM fix_requests WHERE instance_id = $1 AND ${GUARDING}`, [instanceId]);
    return r.rows[0] === undefined ? null : toRequest(r.rows[0]);
  }

  async function create(request: FixRequest, lease?: RunLease, isRetry = false): Promise<void> {
    const { names, values } = requestColumns(lease ? { ...request, runnerId: lease.runnerId } : request);
    const params = values.map((_, i) => `$${i + 1}`).join(', ');
    const leaseMs = `$${values.length + 1}::integer`;
    try {
      await pool.query(`INSERT INTO fix_requests (${names.join(', ')}, updated_at, lease_expires_at)
        VALUES (${params}, ${DB_NOW}, now() + ${leaseMs} * interval '1 millisecond')`, [...values, lease ? lease.leaseMs : null]);
    } catch (e) {
      const { code, constraint } = pgCode(e);
      if (code !== '23505') throw e;
      if (constraint === 'fix_requests_pkey') throw new StoreError('duplicate_id', `fix request ${request.id} exists already`, { cause: e });
      const existing = await findOpen(request.instanceId);
      if (existing) throw new InstanceBusyError(existing, { cause: e });
      if (!isRetry) return create(request, lease, true);
      throw e;
    }
  }

  async function transition(id: string, from: RequestState[], to: RequestState, patch: Partial<FixRequest> = {}, db: Queryable = pool): Promise<boolean> {
    if (from.length === 0) return false;
    const set = patchAssignments(id, patch, to, counter(3));
    const sql = `UPDATE fix_requests SET state = $1, updated_at = ${DB_NOW}${set.sql} WHERE id = $2 AND state = ANY($3)`;
    try {
      return (await db.query(sql, [to, id, from, ...set.values])).rowCount === 1;
    } catch (e) {
      if (pgCode(e).code !== '23505' || db !== pool) throw e;
      const instanceId = (await get(id))?.instanceId;
      const other = instanceId ? await findOpen(instanceId) : null;
      if (other) throw new InstanceBusyError(other, { cause: e });
      throw e;
    }
  }

  async function update(id: string, patch: Partial<FixRequest>): Promise<void> {
    const set = patchAssignments(id, patch, null, counter(1));
    const r = await pool.query(`UPDATE fix_requests SET updated_at = ${DB_NOW}${set.sql} WHERE id = $1`, [id, ...set.values]);
    if (r.rowCount !== 1) throw new StoreError('not_found', `fix request ${id} does not exist`);
  }

  async function listByState(states: RequestState[]): Promise<FixRequest[]> {
    if (states.length === 0) return [];
    const r = await pool.query(`SELECT ${REQUEST_COLUMNS} FROM fix_requests WHERE state = ANY($1) ORDER BY requested_at, id`, [states]);
    return r.rows.map(toRequest);
  }

  async function countRunsStartedSince(since: string, db: Queryable = pool): Promise<number> {
    const t = new Date(since);
    if (Number.isNaN(t.getTime())) throw new RangeError(`countRunsStartedSince: "${since}" is not an ISO time`);
    const r = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM fix_runs WHERE started_at >= $1', [t.toISOString()]);
    return r.rows[0]?.n ?? 0;
  }

  async function recordStep(step: FixRunStep): Promise<void> {
    try {
      await pool.query(`INSERT INTO fix_run_steps (request_id, seq, step, status, started_at, finished_at, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (request_id, seq) DO UPDATE SET step = excluded.step, status = excluded.status,
          started_at = excluded.started_at, finished_at = excluded.finished_at, detail = excluded.detail`,
      [step.requestId, step.seq, step.step, step.status, step.startedAt, step.finishedAt, step.detail]);
    } catch (e) {
      if (pgCode(e).code !== '23503') throw e;
      throw new StoreError('not_found', `cannot record a step of fix request ${step.requestId}: it does not exist`, { cause: e });
    }
  }

  async function listSteps(requestId: string): Promise<FixRunStep[]> {
    const r = await pool.query('SELECT * FROM fix_run_steps WHERE request_id = $1 ORDER BY seq', [requestId]);
    return r.rows.map((row) => parseRow(StoredFixRunStep, row, `a step of fix request ${requestId}`));
  }

  async function listDecisions(requestId: string): Promise<StoredDecision[]> {
    const r = await pool.query('SELECT request_id, decision, actor, at, reason FROM decisions WHERE request_id = $1 ORDER BY seq', [requestId]);
    return r.rows.map((row) => parseRow(StoredDecision, row, `a decision on fix request ${requestId}`));
  }

  async function decide(input: Parameters<FixRequestStore['decide']>[0]): Promise<DecideOutcome> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (input.brake || input.start) await client.query('SELECT pg_advisory_xact_lock($1)', [BRAKE_LOCK]);
      let outcome: DecideOutcome = { kind: 'won' };
      const count = input.brake
        ? (await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM fix_runs
            WHERE started_at >= to_char((now() - $1 * interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
          [input.brake.windowMs])).rows[0]?.n ?? 0
        : 0;
      if (input.brake && count >= input.brake.limit) outcome = { kind: 'brake', count };
      else if (!(await transition(input.id, input.from, input.to, input.patch, client))) outcome = { kind: 'lost' };
      else if (input.start) {
        const started = await client.query(`UPDATE fix_requests SET state = 'running', updated_at = ${DB_NOW}, last_step = 'reinspect',
            runner_id = $2, heartbeat_at = ${DB_NOW}, lease_expires_at = now() + $3 * interval '1 millisecond'
          WHERE id = $1 AND state = 'approved'`, [input.id, input.start.runnerId, input.start.leaseMs]);
        if (started.rowCount !== 1) throw new StoreError('invalid_patch', `fix request ${input.id}: a run starts only from approved`);
      }
      await client.query(outcome.kind === 'won' ? 'COMMIT' : 'ROLLBACK');
      return outcome;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async function listLapsedRuns(): Promise<FixRequest[]> {
    const r = await pool.query(`SELECT ${REQUEST_COLUMNS} FROM fix_requests WHERE ${LAPSED} ORDER BY requested_at, id`);
    return r.rows.map(toRequest);
  }

  async function interruptLapsed(id: string, patch: { finishedAt: string; outcome: string }): Promise<boolean> {
    const r = await pool.query(`UPDATE fix_requests SET state = 'interrupted', updated_at = ${DB_NOW}, finished_at = $2, outcome = $3
      WHERE id = $1 AND ${LAPSED}`, [id, patch.finishedAt, patch.outcome]);
    return r.rowCount === 1;
  }

  async function clearInterrupted(id: string, c: { by: string; reason: string; at: string }): Promise<boolean> {
    const r = await pool.query(`UPDATE fix_requests SET cleared_at = $2, cleared_by = $3, clear_reason = $4, updated_at = ${DB_NOW}
      WHERE id = $1 AND state = 'interrupted' AND cleared_at IS NULL`, [id, c.at, c.by, c.reason]);
    return r.rowCount === 1;
  }

  return {
    create: (request, lease) => create(request, lease),
    get: (id) => get(id),
    findOpen,
    transition: (id, from, to, patch) => transition(id, from, to, patch),
    update,
    listByState,
    countRunsStartedSince: (since) => countRunsStartedSince(since),
    recordStep,
    listSteps,
    listDecisions,
    decide,
    renewLease: (id, lease) => renewRunLease(pool, 'fix_requests', id, lease),
    listLapsedRuns,
    interruptLapsed,
    clearInterrupted,
  };
}

function rowId(row: unknown): string {
  return typeof row === 'object' && row !== null && 'id' in row && typeof row.id === 'string' ? row.id : '(no id)';
}
