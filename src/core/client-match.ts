/**
 * How RADOS client addresses relate. An address is `IP:port/nonce`; the nonce is random per librados
 * client instance (per QEMU disk, per `rbd` command), so IP + nonce names one client, and the IP alone
 * names the host it runs on.
 */
import { splitEntityAddr, type EntityAddr } from './ids.js';
import type { BlocklistEntry } from './snapshot.js';

function normaliseIp(ip: string): string {
  return ip.toLowerCase();
}

/** The IP part of an address (IPv6 keeps its brackets). */
export function addrIp(addr: EntityAddr): string {
  return normaliseIp(splitEntityAddr(addr).ip);
}

/**
 * Same librados client instance: same IP and nonce. Stricter than librbd's exact string compare (it also
 * matches a different port), which errs towards `alive`: the safe direction.
 */
export function isSameClient(a: EntityAddr, b: EntityAddr): boolean {
  const x = splitEntityAddr(a);
  const y = splitEntityAddr(b);
  return normaliseIp(x.ip) === normaliseIp(y.ip) && x.nonce === y.nonce;
}

/** Another client on the same host: same IP, different nonce. */
export function isNewClientOnSameHost(owner: EntityAddr, other: EntityAddr): boolean {
  const x = splitEntityAddr(owner);
  const y = splitEntityAddr(other);
  return normaliseIp(x.ip) === normaliseIp(y.ip) && x.nonce !== y.nonce;
}

/**
 * A nonce of 0 names no client: `IP:0/0` in the blocklist fences every client of that IP
 * (OSDMap::is_blocklisted, ceph src/osd/OSDMap.cc: "is entire ip blocklisted?"), i.e. all VMs of the host.
 */
export function hasZeroNonce(addr: EntityAddr): boolean {
  return splitEntityAddr(addr).nonce === 0;
}

export interface BlocklistHit {
  entry: BlocklistEntry;
  /** The entry is `IP:0/0`: the whole IP is fenced, not just this client. */
  isWholeHost: boolean;
}

/**
 * Whether the OSDs refuse this client, by Ceph's own rule: the exact address is listed, or its IP with
 * port 0 and nonce 0 is (OSDMap::is_blocklisted). Range blocklists (Pacific+) are not read.
 */
export function findBlocklistEntry(addr: EntityAddr, entries: readonly BlocklistEntry[]): BlocklistHit | null {
  const own = splitEntityAddr(addr);
  const exact = entries.find((e) => {
    const x = splitEntityAddr(e.address);
    return normaliseIp(x.ip) === normaliseIp(own.ip) && x.port === own.port && x.nonce === own.nonce;
  });
  if (exact) return { entry: exact, isWholeHost: false };
  const whole = entries.find((e) => {
    const x = splitEntityAddr(e.address);
    return normaliseIp(x.ip) === normaliseIp(own.ip) && x.port === 0 && x.nonce === 0;
  });
  return whole ? { entry: whole, isWholeHost: true } : null;
}
