/**
 * The Ceph adapter: the CephPort over the `rbd` and `ceph` CLIs (ceph-common), run through execa with argv arrays.
 * `createCephCli({ id: 'vmlocks' })` runs every command as `client.vmlocks`; CEPH_CONF and CEPH_KEYRING come from
 * the environment unless `conf`/`keyring` are given.
 */
import type { CephPort } from '../../ports.js';
import { createCephCalls, type BlocklistSpelling } from './ceph-cli.js';
import { createRbdCalls } from './rbd-cli.js';
import type { CephCliOptions, CliSettings } from './run-cli.js';
import { checkCephId } from './validate-input.js';

export { CephCommandError, CephError, CephInputError, CephNotFoundError, CephOutputError, CephPermissionError, CephTimeoutError } from './errors.js';
export type { CephErrorCode } from './errors.js';
export type { CephCliOptions } from './run-cli.js';
export type { BlocklistSpelling } from './ceph-cli.js';

export const DEFAULT_CEPH_TIMEOUT_MS = 10_000;
export const DEFAULT_REBUILD_TIMEOUT_MS = 300_000;

export interface CephCli extends CephPort {
  /** `blocklist`, or `blacklist` once a cluster older than Pacific refused the new spelling. */
  blocklistSpelling(): BlocklistSpelling;
}

export function createCephCli(options: CephCliOptions = {}): CephCli {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CEPH_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) throw new RangeError(`timeoutMs must be an integer >= 1000, got ${timeoutMs}`);
  const settings: CliSettings = {
    id: options.id === undefined ? undefined : checkCephId(options.id),
    conf: options.conf,
    keyring: options.keyring,
    timeoutMs,
    rebuildTimeoutMs: Math.max(timeoutMs, options.rebuildTimeoutMs ?? DEFAULT_REBUILD_TIMEOUT_MS),
    env: options.env ?? {},
    rbdCommand: options.rbdCommand ?? 'rbd',
    cephCommand: options.cephCommand ?? 'ceph',
  };
  const rbd = createRbdCalls(settings);
  const ceph = createCephCalls(settings);
  return {
    listImages: rbd.listImages,
    listLocks: rbd.listLocks,
    listWatchers: rbd.listWatchers,
    imageInfo: rbd.imageInfo,
    removeLock: rbd.removeLock,
    rebuildObjectMap: rbd.rebuildObjectMap,
    listBlocklist: ceph.listBlocklist,
    addToBlocklist: ceph.addToBlocklist,
    blocklistSpelling: ceph.blocklistSpelling,
  };
}
