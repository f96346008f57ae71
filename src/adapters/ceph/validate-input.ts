/**
 * Re-validation of every value that goes into an rbd/ceph argv, at the start of each adapter function, before any
 * process starts. The parameters are branded already, but a cast can forge a brand: a pool named `--id=admin` or an
 * image `../x` must never reach a CLI. Each check throws CephInputError.
 */
import {
  parseEntityAddr, parseImageSpec, parseLockId, parseLocker, parsePoolName,
  type EntityAddr, type ImageSpec, type LockId, type Locker, type PoolName,
} from '../../core/ids.js';
import type { Result } from '../../core/result.js';
import { hasZeroNonce } from '../../core/client-match.js';
import { CephInputError } from './errors.js';

function check<T>(field: string, value: unknown, parse: (text: string) => Result<T, string>): T {
  if (typeof value !== 'string') throw new CephInputError(field, `expected a string, got ${typeof value}`);
  const r = parse(value);
  if (!r.ok) throw new CephInputError(field, r.error);
  // parse functions may normalise (an address loses its `v1:` prefix); the argv gets exactly what was checked
  return r.value;
}

export const checkPool = (pool: PoolName): PoolName => check('pool', pool, parsePoolName);
export const checkImageSpec = (spec: ImageSpec): ImageSpec => check('imageSpec', spec, parseImageSpec);
export const checkLockId = (id: LockId): LockId => check('lockId', id, parseLockId);
export const checkLocker = (locker: Locker): Locker => check('locker', locker, parseLocker);
export const checkAddress = (address: EntityAddr): EntityAddr => check('address', address, parseEntityAddr);

/**
 * An address to fence: one client. A nonce of 0 names no client, and `IP:0/0` in the blocklist fences every client
 * of that IP (OSDMap::is_blocklisted), all the host's VMs: the plan refuses it (core/fix-plan.ts), and so does this.
 */
export function checkClientAddress(address: EntityAddr): EntityAddr {
  const a = checkAddress(address);
  if (hasZeroNonce(a)) throw new CephInputError('address', `${a} has nonce 0: blocklisting it would fence every client of that IP`);
  return a;
}

/** Whole seconds above 0, as `ceph osd blocklist add <addr> <expire>` takes them. */
export function checkExpirySeconds(seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 1) {
    throw new CephInputError('expireSeconds', `the blocklist expiry must be a whole number of seconds above 0, got ${String(seconds)}`);
  }
  return seconds;
}

/** A CephX user id as `--id` takes it (without `client.`). */
export function checkCephId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id) || id.includes('..')) {
    throw new CephInputError('id', `CephX user id "${id.slice(0, 60)}" must be letters, digits, '_', '.', '-' (without "client.")`);
  }
  return id;
}
