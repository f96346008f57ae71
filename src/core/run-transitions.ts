/**
 * The run's states after approval (DESIGN.md §4), as one table: no code elsewhere invents a transition.
 * `interrupt` is what the next start does with a run that a crash left `approved` or `running`: it is
 * reported, never silently resumed.
 */
import type { RequestState } from './fix-request.js';
import { err, ok, type Result } from './result.js';

export type RunEvent = 'start' | 'succeed' | 'fail' | 'abort' | 'interrupt';

export const RUN_TRANSITIONS: Readonly<Record<RunEvent, { from: readonly RequestState[]; to: RequestState }>> = {
  start: { from: ['approved'], to: 'running' },
  succeed: { from: ['running'], to: 'succeeded' },
  fail: { from: ['running'], to: 'failed' },
  abort: { from: ['running'], to: 'aborted' }, // re-inspection found something else than what was approved
  interrupt: { from: ['approved', 'running'], to: 'interrupted' },
};

/** The state after `event`, or a sentence saying why the run cannot take that step from `state`. */
export function advanceRun(state: RequestState, event: RunEvent): Result<RequestState, string> {
  const t = RUN_TRANSITIONS[event];
  if (!t.from.includes(state)) return err(`a ${state} request cannot ${event} (only from ${t.from.join(' or ')})`);
  return ok(t.to);
}
