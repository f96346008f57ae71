/**
 * The Ceph adapter: the CephPort over Ceph's own clients, as client.<CEPH_ID> (least privilege: client.vmlocks).
 * - `createCephAdapter()` (what the bot and the CLI use): reads through one long-lived librados connection (the
 *   read helper), writes through the `rbd`/`ceph` CLIs so that the plan and the audit keep exact, replayable argv.
 *   `reads: 'cli'` (VMLOCKS_CEPH_READS=cli) sends the reads to the CLIs too: the fallback and the bench's baseline.
 * - `createCephCli()`: everything through the CLIs (ceph-common), run through execa with argv arrays.
 * CEPH_CONF and CEPH_KEYRING come from the environment unless `conf`/`keyring` are given.
 */
import type { CephPort } from '../../ports.js';
import { createCephCalls, type BlocklistSpelling } from './ceph-cli.js';
import { cephProcessEnv } from './ceph-env.js';
import { createLibradosReads } from './librados-reads.js';
import { createRadosHelper } from './rados-helper-process.js';
import { createRbdCalls } from './rbd-cli.js';
import { cliTimeoutSeconds, type CephCliOptions, type CliSettings } from './run-cli.js';
import { checkCephId } from './validate-input.js';

export { CephCommandError, CephError, CephInputError, CephNotFoundError, CephOutputError, CephPermissionError, CephTimeoutError } from './errors.js';
export type { CephErrorCode } from './errors.js';
export type { CephCliOptions } from './run-cli.js';
export type { BlocklistSpelling } from './ceph-cli.js';

export const DEFAULT_CEPH_TIMEOUT_MS = 10_000;
export const DEFAULT_REBUILD_TIMEOUT_MS = 300_000;
export const CEPH_READS_MODES = ['librados', 'cli'] as const;
export type CephReadsMode = (typeof CEPH_READS_MODES)[number];

export interface CephCli extends CephPort {
  /** `blocklist`, or `blacklist` once a cluster older than Pacific refused the new spelling. */
  blocklistSpelling(): BlocklistSpelling;
}

export interface CephAdapterOptions extends CephCliOptions {
  /** Where the reads go (default `librados`). */
  reads?: CephReadsMode;
  /** Program and arguments that start the read helper (default: /usr/bin/python3 rados-helper.py); for tests. */
  helperCommand?: string[];
  /** Calls the helper runs at once (its thread pool; default 8). */
  helperThreads?: number;
}

export interface CephAdapter extends CephCli {
  readonly reads: CephReadsMode;
  /** Ends the read helper (if any). */
  close(): Promise<void>;
}

function toSettings(options: CephCliOptions): CliSettings {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CEPH_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) throw new RangeError(`timeoutMs must be an integer >= 1000, got ${timeoutMs}`);
  return {
    id: options.id === undefined ? undefined : checkCephId(options.id),
    conf: options.conf,
    keyring: options.keyring,
    timeoutMs,
    rebuildTimeoutMs: Math.max(timeoutMs, options.rebuildTimeoutMs ?? DEFAULT_REBUILD_TIMEOUT_MS),
    env: cephProcessEnv(options.baseEnv ?? process.env, options.env ?? {}),
    rbdCommand: options.rbdCommand ?? 'rbd',
    cephCommand: options.cephCommand ?? 'ceph',
  };
}

export function createCephCli(options: CephCliOptions = {}): CephCli {
  const settings = toSettings(options);
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

export function createCephAdapter(options: CephAdapterOptions = {}): CephAdapter {
  const cli = createCephCli(options);
  const reads = options.reads ?? 'librados';
  if (reads === 'cli') return { ...cli, reads, close: async () => {} };
  const s = toSettings(options);
  const helper = createRadosHelper({
    ...(options.helperCommand === undefined ? {} : { command: options.helperCommand }),
    args: [
      '--id', s.id ?? 'admin',
      ...(s.conf === undefined ? [] : ['--conf', s.conf]),
      ...(s.keyring === undefined ? [] : ['--keyring', s.keyring]),
      '--timeout', String(cliTimeoutSeconds(s.timeoutMs)),
      '--threads', String(options.helperThreads ?? 8),
    ],
    env: s.env,
    deadlineMs: s.timeoutMs,
  });
  return { ...cli, ...createLibradosReads(s, helper), reads, close: () => helper.close() };
}
