/**
 * The fix of DESIGN.md §4, after approval: re-inspect, fence, break, repair, reboot, wait, confirm, tell.
 * Any step that fails stops the run; the outcome says what was done and what was not. The request is already
 * `running` when this starts (decide-request.ts moves it there in the same transaction as the approval and the fix
 * brake's count, so that the brake counts it at once).
 */
import { advanceRun } from '../core/approval.js';
import { compareApproved } from '../core/fix-plan.js';
import { formatDuration } from '../core/duration.js';
import { splitImageSpec, type ImageSpec, type InstanceId, type LockId, type Locker } from '../core/ids.js';
import type { FixRequest, RequestState } from '../core/fix-request.js';
import type { InstanceReport } from '../core/report.js';
import type { CephPort, NovaPort } from '../ports.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { describeError } from './describe-error.js';
import { safely } from './safely.js';
import { RunStopped, StepRunner, type StepDeps, type StepResult } from './run-steps.js';

export interface RunFixDeps extends StepDeps {
  ceph: CephPort;
  nova: NovaPort;
  rebootTimeoutMs: number;
  /** How often the run refreshes its heartbeat (default 10 s): other replicas must see it is alive. */
  heartbeatMs?: number;
  inspectById(id: InstanceId): Promise<InstanceReport | null>;
  metrics?: Metrics;
}

function isNotFound(e: unknown): boolean {
  return e instanceof Error && (Reflect.get(e, 'code') === 'not_found' || e.name === 'CephNotFoundError');
}

async function reinspect(deps: RunFixDeps, request: FixRequest): Promise<InstanceReport> {
  const fresh = await deps.inspectById(request.instanceId);
  if (fresh === null) throw new RunStopped('reinspect', `Nova no longer knows instance ${request.instanceId}`, true);
  const same = compareApproved(request.approvedLocks, fresh);
  if (!same.ok) throw new RunStopped('reinspect', `the locks are not what was approved: ${same.error.join('; ')}`, true);
  return fresh;
}

async function fence(deps: RunFixDeps, run: StepRunner, request: FixRequest, fresh: InstanceReport): Promise<StepResult> {
  const blocklisted = new Set(fresh.disks.flatMap((d) => d.locks.filter((l) => l.isBlocklisted).map((l) => l.lock.address)));
  const toFence = [...new Set(request.approvedLocks.map((l) => l.address))].filter((a) => !blocklisted.has(a));
  if (toFence.length === 0) return { status: 'skipped', detail: 'every stale owner is already in the OSD blocklist' };
  for (const address of toFence) await run.audited('fence', () => deps.ceph.addToBlocklist(address));
  const listed = new Set((await deps.ceph.listBlocklist()).map((e) => e.address));
  const missing = toFence.filter((a) => !listed.has(a));
  if (missing.length > 0) throw new RunStopped('fence', `${missing.join(', ')} not in the OSD blocklist after adding it`, false);
  return { status: 'ok', detail: `blocklisted ${toFence.join(', ')} (confirmed listed)` };
}

async function breakLocks(deps: RunFixDeps, run: StepRunner, request: FixRequest): Promise<StepResult> {
  const notes: string[] = [];
  for (const lock of request.approvedLocks) {
    try {
      await run.audited('break', () => deps.ceph.removeLock(lock.image, lock.id as LockId, lock.locker as Locker));
      notes.push(`removed ${lock.id} (${lock.locker}) from ${lock.image}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      notes.push(`${lock.id} (${lock.locker}) on ${lock.image} was already gone`);
    }
  }
  for (const image of new Set(request.approvedLocks.map((l) => l.image))) {
    const left = (await deps.ceph.listLocks(image)).filter((l) => request.approvedLocks.some((a) => a.image === image && a.id === l.id && a.locker === l.locker));
    if (left.length > 0) throw new RunStopped('break', `${image} still has ${left.map((l) => `${l.id} (${l.locker})`).join(', ')} after rbd lock rm`, false);
  }
  return { status: 'ok', detail: `${notes.join('; ')} (confirmed gone)` };
}

async function repair(deps: RunFixDeps, run: StepRunner, fresh: InstanceReport): Promise<StepResult> {
  const invalid = fresh.disks.filter((d) => d.objectMapInvalid).map((d) => d.image);
  if (invalid.length === 0) return { status: 'skipped', detail: 'no object map is flagged invalid' };
  for (const image of invalid) {
    await run.audited('repair', () => deps.ceph.rebuildObjectMap(image));
    const info = await deps.ceph.imageInfo(image);
    if (info.flags.some((f) => /invalid/.test(f))) throw new RunStopped('repair', `${image} still flagged ${info.flags.join(', ')} after the rebuild`, false);
  }
  return { status: 'ok', detail: `rebuilt the object map of ${invalid.join(', ')}` };
}

async function waitActive(deps: RunFixDeps, request: FixRequest): Promise<StepResult> {
  const outcome = await deps.nova.waitForActive(request.instanceId, { timeoutMs: deps.rebootTimeoutMs });
  const seen = outcome.transitions.join(' → ');
  if (!outcome.reached) {
    throw new RunStopped('wait', `${request.instanceName} is ${outcome.server.status} (task ${outcome.server.taskState ?? 'none'}) after ${formatDuration(outcome.elapsedMs)}; seen ${seen}`, false);
  }
  return { status: 'ok', detail: `ACTIVE and running after ${formatDuration(outcome.elapsedMs)} (${seen})` };
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
  if (!deps.store.transition(request.id, ['running'], target, { finishedAt, outcome })) {
    deps.logger.warn({ event: 'fix_finished_after_interrupted', requestId: request.id }, 'the run was reported interrupted while it was still going; recording its real end');
    deps.store.transition(request.id, ['interrupted'], target, { finishedAt, outcome: `${outcome} (it had been reported interrupted while it was still running)` });
  }
  const final: FixRequest = { ...request, state: target, finishedAt, outcome };
  deps.metrics?.fixRuns.inc({ outcome: target });
  deps.audit.append({ at: finishedAt, actor: 'system', action: 'finish', instanceId: request.instanceId, requestId: request.id, detail: `${target}: ${outcome}` });
  await safely(deps.logger, 'update the approval message', deps.notifier.updateApprovalMessage(final, run.steps));
  await safely(deps.logger, 'post the result', deps.notifier.notify({ kind: 'finished', request: final, steps: run.steps }));
  await safely(deps.logger, 'tell the requester', deps.notifier.tellUser(request.requestedBy, `Fix ${request.id} for ${request.instanceName} ${target}: ${outcome}`, request.origin));
}

export async function runFix(deps: RunFixDeps, request: FixRequest): Promise<void> {
  const heartbeat = setInterval(() => {
    try {
      deps.store.update(request.id, { heartbeatAt: deps.clock.now().toISOString() });
    } catch (e) {
      deps.logger.warn({ event: 'heartbeat_failed', requestId: request.id, err: e }, 'could not record the run heartbeat');
    }
  }, deps.heartbeatMs ?? 10_000);
  heartbeat.unref();
  try {
    await runSteps(deps, request);
  } finally {
    clearInterval(heartbeat);
  }
}

async function runSteps(deps: RunFixDeps, request: FixRequest): Promise<void> {
  const run = new StepRunner(deps, request);
  const t0 = deps.clock.now().getTime();
  let fresh: InstanceReport | undefined;
  try {
    await run.run('reinspect', async () => {
      fresh = await reinspect(deps, request);
      return { status: 'ok', detail: `the ${request.approvedLocks.length} approved lock(s) are still there and still stale` };
    });
    const report = fresh as InstanceReport;
    await run.run('fence', () => fence(deps, run, request, report));
    await run.run('break', () => breakLocks(deps, run, request));
    await run.run('repair', () => repair(deps, run, report));
    await run.run('reboot', async () => {
      const r = await run.audited('reboot', () => deps.nova.hardReboot(request.instanceId));
      return { status: 'ok', detail: `Nova accepted the hard reboot (HTTP ${r.status}${r.requestId ? `, ${r.requestId}` : ''})` };
    });
    await run.run('wait', () => waitActive(deps, request));
    await run.run('confirm', () => confirm(deps, request));
    await finish(deps, run, request, 'succeeded', `${splitImages(request)} unlocked and ${request.instanceName} rebooted in ${formatDuration(deps.clock.now().getTime() - t0)}`);
  } catch (e) {
    const stopped = e instanceof RunStopped ? e : new RunStopped('confirm', describeError(e), false);
    const done = run.steps.filter((s) => s.status === 'ok').map((s) => s.step);
    const outcome = stopped.abort
      ? `stopped before changing anything: ${stopped.detail}`
      : `stopped at ${stopped.step}: ${stopped.detail}. Done: ${done.join(', ') || 'nothing'}. Not done: the steps after ${stopped.step}.`;
    deps.logger.warn({ event: 'fix_stopped', requestId: request.id, step: stopped.step, abort: stopped.abort }, outcome);
    await finish(deps, run, request, stopped.abort ? 'aborted' : 'failed', outcome);
  }
}

