/**
 * The rbd half of the CephPort: images, locks, watchers, info, lock removal and object-map rebuild, each one `rbd`
 * process. Inputs are re-validated before anything runs (validate-input.ts); outputs are parsed with zod (schemas.ts).
 */
import { splitImageSpec, type ImageName, type ImageSpec, type LockId, type Locker, type PoolName } from '../../core/ids.js';
import type { RbdImageInfo, RbdLock, RbdWatcher } from '../../core/snapshot.js';
import type { CommandRecord } from '../../ports.js';
import { classifyFailure, type CallContext } from './classify-failure.js';
import { parseOutput } from './parse-output.js';
import { runCli, toRecord, type CliOutput, type CliSettings } from './run-cli.js';
import { RbdImageList, RbdInfo, RbdLockList, RbdStatus } from './schemas.js';
import { checkImageSpec, checkLockId, checkLocker, checkPool } from './validate-input.js';

export interface RbdCalls {
  listImages(pool: PoolName): Promise<ImageName[]>;
  listLocks(spec: ImageSpec): Promise<RbdLock[]>;
  listWatchers(spec: ImageSpec): Promise<RbdWatcher[]>;
  imageInfo(spec: ImageSpec): Promise<RbdImageInfo>;
  removeLock(spec: ImageSpec, lockId: LockId, locker: Locker): Promise<CommandRecord>;
  rebuildObjectMap(spec: ImageSpec): Promise<CommandRecord>;
}

export function createRbdCalls(s: CliSettings): RbdCalls {
  async function rbd(args: string[], ctx: CallContext, timeoutMs?: number): Promise<CliOutput> {
    const out = await runCli(s, 'rbd', args, timeoutMs);
    if (out.exitCode !== 0) throw classifyFailure(s, out, ctx);
    return out;
  }
  const imageCall = (action: string, spec: ImageSpec, extra: Partial<CallContext> = {}): CallContext =>
    ({ action, target: spec, pool: splitImageSpec(spec).pool, ...extra });

  return {
    async listImages(pool) {
      const p = checkPool(pool);
      const out = await rbd(['ls', p, '--format', 'json'], { action: 'rbd ls', target: p, pool: p });
      return parseOutput(RbdImageList, out, 'rbd ls');
    },
    async listLocks(spec) {
      const i = checkImageSpec(spec);
      const out = await rbd(['lock', 'ls', i, '--format', 'json'], imageCall('rbd lock ls', i));
      return parseOutput(RbdLockList, out, 'rbd lock ls');
    },
    async listWatchers(spec) {
      const i = checkImageSpec(spec);
      const out = await rbd(['status', i, '--format', 'json'], imageCall('rbd status', i));
      return parseOutput(RbdStatus, out, 'rbd status').watchers;
    },
    async imageInfo(spec) {
      const i = checkImageSpec(spec);
      const out = await rbd(['info', i, '--format', 'json'], imageCall('rbd info', i));
      const info = parseOutput(RbdInfo, out, 'rbd info');
      return { features: info.features, flags: info.flags };
    },
    async removeLock(spec, lockId, locker) {
      const i = checkImageSpec(spec);
      const id = checkLockId(lockId);
      const who = checkLocker(locker);
      // rbd lock rm blocklists the locker's address for 1 h before removing the lock (rbd_blocklist_on_break_lock):
      // the call needs the mon `osd blocklist` capability.
      const out = await rbd(['lock', 'rm', i, id, who], imageCall('rbd lock rm', i, { needsBlocklist: true }));
      return toRecord(out);
    },
    async rebuildObjectMap(spec) {
      const i = checkImageSpec(spec);
      // Takes the exclusive lock (breaking a dead owner's, hence blocklist caps) and reads every object: slow on big images.
      const out = await rbd(['object-map', 'rebuild', i, '--no-progress'],
        imageCall('rbd object-map rebuild', i, { needsBlocklist: true }), s.rebuildTimeoutMs);
      return toRecord(out);
    },
  };
}
