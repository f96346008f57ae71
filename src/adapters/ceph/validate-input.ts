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

/** A CephX user id as `--id` takes it (without `client.`). */
export function checkCephId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id) || id.includes('..')) {
    throw new CephInputError('id', `CephX user id "${id.slice(0, 60)}" must be letters, digits, '_', '.', '-' (without "client.")`);
  }
  return id;
}
