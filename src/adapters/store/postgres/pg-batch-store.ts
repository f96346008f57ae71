/**
 * BatchStore on PostgreSQL: the same rules as sqlite-batch-store.ts. A batch's decision is a compare-and-set in one
 * UPDATE (READ COMMITTED re-checks the WHERE on the row a concurrent UPDATE committed); one open batch per host is a
 * unique partial index; a running batch is leased to its runner, judged by now().
 */
import type { Pool } from 'pg';
import type { InstanceId } from '../../../core/ids.js';
import type { BatchItem, BatchState, HostBatch } from '../../../core/host-batch.js';
import type { BatchStore, RunLease } from '../../../ports.js';
import { BATCH_COLUMNS, StoredBatch, StoredBatchItem, batchAssignments, encodeBatchField } from '../batch-rows.js';
import { parseRow } from '../stored-rows.js';
import { HostBusyError, StoreError } from '../store-errors.js';
import { DB_NOW, renewRunLease } from './pg-fix-request-store.js';

const BATCH_SELECT = `SELECT id, host, requested_by, requested_at, expires_at, state, excluded::text AS excluded, decided_by, decided_at,
  deny_reason, approval_message::text AS approval_message, origin::text AS origin, finished_at, outcome, runner_id, heartbeat_at FROM host_batches`;
const LAPSED = `state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= now())`;
const ITEM_COLUMNS: Record<'status' | 'reason' | 'requestId', string> = { status: 'status', reason: 'reason', requestId: 'request_id' };

function counter(start: number): () => string {
  let n = start;
  return () => `$${++n}`;
}

export function createPgBatchStore(pool: Pool): BatchStore {
  async function items(id: string): Promise<BatchItem[]> {
    const r = await pool.query(`SELECT instance_id, instance_name, approved_locks::text AS approved_locks, plan::text AS plan,
      evidence::text AS evidence, status, reason, request_id FROM host_batch_items WHERE batch_id = $1 ORDER BY seq`, [id]);
    return r.rows.map((row) => parseRow(StoredBatchItem, row, `an item of batch ${id}`));
  }
  async function toBatch(row: unknown): Promise<HostBatch> {
    const b = parseRow(StoredBatch, row, 'a host batch');
    return { ...b, items: await items(b.id) };
  }
  async function one(sql: string, params: unknown[]): Promise<HostBatch | null> {
    const r = await pool.query(sql, params);
    return r.rows[0] === undefined ? null : toBatch(r.rows[0]);
  }
  const findOpenBatch = (host: string): Promise<HostBatch | null> => one(`${BATCH_SELECT} WHERE host = $1 AND state IN ('pending', 'running')`, [host]);

  async function createBatch(batch: HostBatch): Promise<void> {
    const fields = Object.keys(BATCH_COLUMNS) as Array<keyof typeof BATCH_COLUMNS>;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO host_batches (id, state, ${fields.map((f) => BATCH_COLUMNS[f]).join(', ')}, updated_at)
        VALUES (${[...fields, 'id', 'state'].map((_, i) => `$${i + 1}`).join(', ')}, ${DB_NOW})`,
      [batch.id, batch.state, ...fields.map((f) => encodeBatchField(f, batch[f]))]);
      for (const [seq, i] of batch.items.entries()) {
        await client.query(`INSERT INTO host_batch_items (batch_id, seq, instance_id, instance_name, approved_locks, plan, evidence, status, reason, request_id)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [batch.id, seq, i.instanceId, i.instanceName, JSON.stringify(i.approvedLocks),
          JSON.stringify(i.plan), JSON.stringify(i.evidence), i.status, i.reason, i.requestId]);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code: unknown = e instanceof Error ? Reflect.get(e, 'code') : undefined;
      const constraint: unknown = e instanceof Error ? Reflect.get(e, 'constraint') : undefined;
      if (code !== '23505') throw e;
      if (constraint === 'host_batches_pkey') throw new StoreError('duplicate_id', `host batch ${batch.id} exists already`, { cause: e });
      const existing = await findOpenBatch(batch.host);
      if (existing) throw new HostBusyError(existing, { cause: e });
      throw e;
    } finally {
      client.release();
    }
  }

  async function transitionBatch(id: string, from: BatchState[], to: BatchState, patch: Partial<HostBatch> = {}, lease?: RunLease): Promise<boolean> {
    if (from.length === 0) return false;
    const next = counter(4);
    const set = batchAssignments(lease ? { ...patch, runnerId: lease.runnerId } : patch, next);
    const r = await pool.query(`UPDATE host_batches SET state = $1, updated_at = ${DB_NOW},
        lease_expires_at = CASE WHEN $4::integer IS NULL THEN lease_expires_at ELSE now() + $4::integer * interval '1 millisecond' END${set.sql}
      WHERE id = $2 AND state = ANY($3)`, [to, id, from, lease ? lease.leaseMs : null, ...set.values]);
    return r.rowCount === 1;
  }

  async function updateBatch(id: string, patch: Partial<HostBatch>): Promise<void> {
    const set = batchAssignments(patch, counter(1));
    const r = await pool.query(`UPDATE host_batches SET updated_at = ${DB_NOW}${set.sql} WHERE id = $1`, [id, ...set.values]);
    if (r.rowCount !== 1) throw new StoreError('not_found', `host batch ${id} does not exist`);
  }

  async function updateBatchItem(batchId: string, instanceId: InstanceId, patch: Partial<Pick<BatchItem, 'status' | 'reason' | 'requestId'>>): Promise<void> {
    const sets: string[] = [];
    const values: Array<string | null> = [batchId, instanceId];
    for (const [key, column] of Object.entries(ITEM_COLUMNS)) {
      const value = patch[key as keyof typeof ITEM_COLUMNS];
      if (value === undefined) continue;
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    }
    if (sets.length === 0) return;
    const r = await pool.query(`UPDATE host_batch_items SET ${sets.join(', ')} WHERE batch_id = $1 AND instance_id = $2`, values);
    if (r.rowCount !== 1) throw new StoreError('not_found', `host batch ${batchId} has no instance ${instanceId}`);
  }

  async function listBatchesByState(states: BatchState[]): Promise<HostBatch[]> {
    if (states.length === 0) return [];
    const r = await pool.query(`${BATCH_SELECT} WHERE state = ANY($1) ORDER BY requested_at, id`, [states]);
    return Promise.all(r.rows.map(toBatch));
  }

  async function listLapsedBatches(): Promise<HostBatch[]> {
    const r = await pool.query(`${BATCH_SELECT} WHERE ${LAPSED} ORDER BY requested_at, id`);
    return Promise.all(r.rows.map(toBatch));
  }

  async function interruptLapsedBatch(id: string, patch: { finishedAt: string; outcome: string }): Promise<boolean> {
    const r = await pool.query(`UPDATE host_batches SET state = 'interrupted', updated_at = ${DB_NOW}, finished_at = $2, outcome = $3
      WHERE id = $1 AND ${LAPSED}`, [id, patch.finishedAt, patch.outcome]);
    return r.rowCount === 1;
  }

  return {
    createBatch, getBatch: (id) => one(`${BATCH_SELECT} WHERE id = $1`, [id]), findOpenBatch, transitionBatch, updateBatch,
    updateBatchItem, listBatchesByState, renewBatchLease: (id, lease) => renewRunLease(pool, 'host_batches', id, lease), listLapsedBatches, interruptLapsedBatch,
  };
}
