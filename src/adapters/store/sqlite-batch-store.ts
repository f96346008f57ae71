/**
 * BatchStore on SQLite. A batch's decision is a compare-and-set in one UPDATE (`WHERE id = ? AND state IN (…)`,
 * won when `changes === 1`), so that 20 simultaneous Approve clicks, Slack retries and replicas give one run.
 * One open batch per host is the unique partial index of migration 003.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { InstanceId } from '../../core/ids.js';
import type { BatchItem, BatchState, HostBatch } from '../../core/host-batch.js';
import type { BatchStore, Clock, RunLease } from '../../ports.js';
import { BATCH_COLUMNS, StoredBatch, StoredBatchItem, batchAssignments, encodeBatchField } from './batch-rows.js';
import { parseRow } from './stored-rows.js';
import { HostBusyError, StoreError } from './store-errors.js';
import { renewLeaseSql } from './sqlite-fix-request-store.js';

type Db = BetterSqlite3.Database;

const OPEN = `('pending', 'running')`;
const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

function sqliteCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

const ITEM_COLUMNS: Record<'status' | 'reason' | 'requestId', string> = { status: 'status', reason: 'reason', requestId: 'request_id' };

export function createSqliteBatchStore(db: Db, clock: Clock): BatchStore {
  const now = (): string => clock.now().toISOString();
  const later = (ms: number): string => new Date(clock.now().getTime() + ms).toISOString();
  const items = (id: string): BatchItem[] => db.prepare('SELECT * FROM host_batch_items WHERE batch_id = ? ORDER BY seq')
    .all(id).map((row) => parseRow(StoredBatchItem, row, `an item of batch ${id}`));
  const toBatch = (row: unknown): HostBatch => {
    const b = parseRow(StoredBatch, row, 'a host batch');
    return { ...b, items: items(b.id) };
  };

  function getBatch(id: string): HostBatch | null {
    const row: unknown = db.prepare('SELECT * FROM host_batches WHERE id = ?').get(id);
    return row === undefined ? null : toBatch(row);
  }

  function findOpenBatch(host: string): HostBatch | null {
    const row: unknown = db.prepare(`SELECT * FROM host_batches WHERE host = ? AND state IN ${OPEN}`).get(host);
    return row === undefined ? null : toBatch(row);
  }

  const insert = db.transaction((batch: HostBatch) => {
    const fields = Object.keys(BATCH_COLUMNS) as Array<keyof typeof BATCH_COLUMNS>;
    db.prepare(`INSERT INTO host_batches (id, state, ${fields.map((f) => BATCH_COLUMNS[f]).join(', ')}, updated_at) VALUES (${placeholders(fields.length + 3)})`)
      .run(batch.id, batch.state, ...fields.map((f) => encodeBatchField(f, batch[f])), now());
    const item = db.prepare(`INSERT INTO host_batch_items (batch_id, seq, instance_id, instance_name, approved_locks, plan, evidence, status, reason, request_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    batch.items.forEach((i, seq) => item.run(batch.id, seq, i.instanceId, i.instanceName, JSON.stringify(i.approvedLocks), JSON.stringify(i.plan), JSON.stringify(i.evidence), i.status, i.reason, i.requestId));
  });

  function createBatch(batch: HostBatch): void {
    try {
      insert.immediate(batch);
    } catch (e) {
      const code = sqliteCode(e);
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StoreError('duplicate_id', `host batch ${batch.id} exists already`, { cause: e });
      if (code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
      const existing = findOpenBatch(batch.host);
      if (existing) throw new HostBusyError(existing, { cause: e });
      throw e;
    }
  }

  function transitionBatch(id: string, from: BatchState[], to: BatchState, patch: Partial<HostBatch> = {}, lease?: RunLease): boolean {
    if (from.length === 0) return false;
    const set = batchAssignments(lease ? { ...patch, runnerId: lease.runnerId } : patch);
    const leased = lease ? ', lease_expires_at = ?' : '';
    const sql = `UPDATE host_batches SET state = ?, updated_at = ?${set.sql}${leased} WHERE id = ? AND state IN (${placeholders(from.length)})`;
    const leaseValues = lease ? [later(lease.leaseMs)] : [];
    return db.prepare(sql).run(to, now(), ...set.values, ...leaseValues, id, ...from).changes === 1;
  }

  function renewBatchLease(id: string, lease: RunLease): boolean {
    const at = now();
    return db.prepare(renewLeaseSql('host_batches')).run(at, later(lease.leaseMs), at, id, lease.runnerId, at).changes === 1;
  }

  const LAPSED = `state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= ?)`;
  function listLapsedBatches(): HostBatch[] {
    return db.prepare(`SELECT * FROM host_batches WHERE ${LAPSED} ORDER BY requested_at, id`).all(now()).map(toBatch);
  }

  function interruptLapsedBatch(id: string, patch: { finishedAt: string; outcome: string }): boolean {
    const at = now();
    return db.prepare(`UPDATE host_batches SET state = 'interrupted', updated_at = ?, finished_at = ?, outcome = ? WHERE id = ? AND ${LAPSED}`)
      .run(at, patch.finishedAt, patch.outcome, id, at).changes === 1;
  }

  function updateBatch(id: string, patch: Partial<HostBatch>): void {
    const set = batchAssignments(patch);
    if (db.prepare(`UPDATE host_batches SET updated_at = ?${set.sql} WHERE id = ?`).run(now(), ...set.values, id).changes !== 1) {
      throw new StoreError('not_found', `host batch ${id} does not exist`);
    }
  }

  function updateBatchItem(batchId: string, instanceId: InstanceId, patch: Partial<Pick<BatchItem, 'status' | 'reason' | 'requestId'>>): void {
    let sql = '';
    const values: Array<string | null> = [];
    for (const [key, column] of Object.entries(ITEM_COLUMNS)) {
      const value = patch[key as keyof typeof ITEM_COLUMNS];
      if (value === undefined) continue;
      sql += `${sql === '' ? '' : ', '}${column} = ?`;
      values.push(value);
    }
    if (sql === '') return;
    const changes = db.prepare(`UPDATE host_batch_items SET ${sql} WHERE batch_id = ? AND instance_id = ?`).run(...values, batchId, instanceId).changes;
    if (changes !== 1) throw new StoreError('not_found', `host batch ${batchId} has no instance ${instanceId}`);
  }

  function listBatchesByState(states: BatchState[]): HostBatch[] {
    if (states.length === 0) return [];
    return db.prepare(`SELECT * FROM host_batches WHERE state IN (${placeholders(states.length)}) ORDER BY requested_at, id`).all(...states).map(toBatch);
  }

  // better-sqlite3 is synchronous: the port's promises are settled when returned.
  return {
    createBatch: async (batch) => createBatch(batch),
    getBatch: async (id) => getBatch(id),
    findOpenBatch: async (host) => findOpenBatch(host),
    transitionBatch: async (id, from, to, patch, lease) => transitionBatch(id, from, to, patch, lease),
    updateBatch: async (id, patch) => updateBatch(id, patch),
    updateBatchItem: async (batchId, instanceId, patch) => updateBatchItem(batchId, instanceId, patch),
    listBatchesByState: async (states) => listBatchesByState(states),
    renewBatchLease: async (id, lease) => renewBatchLease(id, lease),
    listLapsedBatches: async () => listLapsedBatches(),
    interruptLapsedBatch: async (id, patch) => interruptLapsedBatch(id, patch),
  };
}
