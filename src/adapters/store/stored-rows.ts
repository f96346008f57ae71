/** Rows as SQLite returns them (snake_case columns), validated and mapped to the domain types of ports.ts. */
import { z } from 'zod';
import type { FixRequest } from '../../core/fix-request.js';
import type { AuditEntry, FixRunStep } from '../../ports.js';
import {
  ApprovedLock, CommandRecord, FixStep, HttpRecord, InstanceIdText, RequestOrigin, RequestStateText, SlackMessageRef,
  StepNameText, jsonColumn,
} from './row-schemas.js';
import { StoreError } from './store-errors.js';

const Text = z.string();
const NullableText = z.string().nullable();

export const StoredFixRequest = z
  .object({
    id: z.string().min(1),
    instance_id: InstanceIdText,
    instance_name: Text,
    requested_by: Text,
    requested_at: Text,
    expires_at: Text,
    state: RequestStateText,
    approved_locks: jsonColumn(z.array(ApprovedLock)),
    plan: jsonColumn(z.array(FixStep)),
    evidence: jsonColumn(z.array(z.string())),
    decided_by: NullableText,
    decided_at: NullableText,
    deny_reason: NullableText,
    approval_message: jsonColumn(SlackMessageRef.nullable()).nullable(),
    origin: jsonColumn(RequestOrigin.nullable()).nullable(),
    last_step: StepNameText.nullable(),
    finished_at: NullableText,
    outcome: NullableText,
    runner_id: NullableText,
    heartbeat_at: NullableText,
  })
  .transform((r): FixRequest => ({
    id: r.id,
    instanceId: r.instance_id,
    instanceName: r.instance_name,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    expiresAt: r.expires_at,
    state: r.state,
    approvedLocks: r.approved_locks,
    plan: r.plan,
    evidence: r.evidence,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    denyReason: r.deny_reason,
    approvalMessage: r.approval_message ?? null,
    origin: r.origin ?? null,
    lastStep: r.last_step,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    runnerId: r.runner_id,
    heartbeatAt: r.heartbeat_at,
  }));
export type StoredFixRequest = z.output<typeof StoredFixRequest>;

export const StoredFixRunStep = z
  .object({
    request_id: Text,
    seq: z.number().int(),
    step: StepNameText,
    status: z.enum(['started', 'ok', 'failed', 'skipped']),
    started_at: Text,
    finished_at: NullableText,
    detail: Text,
  })
  .transform((r): FixRunStep => ({
    requestId: r.request_id, seq: r.seq, step: r.step, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at, detail: r.detail,
  }));
export type StoredFixRunStep = z.output<typeof StoredFixRunStep>;

export const StoredAuditEntry = z
  .object({
    seq: z.number().int(),
    at: Text,
    actor: Text,
    action: Text,
    instance_id: NullableText,
    request_id: NullableText,
    detail: Text,
    command: jsonColumn(CommandRecord).nullable(),
    http: jsonColumn(HttpRecord).nullable(),
  })
  .transform((r): AuditEntry => ({
    at: r.at,
    actor: r.actor,
    action: r.action,
    instanceId: r.instance_id,
    requestId: r.request_id,
    detail: r.detail,
    ...(r.command ? { command: r.command } : {}),
    ...(r.http ? { http: r.http } : {}),
  }));
export type StoredAuditEntry = z.output<typeof StoredAuditEntry>;

/** One approve/deny/expire (recorded by a trigger on the state change) or refusal (from the audit entry). */
export const StoredDecision = z
  .object({
    request_id: Text,
    decision: z.enum(['approved', 'denied', 'expired', 'refused']),
    actor: Text,
    at: Text,
    reason: NullableText,
  })
  .transform((r) => ({ requestId: r.request_id, decision: r.decision, actor: r.actor, at: r.at, reason: r.reason }));
export type StoredDecision = z.output<typeof StoredDecision>;

/**
 * Validates one row; a mismatch is a `corrupt_row` StoreError that names the table and the row (`what`), so that
 * the operator can find it with the sqlite3 shell.
 */
export function parseRow<S extends z.ZodType>(schema: S, row: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  throw new StoreError('corrupt_row', `${what} is corrupt in the database: ${z.prettifyError(parsed.error)}`, {
    cause: parsed.error,
    userMessage: `The stored record of ${what} is damaged and was not used. Nothing was changed; ask an operator to inspect the vmlocks database (VMLOCKS_DB).`,
  });
}
