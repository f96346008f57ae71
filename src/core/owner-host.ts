/**
 * Corroboration 5 (an addition to DESIGN.md §3): the compute host the lock owner ran on is down in Nova.
 *
 * Rule 2 looks at the instance's *current* host. After an evacuation (or a cold migration) the instance runs on a
 * healthy host while its disk is still locked by the client that ran on the dead one: rule 2 sees an up host, the
 * new client's watcher comes from another IP (rule 3 does not apply), the instance runs (rule 4 does not apply), and
 * the verdict stays `unknown` for as long as the lock is there. The owner's IP names its host when it is exactly
 * one hypervisor's host_ip (Nova's my_ip): that host being down is the same fact rule 2 accepts, about the host
 * that matters. Shared or unknown IPs (a storage network that is not Nova's my_ip) corroborate nothing.
 */
import { addrIp } from './client-match.js';
import { say } from './evidence.js';
import type { EntityAddr } from './ids.js';
import type { HypervisorView, InspectionSnapshot } from './snapshot.js';

export type OwnerHost =
  | { kind: 'down'; sentence: string }
  /** Not a corroboration; `fact` explains why, for the `unknown` explanation (null: rule 2 already covers it). */
  | { kind: 'none'; fact: string | null };

function stripBrackets(ip: string): string {
  return ip.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function hostOf(h: HypervisorView): string {
  return h.host ?? h.hypervisorHostname;
}

export function ownerHost(address: EntityAddr, snapshot: Pick<InspectionSnapshot, 'hypervisors' | 'instance'>): OwnerHost {
  if (!snapshot.hypervisors.ok) return { kind: 'none', fact: say.hypervisorsFailed(snapshot.hypervisors.error) };
  const ip = stripBrackets(addrIp(address));
  const matches = snapshot.hypervisors.value.filter((h) => h.hostIp !== null && stripBrackets(h.hostIp) === ip);
  const hosts = [...new Set(matches.map(hostOf))].sort();
  const [only] = hosts;
  if (only === undefined) return { kind: 'none', fact: say.ownerHostUnknown(ip) };
  if (hosts.length > 1) return { kind: 'none', fact: say.ownerHostShared(ip, hosts) };
  if (only === snapshot.instance.host) return { kind: 'none', fact: null };
  // every hypervisor of that host down (a host with several hypervisors, e.g. ironic, is down only if all are)
  if (matches.every((h) => h.state === 'down')) return { kind: 'down', sentence: say.ownerHostDown(only, ip) };
  return { kind: 'none', fact: say.ownerHostUp(only, ip) };
}
