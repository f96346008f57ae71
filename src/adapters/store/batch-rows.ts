/** Rows of host_batches / host_batch_items as SQLite returns them (PostgreSQL: jsonb read back as text), validated and mapped to core/host-batch.ts. */
import { z } from 'zod';
import type { BatchItem, HostBatch } from '../../core/host-batch.js';
import { ApprovedLock, FixStep, InstanceIdText, RequestOrigin, SlackMessageRef, jsonColumn } from './row-schemas.js';

const NullableText = z.string().nullable();

export const BatchStateText = z.enum(['pending', 'denied', 'expired', 'running', 'finished', 'paused', 'interrupted']);

const Excluded = z.object({ instanceId: InstanceIdText, instanceName: z.string(), verdict: z.string(), reason: z.string() });

export const StoredBatchItem = z
  .object({
    instance_id: InstanceIdText,
    instance_name: z.string(),
    approved_locks: jsonColumn(z.array(ApprovedLock)),
    plan: jsonColumn(z.array(FixStep)),
    evidence: jsonColumn(z.array(z.string())),
    status: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
    reason: NullableText,
    request_id: NullableText,
  })
  .transform((r): BatchItem => ({
    instanceId: r.instance_id, instanceName: r.instance_name, approvedLocks: r.approved_locks, plan: r.plan,
    evidence: r.evidence, status: r.status, reason: r.reason, requestId: r.request_id,
  }));

export const StoredBatch = z
  .object({
    id: z.string().min(1),
    host: z.string(),
    requested_by: z.string(),
    requested_at: z.string(),
    expires_at: z.string(),
    state: BatchStateText,
    excluded: jsonColumn(z.array(Excluded)),
    decided_by: NullableText,
    decided_at: NullableText,
    deny_reason: NullableText,
    approval_message: jsonColumn(SlackMessageRef.nullable()).nullable(),
    origin: jsonColumn(RequestOrigin.nullable()).nullable(),
    finished_at: NullableText,
    outcome: NullableText,
    runner_id: NullableText,
    heartbeat_at: NullableText,
  })
  .transform((r): Omit<HostBatch, 'items'> => ({
    id: r.id, host: r.host, requestedBy: r.requested_by, requestedAt: r.requested_at, expiresAt: r.expires_at,
    state: r.state, excluded: r.excluded, decidedBy: r.decided_by, decidedAt: r.decided_at, denyReason: r.deny_reason,
    approvalMessage: r.approval_message, origin: r.origin, finishedAt: r.finished_at, outcome: r.outcome,
    runnerId: r.runner_id, heartbeatAt: r.heartbeat_at,
  }));

type Field = Exclude<keyof HostBatch, 'id' | 'state' | 'items'>;

/** Field → column; fixed keys, so a SET clause built from them cannot carry injected SQL. */
export const BATCH_COLUMNS: Record<Field, string> = {
  host: 'host', requestedBy: 'requested_by', requestedAt: 'requested_at', expiresAt: 'expires_at', excluded: 'excluded',
  decidedBy: 'decided_by', decidedAt: 'decided_at', denyReason: 'deny_reason', approvalMessage: 'approval_message',
  origin: 'origin', finishedAt: 'finished_at', outcome: 'outcome', runnerId: 'runner_id', heartbeatAt: 'heartbeat_at',
};
const JSON_FIELDS = new Set<string>(['excluded', 'approvalMessage', 'origin']);

export function encodeBatchField(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return JSON_FIELDS.has(field) ? JSON.stringify(value) : String(value);
}

/** `, col = ?` pairs for the known fields a patch sets (state, id and items are not patchable). */
export function batchAssignments(patch: Partial<HostBatch>, placeholder: () => string = () => '?'): { sql: string; values: Array<string | null> } {
  let sql = '';
  const values: Array<string | null> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || !Object.hasOwn(BATCH_COLUMNS, key)) continue;
    sql += `, ${BATCH_COLUMNS[key as Field]} = ${placeholder()}`;
    values.push(encodeBatchField(key, value));
  }
  return { sql, values };
}
