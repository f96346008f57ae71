/**
 * A request for the restart left undone by an interrupted fix (core/restart-offer.ts): inspected again (every disk
 * must be unlocked), recorded as a pending request whose plan is only the restart and the confirmation, and posted
 * for a second person's approval like a fix.
 */
import { buildRestartPlan, isRestartOffered } from '../core/restart-offer.js';
import type { FixRequest } from '../core/fix-request.js';
import { err, type Result } from '../core/result.js';
import { sentence } from '../core/sentence.js';
import { alreadyOpen, newRequestId, openRequest, type RequestFixDeps } from './request-fix.js';
import type { RequestRefusal } from './types.js';

export interface RestartInput {
  /** The interrupted fix. */
  requestId: string;
  requestedBy: string;
  origin: { channel: string; user: string } | null;
}

function refuse(detail: string): Result<FixRequest, RequestRefusal> {
  return err({ code: 'not_restartable', detail: sentence`${detail}` });
}

export async function requestRestart(deps: RequestFixDeps, input: RestartInput): Promise<Result<FixRequest, RequestRefusal>> {
  const interrupted = await deps.store.get(input.requestId);
  if (interrupted === null) return err({ code: 'not_found', detail: `There is no fix request ${input.requestId}.` });
  if (!isRestartOffered(interrupted)) {
    return refuse(`Fix ${interrupted.id} is ${interrupted.state}${interrupted.lastStep ? ` at step ${interrupted.lastStep}` : ''}: there is no restart left undone to request. Check ${interrupted.instanceName} with /vmlocks.`);
  }
  // an interrupted run guards its instance until its end is recorded or an operator clears it (vmlocks clear-run)
  const open = await deps.store.findOpen(interrupted.instanceId);
  if (open) return err(alreadyOpen(open));
  const plan = buildRestartPlan(interrupted);
  if (plan.length === 0) return refuse(`The plan of fix ${interrupted.id} had no restart (the host's state was unknown): restart ${interrupted.instanceName} by hand.`);

  const report = await deps.inspectById(interrupted.instanceId);
  if (report === null) return err({ code: 'not_found', detail: `Nova no longer knows instance ${interrupted.instanceId}.` });
  if (report.verdict !== 'unlocked') {
    return refuse(`${report.instance.name} is ${report.verdict} now, not unlocked: ${report.verdict === 'alive' ? 'it runs again, nothing to restart' : 'check it and request a fix if it is stale'}. ${report.evidence.join(' ')}`.trim());
  }
  const now = deps.clock.now();
  const request: FixRequest = {
    id: newRequestId(),
    instanceId: interrupted.instanceId,
    instanceName: report.instance.name,
    requestedBy: input.requestedBy,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.approvalTtlMs).toISOString(),
    state: 'pending',
    // the locks the interrupted fix removed: the confirmation checks that their owners did not take them back
    approvedLocks: interrupted.approvedLocks,
    plan,
    evidence: [`fix ${interrupted.id} removed the locks and was interrupted at step ${interrupted.lastStep ?? '?'}: ${report.instance.name} was not restarted`, ...report.evidence],
    decidedBy: null, decidedAt: null, denyReason: null, approvalMessage: null,
    origin: input.origin, lastStep: null, finishedAt: null, outcome: null,
  };
  return openRequest(deps, request, `requested the restart left undone by the interrupted fix ${interrupted.id}`);
}
