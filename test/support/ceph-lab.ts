/**
 * The project's Ceph lab (scripts/ceph-lab.sh) as tests see it: where it is, the environment and options for each
 * CephX user, and admin helpers for test set-up (create/remove images, invalidate an object map). Admin is for
 * set-up only: the adapter under test runs as client.vmlocks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { z } from 'zod';
import { parseImageSpec, splitImageSpec, type ImageSpec } from '../../src/core/ids.js';
import type { CephCliOptions } from '../../src/adapters/ceph/index.js';

/** The lab's CephX users (scripts/ceph-lab.sh): the bot, the seed-era Nova user, Nova with `profile rbd`. */
export type CephUser = 'admin' | 'vmlocks' | 'nova-old' | 'nova';

export interface CephLab {
  dir: string;
  conf: string;
  /** `client.<id>` keyring file of a user. */
  keyringFor(user: CephUser): string;
  /** CEPH_CONF and CEPH_KEYRING for a user (the CLIs read both; the user id must still be passed as --id). */
  env(user: CephUser): { CEPH_CONF: string; CEPH_KEYRING: string };
  /** The id to pass as `--id` (or `rados_id`): the user name without `client.`. */
  idFor(user: CephUser): string;
  /** The lab's osd_client_watch_timeout (s): how long a killed client's watch lingers. */
  watchTimeoutSeconds: number;
  /** Options for createCephCli running as `user`. */
  cliOptions(user: CephUser, extra?: Partial<CephCliOptions>): CephCliOptions;
}

/** Same convention as scripts/ceph-lab.sh: CEPH_LAB_DIR, else ${VMLOCKS_LAB_DIR:-/tmp/vmlocks-lab}/ceph. */
export function cephLabDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CEPH_LAB_DIR ?? join(env.VMLOCKS_LAB_DIR ?? '/tmp/vmlocks-lab', 'ceph');
}

/** The lab, or an error saying how to start it. Checks files only; `assertCephLabUp` checks the cluster answers. */
export function cephLab(): CephLab {
  const dir = cephLabDir();
  const conf = join(dir, 'ceph.conf');
  const keyringFor = (user: CephUser): string => join(dir, `ceph.client.${user}.keyring`);
  const missing = [conf, ...(['admin', 'vmlocks', 'nova-old', 'nova'] as const).map(keyringFor)].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(`The Ceph lab is not set up in ${dir} (missing ${missing.join(', ')}). Run \`bash scripts/ceph-lab.sh start\` first.`);
  }
  const env = (user: CephUser) => ({ CEPH_CONF: conf, CEPH_KEYRING: keyringFor(user) });
  const watch = /^osd client watch timeout = (\d+)$/m.exec(readFileSync(conf, 'utf8'));
  return {
    dir, conf, keyringFor, env,
    watchTimeoutSeconds: Number(watch?.[1] ?? 30),
    idFor: (user) => user,
    cliOptions: (user, extra = {}) => ({ id: user, env: env(user), timeoutMs: 10_000, ...extra }),
  };
}

/** Throws a clear error unless the lab's cluster answers within a few seconds. */
export async function assertCephLabUp(): Promise<CephLab> {
  const lab = cephLab();
  const r = await adminRun('ceph', ['--connect-timeout', '5', 'osd', 'pool', 'ls'], { reject: false });
  if (r.exitCode !== 0 || !/^vms$/m.test(r.stdout)) {
    throw new Error(`The Ceph lab in ${lab.dir} does not answer (${r.stderr.trim().split('\n').at(-1) ?? ''}). Run \`bash scripts/ceph-lab.sh start\`.`);
  }
  return lab;
}

/** Runs rbd/ceph/rados as client.admin against the lab (set-up only), with a timeout. */
export async function adminRun(program: 'rbd' | 'ceph' | 'rados', args: string[], opts: { reject?: boolean; timeoutMs?: number } = {}) {
  const lab = cephLab();
  const r = await execa(program, ['--id', 'admin', ...args], {
    env: lab.env('admin'), reject: false, timeout: opts.timeoutMs ?? 60_000, stdin: 'ignore',
  });
  if (opts.reject !== false && r.exitCode !== 0) {
    throw new Error(`${program} ${args.join(' ')} failed (exit ${r.exitCode ?? r.signal}): ${r.stderr.slice(-800)}`);
  }
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const IMAGE_FEATURES = 'layering,exclusive-lock,object-map,fast-diff,deep-flatten';

/** A fresh spec `vms/<random-uuid>_disk` (not created). */
export function randomDiskSpec(pool = 'vms'): ImageSpec {
  const spec = parseImageSpec(`${pool}/${randomUUID()}_disk`);
  if (!spec.ok) throw new Error(spec.error);
  return spec.value;
}

/** Creates a 64 MiB image with Nova's features (a fresh `vms/<uuid>_disk` unless given). */
export async function createImage(spec: ImageSpec = randomDiskSpec()): Promise<ImageSpec> {
  await adminRun('rbd', ['create', spec, '--size', '64M', '--image-feature', IMAGE_FEATURES]);
  return spec;
}

/**
 * Removes an image; missing is fine. A SIGKILLed client's watch lingers until osd_client_watch_timeout, and
 * `rbd rm` refuses an image with watchers (EBUSY, exit 16): retry for a while.
 */
export async function removeImage(spec: ImageSpec, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await adminRun('rbd', ['rm', spec, '--no-progress'], { reject: false });
    if (r.exitCode === 0 || r.exitCode === 2) return;
    if (r.exitCode !== 16 || Date.now() > end) throw new Error(`rbd rm ${spec} failed (exit ${r.exitCode}): ${r.stderr.slice(-500)}`);
    await sleep(500);
  }
}

const AdminInfo = z.object({ id: z.string().regex(/^[0-9a-f]+$/), flags: z.array(z.string()) });

/**
 * Makes the image's object map invalid as a crash can (reference/ceph README: produced by deleting the
 * `rbd_object_map.<id>` object): remove the object, then let a client take the lock so that librbd notices
 * and sets the flags. Use on an image without a stale lock (admin taking the lock would break it).
 */
export async function invalidateObjectMap(spec: ImageSpec): Promise<string[]> {
  const { pool } = splitImageSpec(spec);
  const info = AdminInfo.parse(JSON.parse((await adminRun('rbd', ['info', spec, '--format', 'json'])).stdout));
  await adminRun('rados', ['-p', pool, 'rm', `rbd_object_map.${info.id}`]);
  await adminRun('rbd', ['object-map', 'check', spec, '--no-progress'], { reject: false });
  const after = AdminInfo.parse(JSON.parse((await adminRun('rbd', ['info', spec, '--format', 'json'])).stdout));
  if (!after.flags.includes('object map invalid')) throw new Error(`${spec}: object map not flagged invalid (${after.flags.join(', ')})`);
  return after.flags;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
