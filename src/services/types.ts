/** What the inbound adapters (Slack handlers, CLI) can ask of vmlocks. Implemented in services/, wired in main.ts. */
import type { InstanceId, InstanceRef } from '../core/ids.js';
import type { FixStep } from '../core/fix-plan-types.js';
import type { FixRequest, Rejection } from '../core/fix-request.js';
import type { InstanceReport } from '../core/report.js';
import type { HostSummary } from '../core/host-summary.js';
import type { BatchPlan, HostBatch } from '../core/host-batch.js';
import type { Result } from '../core/result.js';
import type { Sentence } from '../core/sentence.js';
import type { ResolveResult } from '../ports.js';

export type InspectOutcome =
  | { kind: 'report'; report: InstanceReport; plan: FixStep[] }
  | { kind: 'not_found'; ref: InstanceRef }
  | { kind: 'ambiguous'; ref: InstanceRef; candidates: Extract<ResolveResult, { kind: 'ambiguous' }>['candidates'] };

export interface RequestRefusal {
  /** `not_restartable`: no restart left undone, or the instance is locked again (request-restart.ts). */
  code: 'not_stale' | 'already_open' | 'not_found' | 'not_restartable';
  detail: Sentence;
  /** The open request for the same instance (code `already_open`). */
  existing?: FixRequest;
}

export interface FixWorkflow {
  /** Re-inspects, then records a pending request and posts the approval message. */
  requestFix(input: { instanceId: InstanceId; requestedBy: string; origin: { channel: string; user: string } | null }): Promise<Result<FixRequest, RequestRefusal>>;
  /** The restart left undone by a fix interrupted after it removed the locks, as its own request (request-restart.ts). */
  requestRestart(input: { requestId: string; requestedBy: string; origin: { channel: string; user: string } | null }): Promise<Result<FixRequest, RequestRefusal>>;
  /** Approve or deny; an approval starts the run in the background (progress goes through the Notifier). */
  decide(input: { requestId: string; userId: string; decision: 'approve' | 'deny'; reason?: string }): Promise<Result<FixRequest, Rejection>>;
}

export type HostOutcome =
  /** `batch`: the plan of one request for every stale instance of the host (core/host-batch.ts). */
  | { kind: 'host_report'; summary: HostSummary; batch?: BatchPlan }
  | { kind: 'host_not_found'; host: string };

export interface InspectService {
  inspect(ref: InstanceRef, actor: string): Promise<InspectOutcome>;
  /** Every instance of a compute host (`/vmlocks host <host>`): the first look after a power loss. */
  inspectHost(host: string, actor: string): Promise<HostOutcome>;
}

export interface BatchRefusal {
  code: 'not_stale' | 'already_open' | 'not_found' | 'over_cap';
  detail: Sentence;
  /** The open batch of the same host (code `already_open`). */
  existing?: HostBatch;
}

/** One request for every stale instance of a compute host: request → decide → run (services/batch-workflow.ts). */
export interface BatchWorkflow {
  requestBatch(input: { host: string; requestedBy: string; origin: { channel: string; user: string } | null }): Promise<Result<HostBatch, BatchRefusal>>;
  decide(input: { batchId: string; userId: string; decision: 'approve' | 'deny'; reason?: string }): Promise<Result<HostBatch, Rejection>>;
}
