/**
 * A scenario of the fix tests beside those of test/support/ceph-scenarios.ts: the owner that is not dead but
 * frozen (a hung host, a QEMU stopped under a debugger). Frozen with SIGSTOP, its watch expires after the lab's
 * osd_client_watch_timeout and a new client.nova-old writer on the same host is locked out as in the seed's crash,
 * so vmlocks sees a stale lock. Resumed with SIGCONT, librbd re-registers the watch under the same address and
 * releases the lock it can no longer trust (measured on the Pacific lab): the owner is alive again.
 */
import { parseLockId, type EntityAddr, type ImageSpec, type LockId, type Locker } from '../../../src/core/ids.js';
import { adminLocks, adminWatchers, waitUntil } from '../../support/ceph-admin-view.js';
import { cephLab, createImage, removeImage } from '../../support/ceph-lab.js';
import { startWriter, type RbdWriter } from '../../support/ceph-writer.js';

export interface FrozenOwnerScenario {
  spec: ImageSpec;
  /** The frozen owner's lock, as `rbd lock ls` shows it. */
  lock: { id: LockId; locker: Locker; address: EntityAddr };
  owner: RbdWriter;
  /** The client.nova-old writer locked out by the frozen owner. */
  newWriter: RbdWriter;
  /** SIGCONT: the owner resumes; resolves when its watch is back and it released the lock. */
  resume(): Promise<void>;
  cleanup(): Promise<void>;
}

function signal(pid: number, sig: 'SIGSTOP' | 'SIGCONT'): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Creates `spec` (it must not exist), freezes its owner and locks out a new writer. */
export async function frozenOwner(spec: ImageSpec): Promise<FrozenOwnerScenario> {
  await createImage(spec);
  const writers: RbdWriter[] = [];
  const bound = cephLab().watchTimeoutSeconds * 4_000 + 30_000;
  const cleanup = async (): Promise<void> => {
    for (const w of writers) signal(w.pid, 'SIGCONT'); // a stopped process handles no SIGTERM
    await Promise.all(writers.map((w) => w.kill('SIGTERM')));
    await removeImage(spec);
  };
  try {
    const owner = await startWriter(spec, 'nova-old');
    writers.push(owner);
    if ((await owner.writeOutcome(60_000)).event !== 'locked') throw new Error(`${spec}: the owner did not take the lock`);
    const lock = (await adminLocks(spec)).find((l) => l.address === owner.address);
    if (lock === undefined) throw new Error(`${spec}: no lock of ${owner.address}`);
    const lockId = parseLockId(lock.id);
    if (!lockId.ok) throw new Error(lockId.error);
    signal(owner.pid, 'SIGSTOP');
    const newWriter = await startWriter(spec, 'nova-old');
    writers.push(newWriter);
    const outcome = await newWriter.writeOutcome(bound);
    if (outcome.event !== 'write-error' || outcome.errno !== 13) throw new Error(`${spec}: expected EACCES for the new writer, got ${JSON.stringify(outcome)}`);
    await waitUntil(`${spec} shows only the new writer as watcher`, async () => {
      const w = await adminWatchers(spec);
      return w.length === 1 && w[0]?.address === newWriter.address;
    }, bound);
    return {
      spec, owner, newWriter, cleanup,
      lock: { id: lockId.value, locker: owner.client, address: owner.address },
      async resume() {
        signal(owner.pid, 'SIGCONT');
        await waitUntil(`the resumed owner ${owner.address} watches ${spec} again and released its lock`, async () => {
          const [watchers, locks] = await Promise.all([adminWatchers(spec), adminLocks(spec)]);
          return watchers.some((w) => w.address === owner.address) && !locks.some((l) => l.address === owner.address);
        }, bound);
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
