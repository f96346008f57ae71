/** A request to fix an instance's stale locks, and its life: DESIGN.md §5. Pure data. */
import type { Sentence } from './sentence.js';
import type { InstanceId } from './ids.js';
import type { FixStep, StepName } from './fix-plan-types.js';
import type { ApprovedLock } from './report.js';

export type RequestState =
  | 'pending' // waiting for a second person
  | 'denied'
  | 'expired'
  | 'approved' // decided; the run has not started yet
  | 'running'
  | 'succeeded'
  | 'failed' // a step failed; the run stopped there
  | 'aborted' // re-inspection found something else than what was approved; nothing changed
  | 'interrupted'; // the process died during the run (found at the next start)

export const TERMINAL_STATES: readonly RequestState[] = ['denied', 'expired', 'succeeded', 'failed', 'aborted', 'interrupted'];

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export interface FixRequest {
  id: string;
  instanceId: InstanceId;
  instanceName: string;
  requestedBy: string; // Slack user id
  requestedAt: string; // ISO
  expiresAt: string; // ISO
  state: RequestState;
  /** The stale locks the requester saw; the run removes exactly these or nothing. */
  approvedLocks: ApprovedLock[];
  plan: FixStep[];
  /** The evidence shown when the request was made. */
  evidence: string[];
  decidedBy: string | null;
  decidedAt: string | null;
  denyReason: string | null;
  /** Where the approval message is, for chat.update (response_url lasts 30 min only). */
  approvalMessage: SlackMessageRef | null;
  /** Where the requester asked from (for the outcome). */
  origin: { channel: string; user: string } | null;
  /** Last step reached by the run, for interrupted reports. */
  lastStep: StepName | null;
  finishedAt: string | null;
  outcome: string | null;
  /** Which process runs the fix (`host/pid/nonce`), and when it last said it is still at it (run-liveness.ts). */
  runnerId?: string | null;
  heartbeatAt?: string | null;
}

export type RejectionCode =
  | 'self_approval' | 'not_authorised' | 'expired' | 'already_decided' | 'brake' | 'not_found'
  | 'invalid_reason' // a denial without a reason, or one longer than 500 characters
  | 'not_expired'; // an `expire` event before expiresAt

export interface Rejection {
  code: RejectionCode;
  /** A sentence for the user who clicked (user references kept as data: core/sentence.ts). */
  detail: Sentence;
}

export type DecisionEvent =
  | { type: 'approve'; userId: string; isAuthorised: boolean; at: string }
  | { type: 'deny'; userId: string; isAuthorised: boolean; reason: string; at: string }
  | { type: 'expire'; at: string };
