/** The fix of DESIGN.md §4 as data: shown before approval, executed step by step, audited. */
import type { EntityAddr, ImageSpec, InstanceId, LockId, Locker } from './ids.js';

export type StepName = 'reinspect' | 'fence' | 'break' | 'repair' | 'reboot' | 'evacuate' | 'wait' | 'confirm';

/** Every step name, in run order (the `--json` plan and the store validate against it). */
export const STEP_NAMES = ['reinspect', 'fence', 'break', 'repair', 'reboot', 'evacuate', 'wait', 'confirm'] as const satisfies readonly StepName[];

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  /** Path under the Nova endpoint, e.g. `/servers/<id>/action`. */
  path: string;
  body?: unknown;
}

export type FixStep =
  | { step: 'reinspect'; description: string }
  | { step: 'fence'; description: string; address: EntityAddr; argv: string[]; /** Seconds the entry lasts (absent in plans stored before it existed). */ expirySeconds?: number }
  | { step: 'break'; description: string; image: ImageSpec; lockId: LockId; locker: Locker; argv: string[] }
  | { step: 'repair'; description: string; image: ImageSpec; argv: string[] }
  | { step: 'reboot'; description: string; instanceId: InstanceId; request: HttpRequestSpec }
  /** Evacuate from `sourceHost`, whose nova-compute is down (the scheduler picks the target). */
  | { step: 'evacuate'; description: string; instanceId: InstanceId; sourceHost: string; request: HttpRequestSpec }
  | { step: 'wait'; description: string; instanceId: InstanceId; request: HttpRequestSpec }
  | { step: 'confirm'; description: string };
