/**
 * Nova's refusals of an evacuation, turned into what the on-call engineer does next. The bodies are Nova's own
 * (test/fixtures/nova/evacuate-*): 400 `Compute service of <host> is still in use.` while the source's
 * nova-compute is up (nova/compute/api.py, ComputeServiceInUse), 409 `Cannot 'evacuate' instance <id> while it is
 * in <attr> <state>` (nova/api/openstack/common.py). vmlocks never resets a state or forces a service down itself.
 */
import { NovaApiError } from './errors.js';

const IN_USE = /Compute service of (\S+) is still in use/;
const INVALID_STATE = /while it is in (task_state|vm_state) (\w+)/;

function sourceUp(id: string, said: string): string {
  const host = IN_USE.exec(said)?.[1] ?? 'its host';
  return `Nova refused to evacuate ${id}: the nova-compute service of ${host} is still up (400: ${said}). Nova evacuates ` +
    'only from a host whose service is down (forced down, or silent for service_down_time). If the host is really dead, ' +
    `wait for Nova's verdict or force its service down (openstack compute service set --down ${host} nova-compute), ` +
    `then evacuate (openstack server evacuate ${id}); if it is alive, hard-reboot ${id} instead. vmlocks restarted nothing.`;
}

function invalidState(id: string, said: string): string {
  const [, attr, state] = INVALID_STATE.exec(said) ?? [];
  if (attr === 'task_state') {
    return `Nova will not evacuate ${id} while its task_state is ${state ?? 'set'} (409: ${said}); Nova releases without the ` +
      'fix for Launchpad bug 1978983 refuse an instance stuck in HARD_REBOOT by a reboot queued to its dead host. The way out: ' +
      `\`openstack server set --state error ${id}\`, then \`openstack server evacuate ${id}\` (Nova evacuates ERROR instances; ` +
      'below microversion 2.95 it ends ACTIVE), or wait for the host to come back, where the queued reboot runs. vmlocks ' +
      'does not reset states itself; the disks\' stale locks are already removed.';
  }
  if (attr === 'vm_state') {
    return `Nova evacuates only active, stopped or error instances, and ${id} is ${state ?? 'in another state'} (409: ${said}). ` +
      `Evacuate it by hand once its state allows (openstack server evacuate ${id}), or wait for its host to come back.`;
  }
  return `Nova refused to evacuate ${id} because of its current state (409: ${said}). Wait for any task on it to finish ` +
    `(openstack server show ${id}), then evacuate it by hand (openstack server evacuate ${id}).`;
}

/** The same error with a userMessage for evacuation refusals (400, 409); any other error unchanged. */
export function explainEvacuateRefusal(e: unknown, id: string): unknown {
  if (!(e instanceof NovaApiError) || (e.status !== 400 && e.status !== 409)) return e;
  const said = e.apiMessage ?? 'no message';
  const userMessage = e.status === 400 && IN_USE.test(said) ? sourceUp(id, said) : e.status === 409 ? invalidState(id, said) : e.userMessage;
  return new NovaApiError({
    method: e.method, path: e.path, code: e.code, status: e.status, requestId: e.requestId, apiMessage: e.apiMessage, userMessage, cause: e,
  });
}
