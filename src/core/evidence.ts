/**
 * The evidence sentences, in one place so that their wording stays stable: tests, the Slack report and the
 * CLI show them verbatim. Each sentence states a fact; the caller orders them, decisive one first.
 */
import type { EntityAddr, ImageSpec } from './ids.js';
import type { ComputeServiceView, RbdWatcher } from './snapshot.js';
import { formatClock } from './time-format.js';

const PARTIAL = 'not removing anything on partial information';

const POWER_STATE_NAMES: Record<number, string> = {
  0: 'NOSTATE', 1: 'RUNNING', 3: 'PAUSED', 4: 'SHUTDOWN', 6: 'CRASHED', 7: 'SUSPENDED',
};

export function powerStateName(powerState: number | null): string {
  if (powerState === null) return 'unknown';
  return POWER_STATE_NAMES[powerState] ?? String(powerState);
}

export const say = {
  // --- alive
  watcherHoldsLock: (w: RbdWatcher) => `watcher ${w.address} holds the lock (cookie ${w.cookie})`,
  watcherHasLockAddress: (w: RbdWatcher) => `watcher ${w.address} has the lock's address (cookie ${w.cookie})`,
  watcherOtherCookie: (w: RbdWatcher, handle: string) =>
    `watcher ${w.address} has the lock's address with cookie ${w.cookie}, not the lock's handle ${handle}: ` +
    'the owner client is still connected, so the lock is treated as alive',
  watcherOtherPort: (w: RbdWatcher, owner: EntityAddr) =>
    `watcher ${w.address} has the IP and nonce of the lock owner ${owner} (same client): the owner is still connected`,
  watcherOnOtherImage: (w: RbdWatcher, image: ImageSpec) =>
    `watcher ${w.address} on ${image} is the lock owner's client: the owner is still connected`,

  // --- the decisive fact for stale and unknown
  noMatchingWatcher: (addr: EntityAddr) => `no watcher has address ${addr}`,

  // --- corroborations
  blocklisted: (addr: EntityAddr, until: string, observedAt: string) =>
    `${addr} is in the OSD blocklist until ${formatClock(until, observedAt)}`,
  hostBlocklisted: (entry: EntityAddr, owner: EntityAddr, until: string, observedAt: string) =>
    `${entry} is in the OSD blocklist until ${formatClock(until, observedAt)}: every client of that IP, ${owner} included, is fenced`,
  computeForcedDown: (svc: ComputeServiceView) => `${svc.host} nova-compute is forced down`,
  computeDown: (svc: ComputeServiceView, observedAt: string) =>
    svc.updatedAt === null
      ? `${svc.host} nova-compute is down (no heartbeat recorded)`
      : `${svc.host} nova-compute is down since ${formatClock(svc.updatedAt, observedAt)}`,
  hostStatus: (status: string) => `host_status is ${status}`,
  newClientOnSameHost: (w: RbdWatcher) => `watcher ${w.address} on the same host (new client)`,
  // The root cause (DESIGN.md §1): librbd breaks a dead owner's lock only after blocklisting it. A user with
  // `profile rbd` may blocklist, so its new client breaks the lock itself and no stale lock is left to see.
  newClientLockedOut: (w: RbdWatcher) =>
    `the new client ${w.address} could not break the dead owner's lock itself: librbd breaks it only after blocklisting ` +
    'the owner, so that client\'s CephX user most likely lacks the "osd blocklist" mon capability (old guides gave mon \'allow r\')',
  // A placeholder user: rbd status names a session (client.N), and `ceph auth get` would return keys.
  capsToGrant: (w: RbdWatcher, pools: string[]) =>
    `to prevent the next incident: ceph auth caps client.<nova or cinder user> mon 'profile rbd' ` +
    `osd '${pools.map((p) => `profile rbd pool=${p}`).join(', ')}' (the rbd_user of nova.conf or cinder.conf: client.${w.client} in ` +
    'rbd status is a session id, not the user; the command replaces every cap, so keep the user\'s other pools)',
  noWatcherNotRunning: (name: string, powerState: number | null, vmState: string | null) =>
    `the image has no watcher and Nova says ${name} is not running (power state ${powerStateName(powerState)}, vm_state ${vmState ?? 'unknown'})`,

  // --- why not stale
  nothingCorroborates: (facts: string[]) =>
    `nothing corroborates that the owner is dead (${facts.join(', ')}); check again in a minute: ` +
    'a dead client\'s watch expires after osd_client_watch_timeout (30 s)',
  zeroNonce: (addr: EntityAddr) =>
    `the lock's address ${addr} has nonce 0: fencing it would blocklist every client of that IP (all the host's VMs); remove this lock by hand`,
  notExclusiveLock: (id: string) =>
    `lock "${id}" is not a librbd exclusive lock (auto <handle>): someone or some tool took it on purpose; remove it by hand`,

  // --- partial failures
  blocklistFailed: (error: string) => `could not read the OSD blocklist: ${error}; ${PARTIAL}`,
  computeServiceFailed: (host: string | null, error: string) =>
    `could not look up ${host ?? 'the host'}'s nova-compute service: ${error}; ${PARTIAL}`,
  locksFailed: (image: ImageSpec, error: string) => `could not read the locks of ${image}: ${error}; ${PARTIAL}`,
  watchersFailed: (image: ImageSpec, error: string) => `could not read the watchers of ${image}: ${error}; ${PARTIAL}`,
  discoveryFailed: (error: string) => `could not list every disk: ${error}; ${PARTIAL}`,
  infoFailed: (image: ImageSpec, error: string) => `could not read the image info of ${image}: ${error}; its object map was not checked`,

  // --- host facts (instance level)
  computeUp: (svc: ComputeServiceView) => `${svc.host} nova-compute is up`,
  ownerHostDown: (host: string, ip: string) => `the owner's IP ${ip} is the host_ip of ${host}, whose nova-compute is down`,
  ownerHostUp: (host: string, ip: string) => `the owner's IP ${ip} is ${host}'s, which is up in Nova`,
  ownerHostUnknown: (ip: string) => `no compute host has host_ip ${ip}`,
  ownerHostShared: (ip: string, hosts: string[]) => `host_ip ${ip} is shared by ${hosts.join(', ')}: the owner's host cannot be told`,
  hypervisorsFailed: (error: string) => `could not list the hypervisors (${error})`,
  noHost: (name: string) => `${name} has no compute host`,
  noComputeService: (host: string) => `Nova has no nova-compute service on ${host}`,
  objectMapInvalid: (image: ImageSpec, flags: string[]) => `the object map of ${image} must be rebuilt (${flags.join(', ')})`,
} as const;
