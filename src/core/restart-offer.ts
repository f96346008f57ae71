/**
 * The restart left undone by a fix that was interrupted after it removed the locks (issue 10): the instance's
 * verdict is `unlocked` then, so no fix is offered, and nothing would restart it. vmlocks offers the remaining
 * restart as a request of its own, approved by a second person like a fix; its run re-checks that no disk is
 * locked, then restarts and confirms. Pure.
 */
import type { FixStep, StepName } from './fix-plan-types.js';
import type { FixRequest } from './fix-request.js';

/** Steps that act on Ceph (or only check): everything else in a plan is the restart (reboot or evacuate, wait). */
const NOT_RESTART: readonly string[] = ['reinspect', 'fence', 'break', 'repair', 'confirm'];

/** Steps a run reaches only after `rbd lock rm` was sent for at least one lock. */
const AFTER_BREAK: readonly string[] = ['break', 'repair', 'reboot', 'evacuate', 'wait', 'confirm'];

/** A plan with no lock to remove: the restart of an interrupted fix. */
export function isRestartOnly(plan: readonly Pick<FixStep, 'step'>[]): boolean {
  return !plan.some((s) => s.step === 'break');
}

/** Whether an interrupted run left the restart undone after removing locks (or was itself a restart). */
export function isRestartOffered(r: { state: FixRequest['state']; lastStep: StepName | null; plan: readonly Pick<FixStep, 'step'>[] }): boolean {
  if (r.state !== 'interrupted' || r.lastStep === null) return false;
  return isRestartOnly(r.plan) || AFTER_BREAK.includes(r.lastStep);
}

/**
 * The plan of the remaining restart: check that no disk is locked, the restart steps of the interrupted plan (as
 * that plan chose them from the host's state; the run checks the host again where the restart step does), confirm.
 * Empty when the interrupted plan had no restart (the host's state was unknown).
 */
export function buildRestartPlan(interrupted: FixRequest): FixStep[] {
  const restart = interrupted.plan.filter((s) => !NOT_RESTART.includes(s.step));
  if (restart.length === 0) return [];
  const confirm = interrupted.plan.find((s) => s.step === 'confirm') ??
    { step: 'confirm' as const, description: `Check that each disk of ${interrupted.instanceName} is locked by a client with a matching watcher.` };
  return [
    {
      step: 'reinspect',
      description: `Inspect again: no disk of ${interrupted.instanceName} may be locked (fix ${interrupted.id} removed the locks), or nothing is restarted.`,
    },
    ...restart,
    confirm,
  ];
}
