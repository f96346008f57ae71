/**
 * The approval state machine of DESIGN.md §5, pure: the clock comes in the event (`at`), the approver's
 * authorisation is checked by the caller at click time and passed in (`isAuthorised`). The caller applies the
 * result with a compare-and-set from `pending`, so that one decision wins.
 */
import type { DecisionEvent, FixRequest, Rejection, RequestState } from './fix-request.js';
import { err, ok, type Result } from './result.js';
import { formatClock, isoToMs } from './time-format.js';
import { sentence, userRef } from './sentence.js';

export const DENY_REASON_MAX = 500;

/** The only state a decision (approve, deny, expire) starts from. */
export const DECIDABLE_FROM: readonly RequestState[] = ['pending'];

export type Decision = { state: RequestState; patch: Partial<FixRequest> };

/** What a decision reads of a request: a single fix request, or a host batch seen as one (batch-approval.ts). */
export type Decidable = Pick<FixRequest, 'state' | 'requestedBy' | 'expiresAt' | 'decidedBy' | 'decidedAt'>;

function isPastExpiry(request: Decidable, at: string): boolean {
  return isoToMs(at) >= isoToMs(request.expiresAt);
}

const PAST: Partial<Record<RequestState, string>> = {
  approved: 'approved', running: 'approved', succeeded: 'approved', failed: 'approved', aborted: 'approved',
  interrupted: 'approved', denied: 'denied',
};

/** Why a request that is no longer pending cannot be decided, for the user who clicked. */
function notPending(request: Decidable, at: string): Rejection {
  if (request.state === 'expired') {
    return { code: 'expired', detail: `This request expired at ${formatClock(request.expiresAt, at)} without a decision; ask for the fix again if it is still needed.` };
  }
  const who = request.decidedBy === null ? 'someone' : request.decidedBy === 'system' ? 'vmlocks' : userRef(request.decidedBy);
  const when = request.decidedAt === null ? '' : ` at ${formatClock(request.decidedAt, at)}`;
  const verb = PAST[request.state] ?? 'decided';
  const now = request.state === 'approved' || request.state === 'denied' ? '' : ` (it is ${request.state} now)`;
  return { code: 'already_decided', detail: sentence`${who} already ${verb} this request${when}${now}.` };
}

function expired(request: Decidable, at: string): Rejection {
  return { code: 'expired', detail: `This request expired at ${formatClock(request.expiresAt, at)}; ask for the fix again if it is still needed.` };
}

function approve(request: Decidable, e: Extract<DecisionEvent, { type: 'approve' }>): Result<Decision, Rejection> {
  if (e.userId === request.requestedBy) {
    return err({ code: 'self_approval', detail: 'You requested this fix; a second engineer must approve it.' });
  }
  if (!e.isAuthorised) {
    return err({ code: 'not_authorised', detail: 'You are not an approver of vmlocks fixes (VMLOCKS_APPROVERS or VMLOCKS_APPROVER_GROUP); ask one of them.' });
  }
  return ok({ state: 'approved', patch: { state: 'approved', decidedBy: e.userId, decidedAt: e.at } });
}

function deny(request: Decidable, e: Extract<DecisionEvent, { type: 'deny' }>): Result<Decision, Rejection> {
  const isRequester = e.userId === request.requestedBy;
  if (!isRequester && !e.isAuthorised) {
    return err({ code: 'not_authorised', detail: 'Only an approver or the requester can deny this fix.' });
  }
  const reason = e.reason.trim();
  if (reason.length === 0) return err({ code: 'invalid_reason', detail: 'Give a reason for the denial.' });
  if (reason.length > DENY_REASON_MAX) {
    return err({ code: 'invalid_reason', detail: `The reason is ${reason.length} characters long; keep it under ${DENY_REASON_MAX + 1}.` });
  }
  const outcome = isRequester ? `withdrawn by the requester: ${reason}` : `denied: ${reason}`;
  return ok({ state: 'denied', patch: { state: 'denied', decidedBy: e.userId, decidedAt: e.at, denyReason: reason, finishedAt: e.at, outcome } });
}

/** Decides a fix request: approve, deny (or withdraw), or expire. Rejections are sentences for the user. */
export function decide(request: Decidable, event: DecisionEvent): Result<Decision, Rejection> {
  if (!DECIDABLE_FROM.includes(request.state)) return err(notPending(request, event.at));
  const isDue = isPastExpiry(request, event.at);
  switch (event.type) {
    case 'expire':
      if (!isDue) return err({ code: 'not_expired', detail: `This request is pending until ${formatClock(request.expiresAt, event.at)}.` });
      return ok({ state: 'expired', patch: { state: 'expired', finishedAt: event.at, outcome: 'expired without a decision' } });
    case 'approve':
      return isDue ? err(expired(request, event.at)) : approve(request, event);
    case 'deny':
      return isDue ? err(expired(request, event.at)) : deny(request, event);
  }
}

export { advanceRun, RUN_TRANSITIONS, type RunEvent } from './run-transitions.js';
