/** A compute host's state in one word and one sentence, from Nova's nova-compute service record. Pure. */
import type { HostState } from './report.js';
import type { Result } from './result.js';
import type { ComputeServiceView } from './snapshot.js';
import { say } from './evidence.js';

export function hostStateOfService(service: Result<ComputeServiceView | null, string>): HostState {
  if (!service.ok || service.value === null) return 'unknown';
  if (service.value.forcedDown) return 'forced_down';
  return service.value.state === 'down' ? 'down' : 'up';
}

/** "compute-1 nova-compute is down since 02:14:07Z", or nothing when Nova could not be asked. */
export function hostStateSentence(host: string, service: Result<ComputeServiceView | null, string>, observedAt: string): string[] {
  if (!service.ok) return [];
  const svc = service.value;
  if (svc === null) return [say.noComputeService(host)];
  if (svc.forcedDown) return [say.computeForcedDown(svc)];
  return [svc.state === 'down' ? say.computeDown(svc, observedAt) : say.computeUp(svc)];
}
