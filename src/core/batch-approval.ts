/**
 * The approval of a host batch: exactly the rules of a single fix (core/approval.ts: a second person, authorised at
 * click time, before the TTL, decided once), applied to the batch as one request. The caller applies the result
 * with a compare-and-set from `pending`.
 */
import { decide, type Decidable } from './approval.js';
import { sentenceParts } from './sentence.js';
import type { DecisionEvent, Rejection, RequestState } from './fix-request.js';
import type { BatchState, HostBatch } from './host-batch.js';
import { err, ok, type Result } from './result.js';

export interface BatchDecision {
  state: Extract<BatchState, 'running' | 'denied' | 'expired'>;
  patch: Partial<Pick<HostBatch, 'decidedBy' | 'decidedAt' | 'denyReason' | 'finishedAt' | 'outcome'>>;
}

// A batch's states as the single-fix state machine names them, for its "already decided" sentences.
const AS_REQUEST: Record<BatchState, RequestState> = {
  pending: 'pending', denied: 'denied', expired: 'expired', running: 'running', finished: 'succeeded', paused: 'failed', interrupted: 'interrupted',
};

function asDecidable(batch: HostBatch): Decidable {
  return { state: AS_REQUEST[batch.state], requestedBy: batch.requestedBy, expiresAt: batch.expiresAt, decidedBy: batch.decidedBy, decidedAt: batch.decidedAt };
}

export function decideBatch(batch: HostBatch, event: DecisionEvent): Result<BatchDecision, Rejection> {
  const decided = decide(asDecidable(batch), event);
  if (!decided.ok) {
    const detail = sentenceParts(decided.error.detail).map((p) => (typeof p === 'string' ? p.replace('this fix', 'this batch').replace('this request', 'this batch request') : p));
    return err({ ...decided.error, detail });
  }
  const { decidedBy, decidedAt, denyReason, finishedAt, outcome } = decided.value.patch;
  const patch: BatchDecision['patch'] = {
    ...(decidedBy !== undefined ? { decidedBy } : {}), ...(decidedAt !== undefined ? { decidedAt } : {}),
    ...(denyReason !== undefined ? { denyReason } : {}), ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(outcome !== undefined ? { outcome } : {}),
  };
  // An approval starts the batch at once (the caller moves it in the same compare-and-set).
  const state = decided.value.state === 'approved' ? 'running' : decided.value.state;
  if (state !== 'running' && state !== 'denied' && state !== 'expired') return err({ code: 'already_decided', detail: `unexpected decision ${state}` });
  return ok({ state, patch });
}

/** Failures in a row after which a batch pauses: the cause is likely systemic (Ceph, Nova, the network). */
export const PAUSE_AFTER_FAILURES_IN_A_ROW = 3;

/**
 * Whether the batch must stop starting instances: a systemic failure (a source could not be read) at once, or
 * several instance failures in a row. Returns the sentence saying why, or null to go on.
 */
export function pauseReason(outcomes: ReadonlyArray<{ status: 'done' | 'failed' | 'skipped'; systemic: boolean }>): string | null {
  const systemic = outcomes.find((o) => o.systemic);
  if (systemic) return 'Ceph or Nova could not be read (a systemic failure, not this instance)';
  let inARow = 0;
  for (const o of outcomes) {
    if (o.status === 'failed') inARow += 1;
    else if (o.status === 'done') inARow = 0;
  }
  return inARow >= PAUSE_AFTER_FAILURES_IN_A_ROW ? `${inARow} instances failed in a row` : null;
}
