/**
 * Step 5 of a fix run (DESIGN.md §4), after every approved lock is fenced and removed: restart the instance the way
 * its compute host allows *now*. The plan chose from the host's state at request time; the host may have died or
 * come back since, so the choice is made again on a fresh report right before (core/restart-choice.ts):
 * - host up: hard reboot, then wait for ACTIVE; but never while an evacuation of the instance is accepted or in
 *   progress (a reboot would race the rebuild on the target);
 * - host down: evacuate, then follow the migration record to `done` and the server to another host;
 * - otherwise: no restart, and the outcome says what to do.
 */
import { formatDuration } from '../core/duration.js';
import type { FixRequest } from '../core/fix-request.js';
import type { InstanceId } from '../core/ids.js';
import type { InstanceReport } from '../core/report.js';
import { chooseRestart, type RestartChoice } from '../core/restart-choice.js';
import type { EvacuationRecord, NovaPort } from '../ports.js';
import { describeError } from './describe-error.js';
import { RunStopped, type StepDeps, type StepRunner } from './run-steps.js';

export interface RestartDeps extends StepDeps {
  nova: NovaPort;
  rebootTimeoutMs: number;
  /** Bound of the wait for an evacuation (VMLOCKS_EVACUATE_TIMEOUT, default 10 min). */
  evacuateTimeoutMs?: number;
  inspectById(id: InstanceId): Promise<InstanceReport | null>;
}

/** How the instance was restarted, for the run's outcome ("rebooted", "evacuated from a to b", "not restarted: …"). */
export interface RestartSummary {
  words: string;
}

const DEFAULT_EVACUATE_TIMEOUT_MS = 10 * 60_000;
const SETTLED = ['done', 'error', 'failed', 'completed', 'cancelled'];

function plannedKind(request: FixRequest): 'reboot' | 'evacuate' | 'none' {
  if (request.plan.some((s) => s.step === 'evacuate')) return 'evacuate';
  return request.plan.some((s) => s.step === 'reboot') ? 'reboot' : 'none';
}

/** The host's state now, from a fresh report; a failure stops the run at the planned restart step. */
async function freshChoice(deps: RestartDeps, request: FixRequest): Promise<{ report: InstanceReport; choice: RestartChoice }> {
  const step = plannedKind(request) === 'evacuate' ? 'evacuate' : 'reboot';
  let report: InstanceReport | null;
  try {
    report = await deps.inspectById(request.instanceId);
  } catch (e) {
    throw new RunStopped(step, `could not check ${request.instanceName}'s host again before restarting it: ${describeError(e)}; nothing was restarted`, false);
  }
  if (report === null) throw new RunStopped(step, `Nova no longer knows instance ${request.instanceId}`, false);
  return { report, choice: chooseRestart(report) };
}

function changedSincePlan(planned: string, choice: RestartChoice, host: string | null): string {
  if (planned === choice.kind) return '';
  if (choice.kind === 'evacuate') return ` (${host ?? 'its host'} went down after the plan: evacuating instead of rebooting)`;
  if (choice.kind === 'reboot') return ` (${host ?? 'its host'} came back after the plan: rebooting instead of evacuating)`;
  return '';
}

async function reboot(deps: RestartDeps, run: StepRunner, request: FixRequest, report: InstanceReport, note: string): Promise<RestartSummary> {
  await run.run('reboot', async () => {
    const open = await openEvacuation(deps, request.instanceId, report);
    if (open !== null) {
      throw new RunStopped('reboot', `${open}: vmlocks does not hard-reboot an instance that is being evacuated. Follow the ` +
        `evacuation (openstack server migration list --server ${request.instanceId}); nothing was restarted by vmlocks`, false);
    }
    const r = await run.audited('reboot', () => deps.nova.hardReboot(request.instanceId));
    return { status: 'ok', detail: `Nova accepted the hard reboot (HTTP ${r.status}${r.requestId ? `, ${r.requestId}` : ''})${note}` };
  });
  await run.run('wait', async () => {
    const outcome = await deps.nova.waitForActive(request.instanceId, { timeoutMs: deps.rebootTimeoutMs, ...run.leaseSignal() });
    run.assertLeaseNotLost('wait');
    const seen = outcome.transitions.join(' → ');
    if (!outcome.reached) {
      throw new RunStopped('wait', `${request.instanceName} is ${outcome.server.status} (task ${outcome.server.taskState ?? 'none'}) after ${formatDuration(outcome.elapsedMs)}; seen ${seen}`, false);
    }
    return { status: 'ok', detail: `ACTIVE and running after ${formatDuration(outcome.elapsedMs)} (${seen})` };
  });
  return { words: 'rebooted' };
}

/** A sentence about an accepted or running evacuation of the instance, or null. */
async function openEvacuation(deps: RestartDeps, id: InstanceId, report: InstanceReport): Promise<string | null> {
  const task = report.instance.taskState;
  // rebuilding, rebuild_block_device_mapping, rebuild_spawning: an evacuation (or a rebuild) is running
  if (task !== null && task.startsWith('rebuild')) return `Nova shows task_state ${task} on ${report.instance.name}`;
  let records: EvacuationRecord[];
  try {
    records = await deps.nova.listEvacuations(id);
  } catch (e) {
    // Without the migration listing (an older policy), the task_state above is the only sign; it is enough for
    // Nova's own API: evacuate sets task_state rebuilding in the same request that creates the record.
    deps.logger.warn({ event: 'evacuations_unreadable', instanceId: id, err: e }, `could not read the evacuation records: ${describeError(e)}`);
    return null;
  }
  const open = records.find((m) => !SETTLED.includes(m.status));
  return open === undefined ? null : `Nova has an evacuation of ${report.instance.name} from ${open.sourceCompute ?? '?'} in status ${open.status} (migration ${open.id})`;
}

async function evacuate(deps: RestartDeps, run: StepRunner, request: FixRequest, report: InstanceReport, sourceHost: string, note: string): Promise<RestartSummary> {
  let afterMigrationId = 0;
  await run.run('evacuate', async () => {
    const before = await deps.nova.listEvacuations(request.instanceId);
    afterMigrationId = before.at(-1)?.id ?? 0;
    const r = await run.audited('evacuate', () => deps.nova.evacuate(request.instanceId));
    return { status: 'ok', detail: `Nova accepted the evacuation from ${sourceHost} (HTTP ${r.status}${r.requestId ? `, ${r.requestId}` : ''})${note}` };
  });
  let target = '';
  await run.run('wait', async () => {
    const expectStopped = report.instance.vmState === 'stopped';
    const timeoutMs = deps.evacuateTimeoutMs ?? DEFAULT_EVACUATE_TIMEOUT_MS;
    const o = await deps.nova.waitForEvacuation(request.instanceId, { sourceHost, afterMigrationId, expectStopped, timeoutMs, ...run.leaseSignal() });
    run.assertLeaseNotLost('wait');
    const seen = o.transitions.join(' → ');
    if (o.failed) {
      throw new RunStopped('wait', `Nova's evacuation of ${request.instanceName} ended ${o.migration?.status ?? 'in error'} (migration ${o.migration?.id ?? '?'}); seen ${seen}. ` +
        `See why with openstack server event list ${request.instanceId}; do not hard-reboot it while ${sourceHost} is down`, false);
    }
    if (!o.reached) {
      throw new RunStopped('wait', `the evacuation of ${request.instanceName} is not done after ${formatDuration(o.elapsedMs)}; seen ${seen}. ` +
        `Nova may still finish it: follow openstack server migration list --server ${request.instanceId}, and do not reboot it meanwhile`, false);
    }
    target = o.server.host ?? '?';
    const state = expectStopped ? `SHUTOFF on ${target} (it was stopped before; start it if it should run)` : `ACTIVE and running on ${target}`;
    return { status: 'ok', detail: `evacuated: migration ${o.migration?.id ?? '?'} done, ${state} after ${formatDuration(o.elapsedMs)} (${seen})` };
  });
  return { words: `evacuated from ${sourceHost} to ${target}` };
}

/** Runs the restart steps; throws RunStopped when one fails. */
export async function restartInstance(deps: RestartDeps, run: StepRunner, request: FixRequest): Promise<RestartSummary> {
  const planned = plannedKind(request);
  const { report, choice } = await freshChoice(deps, request);
  const note = changedSincePlan(planned, choice, report.instance.host);
  if (choice.kind === 'reboot') return reboot(deps, run, request, report, note);
  if (choice.kind === 'evacuate') return evacuate(deps, run, request, report, choice.sourceHost, note);
  await run.run(planned === 'evacuate' ? 'evacuate' : 'reboot', () => Promise.resolve({ status: 'skipped', detail: `not restarted: ${choice.reason}` }));
  return { words: `not restarted (${choice.reason})` };
}
