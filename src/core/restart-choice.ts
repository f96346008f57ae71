/**
 * Step 5 of the fix (DESIGN.md §4): how the instance is started again, chosen from Nova's view of its compute host.
 * Used twice: for the plan shown before approval, and again at run time right before the restart, on a fresh report.
 *
 * - host up: hard reboot (it also starts a SHUTOFF instance);
 * - host down or forced down: evacuate, because Nova queues a reboot for a dead compute and the instance then sits
 *   in HARD_REBOOT until the host returns. Only when no disk of the instance has a live or unknown lock and nothing
 *   watches any disk: a client that still has a disk open means something still runs the instance (the host's
 *   nova-compute is dead but its VMs are not), and an evacuation would start a second copy writing the same disks;
 * - anything else: no restart, and a sentence that says what to do.
 */
import type { InstanceReport, InstanceSummary } from './report.js';

export type RestartChoice =
  | { kind: 'reboot' }
  | { kind: 'evacuate'; sourceHost: string }
  | { kind: 'none'; reason: string };

/** vm_states Nova evacuates (nova/compute/api.py, evacuate's check_instance_state). */
const EVACUABLE_VM_STATES = ['active', 'stopped', 'error'];

/** What blocks an evacuation on the disks, as a sentence, or null. */
function diskBlocker(report: InstanceReport): string | null {
  for (const d of report.disks) {
    const held = d.locks.find((l) => l.verdict !== 'stale');
    if (held) return `${d.image} has a lock of ${held.lock.locker} whose owner is ${held.verdict === 'alive' ? 'alive' : 'not known to be dead'}`;
    // a stale lock's owner has no watcher (that is what made it stale): any watcher is another, live client
    const [w] = d.watchers;
    if (w !== undefined) return `client.${w.client} at ${w.address} still watches ${d.image}`;
  }
  return null;
}

function evacuateOrWhy(report: InstanceReport, host: string): RestartChoice {
  const { instance } = report;
  const blocker = diskBlocker(report);
  if (blocker !== null) {
    return {
      kind: 'none',
      reason: `${host} is down in Nova, but ${blocker}: something may still run ${instance.name}, and an evacuation would start ` +
        `a second copy on the same disks. Make sure ${host} is really off (power it off through its BMC), then check again.`,
    };
  }
  if (instance.vmState !== null && !EVACUABLE_VM_STATES.includes(instance.vmState)) {
    return {
      kind: 'none',
      reason: `${host} is down, and Nova evacuates only active, stopped or error instances; ${instance.name} is ${instance.vmState}. ` +
        `Evacuate it by hand once its state allows (openstack server evacuate ${instance.id}), or wait for ${host} to come back.`,
    };
  }
  return { kind: 'evacuate', sourceHost: host };
}

/** The restart for the instance of `report` (see the file comment). */
export function chooseRestart(report: InstanceReport): RestartChoice {
  const { instance } = report;
  const host = instance.host;
  if (host === null) return { kind: 'none', reason: `${instance.name} has no compute host in Nova: start it by hand once it has one.` };
  switch (instance.hostState) {
    case 'up':
      return { kind: 'reboot' };
    case 'down':
    case 'forced_down':
      return evacuateOrWhy(report, host);
    case 'unknown':
      return { kind: 'none', reason: unknownHostReason(instance, host) };
  }
}

function unknownHostReason(instance: InstanceSummary, host: string): string {
  return `Nova's view of ${host} is unknown, so vmlocks neither reboots ${instance.name} (a reboot into a dead host stays queued ` +
    `and blocks evacuation) nor evacuates it (Nova evacuates only from a host whose nova-compute is down). Check ` +
    `\`openstack compute service list --service nova-compute --host ${host}\`: if ${host} is up, hard-reboot ${instance.id}; ` +
    `if it is down, evacuate it (openstack server evacuate ${instance.id}).`;
}
