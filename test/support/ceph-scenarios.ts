/**
 * The incident and its neighbours, reproduced on the real Ceph lab with real librbd clients (rbd-writer.py):
 *   a. seedCrash        — the seed's crash: the owner (client.nova-old) is SIGKILLed; a new client.nova-old writer on
 *                         the same host opens the image, its write waits for the dead watch to expire, then fails with
 *                         EACCES (it cannot blocklist the owner) and it stays up: a watcher from the same IP, another nonce;
 *   b. liveWriter       — a live writer holding its lock;
 *   c. expiredDeadOwner — a killed writer whose watch has expired, no new client;
 *   d. unlockedImage    — an image with no lock;
 *   e. missingImage / missingPool.
 * Each creates its own image `vms/<uuid>_disk` unless given an existing one, and returns an idempotent `cleanup()`;
 * `cleanupScenarios()` (afterAll) cleans whatever is left, writers included.
 */
import { randomUUID } from 'node:crypto';
import {
  parseEntityAddr, parseImageSpec, parseLockId, parseLocker, type EntityAddr, type ImageSpec, type LockId, type Locker,
} from '../../src/core/ids.js';
import { adminLocks, adminWatchers, waitUntil } from './ceph-admin-view.js';
import { adminRun, cephLab, createImage, randomDiskSpec, removeImage, type CephUser } from './ceph-lab.js';
import { killAllWriters, startWriter, type RbdWriter } from './ceph-writer.js';

/** A lock as `rbd lock ls` shows it, with branded fields. */
export interface LockOwner { lockId: LockId; locker: Locker; address: EntityAddr }

export interface Scenario { spec: ImageSpec; cleanup(): Promise<void> }
export interface SeedCrashScenario extends Scenario { deadOwner: LockOwner; newWriter: RbdWriter }
export interface LiveWriterScenario extends Scenario { lock: LockOwner; writer: RbdWriter }
export interface ExpiredOwnerScenario extends Scenario { deadOwner: LockOwner }

export interface ScenarioOptions {
  /**
   * The image to use, e.g. `diskSpecFor(server.id)` for a Nova instance: an existing image is used and kept; one that
   * does not exist is created and removed by cleanup. Default: a new `vms/<random-uuid>_disk`.
   */
  spec?: ImageSpec;
  /** The CephX user of the writers. */
  user?: CephUser;
}

const pending = new Set<() => Promise<void>>();

/** Cleans every scenario not cleaned yet, then kills any writer left. For afterAll; safe to call twice. */
export async function cleanupScenarios(): Promise<void> {
  // writers a test started itself may hold a scenario's image open: close them first, or rbd rm waits on their watches
  await killAllWriters('SIGTERM');
  const results = await Promise.allSettled([...pending].map((c) => c()));
  await killAllWriters();
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) throw new Error(`cleanup failed: ${failed.map((f) => String(f.reason)).join('; ')}`);
}

function register(spec: ImageSpec, owned: boolean, writers: RbdWriter[]): () => Promise<void> {
  let done: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    done ??= (async () => {
      // SIGTERM closes the image (lock released, watch removed at once); SIGKILL would leave a watch to expire
      await Promise.all(writers.map((w) => w.kill(w.isRunning() ? 'SIGTERM' : 'SIGKILL')));
      if (owned) await removeImage(spec);
    })().finally(() => pending.delete(cleanup));
    return done;
  };
  pending.add(cleanup);
  return cleanup;
}

/** The image to use: a given one that exists is kept; a given one that does not exist, or a fresh one, is ours. */
async function prepare(opts: ScenarioOptions): Promise<{ spec: ImageSpec; owned: boolean }> {
  if (opts.spec !== undefined && (await adminRun('rbd', ['info', opts.spec], { reject: false })).exitCode === 0) {
    return { spec: opts.spec, owned: false };
  }
  return { spec: await createImage(opts.spec), owned: true };
}

/** Nova's name for an instance's root disk in pool `vms`: `vms/<instance-uuid>_disk` (DESIGN.md §2). */
export function diskSpecFor(instanceId: string, pool = 'vms'): ImageSpec {
  const spec = parseImageSpec(`${pool}/${instanceId}_disk`);
  if (!spec.ok) throw new Error(spec.error);
  return spec.value;
}

function lockOf(raw: { id: string; locker: string; address: string }): LockOwner {
  const lockId = parseLockId(raw.id);
  const locker = parseLocker(raw.locker);
  const address = parseEntityAddr(raw.address);
  if (!lockId.ok || !locker.ok || !address.ok) throw new Error(`unexpected lock ${JSON.stringify(raw)}`);
  return { lockId: lockId.value, locker: locker.value, address: address.value };
}

/** Starts a writer and waits until it holds the lock; returns the lock as rbd lock ls shows it. */
async function lockedWriter(spec: ImageSpec, user: CephUser, writers: RbdWriter[]): Promise<{ writer: RbdWriter; lock: LockOwner }> {
  const writer = await startWriter(spec, user);
  writers.push(writer);
  const outcome = await writer.writeOutcome(60_000);
  if (outcome.event !== 'locked') throw new Error(`writer ${user} on ${spec} could not take the lock: ${JSON.stringify(outcome)}`);
  const lock = (await adminLocks(spec)).find((l) => l.address === writer.address);
  if (lock === undefined) throw new Error(`${spec}: no lock held by ${writer.address} after its write`);
  return { writer, lock: lockOf(lock) };
}

/** How long to wait for a killed client's watch to expire: several times the lab's timeout, plus slack. */
function expiryBoundMs(): number {
  return cephLab().watchTimeoutSeconds * 4_000 + 30_000;
}

/** a. The seed's crash, up to the state the on-call engineer finds (see the file comment). */
export async function seedCrash(opts: ScenarioOptions = {}): Promise<SeedCrashScenario> {
  const user = opts.user ?? 'nova-old';
  const { spec, owned } = await prepare(opts);
  const writers: RbdWriter[] = [];
  const cleanup = register(spec, owned, writers);
  try {
    const { writer: owner, lock: deadOwner } = await lockedWriter(spec, user, writers);
    await owner.kill('SIGKILL');
    const newWriter = await startWriter(spec, user);
    writers.push(newWriter);
    // the write blocks until the dead owner's watch expires, then librbd tries to blocklist it and fails
    const outcome = await newWriter.writeOutcome(expiryBoundMs());
    if (outcome.event !== 'write-error' || outcome.errno !== 13) {
      throw new Error(`expected the new ${user} writer's write to fail with EACCES, got ${JSON.stringify(outcome)}`);
    }
    await waitUntil(`${spec} shows only the new writer as watcher, and the dead owner's lock`, async () => {
      const [watchers, locks] = await Promise.all([adminWatchers(spec), adminLocks(spec)]);
      return watchers.length === 1 && watchers[0]?.address === newWriter.address &&
        locks.length === 1 && locks[0]?.address === deadOwner.address;
    }, expiryBoundMs());
    return { spec, deadOwner, newWriter, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** b. A live writer holding the image's exclusive lock (default user client.nova). */
export async function liveWriter(opts: ScenarioOptions = {}): Promise<LiveWriterScenario> {
  const { spec, owned } = await prepare(opts);
  const writers: RbdWriter[] = [];
  const cleanup = register(spec, owned, writers);
  try {
    const { writer, lock } = await lockedWriter(spec, opts.user ?? 'nova', writers);
    return { spec, lock, writer, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** c. A writer killed while holding the lock, after its watch expired; nobody else opened the image. */
export async function expiredDeadOwner(opts: ScenarioOptions = {}): Promise<ExpiredOwnerScenario> {
  const { spec, owned } = await prepare(opts);
  const writers: RbdWriter[] = [];
  const cleanup = register(spec, owned, writers);
  try {
    const { writer, lock: deadOwner } = await lockedWriter(spec, opts.user ?? 'nova-old', writers);
    await writer.kill('SIGKILL');
    await waitUntil(`the watch of ${deadOwner.address} on ${spec} expired`,
      async () => (await adminWatchers(spec)).length === 0, expiryBoundMs());
    return { spec, deadOwner, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** d. An image nobody opened: no lock, no watcher. */
export async function unlockedImage(opts: Omit<ScenarioOptions, 'user'> = {}): Promise<Scenario> {
  const { spec, owned } = await prepare(opts);
  return { spec, cleanup: register(spec, owned, []) };
}

/** e. An image that does not exist, in the existing pool `vms`. */
export function missingImage(): Scenario {
  return { spec: randomDiskSpec(), cleanup: async () => {} };
}

/** e. An image in a pool that does not exist. */
export function missingPool(): Scenario {
  const spec = parseImageSpec(`nosuchpool-${randomUUID().slice(0, 8)}/${randomUUID()}_disk`);
  if (!spec.ok) throw new Error(spec.error);
  return { spec: spec.value, cleanup: async () => {} };
}
