/**
 * The fix of DESIGN.md §4, after approval: re-inspect, fence, break, repair, restart (reboot or evacuate, then wait:
 * restart-step.ts), confirm, tell.
 * Any step that fails stops the run; the outcome says what was done and what was not. The request is already
 * `running` when this starts (decide-request.ts moves it there in the same transaction as the approval and the fix
 * brake's count, so that the brake counts it at once).
 */
import { advanceRun } from '../core/approval.js';
import { formatDuration } from '../core/duration.js';
import { splitImageSpec, type ImageSpec } from '../core/ids.js';
import type { FixRequest, RequestState } from '../core/fix-request.js';
import type { InstanceReport } from '../core/report.js';
import type { NovaPort, RunLease } from '../ports.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { describeError } from './describe-error.js';
import { safely } from './safely.js';
import { RunStopped, StepRunner, withStoredMessage, type StepResult } from './run-steps.js';
import { breakLocks, fence, reinspect, repair, type CephStepDeps } from './ceph-steps.js';
import { restartInstance, type RestartDeps } from './restart-step.js';
import { holdLease } from './run-lease.js';
import { isRestartOnly } from '../core/restart-offer.js';

export interface RunFixDeps extends CephStepDeps, RestartDeps {
  nova: NovaPort;
  /** The lease this process holds its runs with (started by decide-request.ts, renewed here). */
  lease: RunLease;
  /** How often the run renews its lease (default: a third of the lease). */
  renewEveryMs?: number;
  metrics?: Metrics;
}

/** Who holds each fixed disk's lock now, and whether that owner has a matching watcher (is alive). */
async function confirm(deps: RunFixDeps, request: FixRequest): Promise<StepResult> {
  const lines: string[] = [];
  for (const image of new Set<ImageSpec>(request.approvedLocks.map((l) => l.image))) {
    const [locks, watchers] = await Promise.all([deps.ceph.listLocks(image), deps.ceph.listWatchers(image)]);
    const old = locks.filter((l) => request.approvedLocks.some((a) => a.image === image && a.id === l.id && a.locker === l.locker));
    if (old.length > 0) throw new RunStopped('confirm', `${image} is locked again by the removed owner ${old.map((l) => l.locker).join(', ')}`, false);
    if (locks.length === 0) {
      lines.push(`${image}: no lock yet (librbd takes it at the guest's first write); ${watchers.length} watcher(s)`);
      continue;
    }
    for (const l of locks) {
      const alive = watchers.some((w) => w.address === l.address);
      lines.push(`${image}: locked by ${l.locker} at ${l.address}, ${alive ? 'which has a matching watcher (new owner alive)' : 'with NO matching watcher: check again'}`);
    }
  }
  return { status: 'ok', detail: lines.join('; ') };
}

function splitImages(request: FixRequest): string {
  return [...new Set(request.approvedLocks.map((l) => splitImageSpec(l.image).image))].join(', ');
}

async function finish(deps: RunFixDeps, run: StepRunner, request: FixRequest, state: RequestState, outcome: string): Promise<void> {
  const next = advanceRun('running', state === 'succeeded' ? 'succeed' : state === 'aborted' ? 'abort' : 'fail');
  const target = next.ok ? next.value : state;
  const finishedAt = deps.clock.now().toISOString();
  // 'interrupted' too: if another process took this run for dead (a stall past the heartbeat limit), the record
  // must still end with what really happened.
  if (!(await deps.store.transition(request.id, ['running'], target, { finishedAt, outcome }))) {
    deps.logger.warn({ event: 'fix_finished_after_interrupted', requestId: request.id }, 'the run was reported interrupted while it was still going; recording its real end');
    await deps.store.transition(request.id, ['interrupted'], target, { finishedAt, outcome: `${outcome} (it had been reported interrupted while it was still running)` });
  }
  const final: FixRequest = await withStoredMessage(deps.store, { ...request, state: target, finishedAt, outcome });
  deps.metrics?.fixRuns.inc({ outcome: target });
  await deps.audit.append({ at: finishedAt, actor: 'system', action: 'finish', instanceId: request.instanceId, requestId: request.id, detail: `${target}: ${outcome}` });
  await safely(deps.logger, 'update the approval message', deps.notifier.updateApprovalMessage(final, run.steps));
  await safely(deps.logger, 'post the result', deps.notifier.notify({ kind: 'finished', request: final, steps: run.steps }));
  await safely(deps.logger, 'tell the requester', deps.notifier.tellUser(request.requestedBy, `Fix ${request.id} for ${request.instanceName} ${target}: ${outcome}`, request.origin));
}

export async function runFix(deps: RunFixDeps, request: FixRequest): Promise<void> {
  const lease = holdLease(deps, request.id, deps.lease, deps.renewEveryMs);
  try {
    await runSteps(deps, request, lease);
  } finally {
    lease.stop();
  }
}

async function runSteps(deps: RunFixDeps, request: FixRequest, lease: ReturnType<typeof holdLease>): Promise<void> {
  const run = new StepRunner(deps, request, lease);
  const t0 = deps.clock.now().getTime();
  let end: { state: RequestState; outcome: string };
  try {
    const words = isRestartOnly(request.plan) ? await restartOnly(deps, run, request) : await fullFix(deps, run, request);
    end = { state: 'succeeded', outcome: `${words} in ${formatDuration(deps.clock.now().getTime() - t0)}` };
  } catch (e) {
    // StepRunner.run turns every error into RunStopped at its step; anything else happened between steps.
    const stopped = e instanceof RunStopped ? e : new RunStopped(run.current ?? 'reinspect', describeError(e), false);
    const done = run.steps.filter((s) => s.status === 'ok').map((s) => s.step);
    const outcome = stopped.abort
      ? `stopped before changing anything: ${stopped.detail}`
      : `stopped at ${stopped.step}: ${stopped.detail}. Done: ${done.join(', ') || 'nothing'}. Not done: the steps after ${stopped.step}.`;
    deps.logger.warn({ event: 'fix_stopped', requestId: request.id, step: stopped.step, abort: stopped.abort }, outcome);
    end = { state: stopped.abort ? 'aborted' : 'failed', outcome };
  }
  await finish(deps, run, request, end.state, end.outcome);
}

/** The fix: every step of the plan. Returns the outcome's words. */
async function fullFix(deps: RunFixDeps, run: StepRunner, request: FixRequest): Promise<string> {
  let report: InstanceReport | undefined;
  await run.run('reinspect', async () => {
    report = await reinspect(deps, request);
    return { status: 'ok', detail: `the ${request.approvedLocks.length} approved lock(s) are still there and still stale` };
  });
  await run.run('fence', async () => {
    const fenced = await fence(deps, run, request, report as InstanceReport);
    report = fenced.report;
    return fenced.result;
  });
  await run.run('break', () => breakLocks(deps, run, request));
  await run.run('repair', () => repair(deps, run, request, report as InstanceReport));
  const restarted = await restartInstance(deps, run, request);
  await run.run('confirm', () => confirm(deps, request));
  return `${splitImages(request)} unlocked and ${request.instanceName} ${restarted.words}`;
}

/** The restart left undone by an interrupted fix (core/restart-offer.ts): only if no disk is locked again. */
async function restartOnly(deps: RunFixDeps, run: StepRunner, request: FixRequest): Promise<string> {
  await run.run('reinspect', async () => {
    const fresh = await deps.inspectById(request.instanceId);
    if (fresh === null) throw new RunStopped('reinspect', `Nova no longer knows instance ${request.instanceId}`, true);
    if (fresh.verdict !== 'unlocked') {
      throw new RunStopped('reinspect', `${fresh.instance.name} is ${fresh.verdict} now, not unlocked (${fresh.evidence[0] ?? 'no detail'}): nothing was restarted`, true);
    }
    return { status: 'ok', detail: `no disk of ${fresh.instance.name} is locked: the restart can go ahead` };
  });
  const restarted = await restartInstance(deps, run, request);
  await run.run('confirm', () => confirm(deps, request));
  return `${request.instanceName} ${restarted.words} (the restart left undone by an interrupted fix)`;
}

