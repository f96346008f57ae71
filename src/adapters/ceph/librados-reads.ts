/**
 * The CephPort's reads through one long-lived librados connection (the read helper, rados-helper-process.ts)
 * instead of one rbd/ceph process per call. Same contract as the CLI path: inputs re-validated before anything is
 * sent, the helper's output is the CLI's JSON and goes through the same zod schemas (parse-output.ts), failures
 * become the same coded errors (classify-helper-failure.ts). Errors carry the equivalent CLI argv.
 */
import { splitImageSpec, type ImageName, type ImageSpec, type PoolName } from '../../core/ids.js';
import type { BlocklistEntry, RbdImageInfo, RbdLock, RbdWatcher } from '../../core/snapshot.js';
import { classifyHelperFailure, helperUnavailableError } from './classify-helper-failure.js';
import type { CallContext } from './classify-failure.js';
import { excerpt } from './errors.js';
import { parseOutput } from './parse-output.js';
import { HelperUnavailable, type HelperRequest, type RadosHelper } from './rados-helper-process.js';
import { cliArgv, type CliOutput, type CliSettings } from './run-cli.js';
import { CephBlocklist, RbdImageList, RbdInfo, RbdLockList, RbdStatus } from './schemas.js';
import { checkImageSpec, checkPool } from './validate-input.js';

export interface CephReads {
  listImages(pool: PoolName): Promise<ImageName[]>;
  listLocks(spec: ImageSpec): Promise<RbdLock[]>;
  listWatchers(spec: ImageSpec): Promise<RbdWatcher[]>;
  imageInfo(spec: ImageSpec): Promise<RbdImageInfo>;
  listBlocklist(): Promise<BlocklistEntry[]>;
}

export function createLibradosReads(s: CliSettings, helper: RadosHelper): CephReads {
  /** One helper call; `equivalent` is the CLI command that reads the same, for errors and output messages. */
  async function read(req: HelperRequest, ctx: CallContext, equivalent: ['rbd' | 'ceph', string[]]): Promise<CliOutput> {
    const argv = cliArgv(s, ...equivalent);
    const started = performance.now();
    let reply;
    try {
      reply = await helper.call(req);
    } catch (e) {
      if (e instanceof HelperUnavailable) throw helperUnavailableError(s, e, ctx, argv);
      throw e;
    }
    const durationMs = Math.round(performance.now() - started);
    if (!reply.ok) throw classifyHelperFailure(s, reply, ctx, argv, durationMs);
    return { argv, exitCode: 0, durationMs, stdout: reply.out, stderr: '', stdoutExcerpt: excerpt(reply.out, 1000), stderrExcerpt: '' };
  }

  async function imageRead(op: 'lock_ls' | 'status' | 'info', spec: ImageSpec, cliWords: string[]): Promise<CliOutput> {
    const i = checkImageSpec(spec);
    const { pool, image } = splitImageSpec(i);
    const action = `rbd ${cliWords.join(' ')}`;
    return read({ op, pool, image }, { action, target: i, pool }, ['rbd', [...cliWords, i, '--format', 'json']]);
  }

  return {
    async listImages(pool) {
      const p = checkPool(pool);
      const out = await read({ op: 'ls', pool: p }, { action: 'rbd ls', target: p, pool: p }, ['rbd', ['ls', p, '--format', 'json']]);
      return parseOutput(RbdImageList, out, 'rbd ls');
    },
    async listLocks(spec) {
      return parseOutput(RbdLockList, await imageRead('lock_ls', spec, ['lock', 'ls']), 'rbd lock ls');
    },
    async listWatchers(spec) {
      return parseOutput(RbdStatus, await imageRead('status', spec, ['status']), 'rbd status').watchers;
    },
    async imageInfo(spec) {
      const info = parseOutput(RbdInfo, await imageRead('info', spec, ['info']), 'rbd info');
      return { features: info.features, flags: info.flags };
    },
    async listBlocklist() {
      const out = await read({ op: 'blocklist_ls' }, { action: 'ceph osd blocklist ls', target: 'the OSD blocklist' },
        ['ceph', ['osd', 'blocklist', 'ls', '--format', 'json']]);
      return parseOutput(CephBlocklist, out, 'ceph osd blocklist ls').map((e) => ({ address: e.addr, until: e.until }));
    },
  };
}
