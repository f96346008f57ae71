/**
 * An in-memory Ceph cluster behind the CephPort: images with their locks, watchers and flags, and the OSD blocklist.
 * Mutating calls change the state as the real CLIs do (`rbd lock rm` removes the lock, `blocklist add` adds an entry
 * with its expiry, `object-map rebuild` clears the invalid flags) and are logged, so that a test can assert exactly
 * what ran. `failNext` makes a call throw; `before` runs a hook before a call (the world changing under the run).
 */
import type { EntityAddr, ImageName, ImageSpec, LockId, Locker, PoolName } from '../../../src/core/ids.js';
import { splitImageSpec } from '../../../src/core/ids.js';
import type { BlocklistEntry, RbdImageInfo, RbdLock, RbdWatcher } from '../../../src/core/snapshot.js';
import type { CephPort, CommandRecord } from '../../../src/ports.js';

export interface FakeImage {
  locks: RbdLock[];
  watchers: RbdWatcher[];
  flags: string[];
}

type Op = keyof CephPort;

export interface CephCall {
  op: Op;
  args: unknown[];
}

export class FakeCeph implements CephPort {
  readonly images = new Map<ImageSpec, FakeImage>();
  blocklist: BlocklistEntry[] = [];
  readonly calls: CephCall[] = [];
  private readonly failures: Array<{ op: Op; match: (args: unknown[]) => boolean; error: Error; sticky: boolean }> = [];
  private readonly hooks: Array<{ op: Op; once: boolean; run: (args: unknown[]) => void | Promise<void> }> = [];

  constructor(private readonly now: () => Date = () => new Date('2026-12-04T10:00:00Z')) {}

  addImage(spec: ImageSpec, image: Partial<FakeImage> = {}): FakeImage {
    const img = { locks: image.locks ?? [], watchers: image.watchers ?? [], flags: image.flags ?? [] };
    this.images.set(spec, img);
    return img;
  }

  image(spec: ImageSpec): FakeImage {
    const img = this.images.get(spec);
    if (!img) throw Object.assign(new Error(`rbd: error opening image ${spec}: (2) No such file or directory`), { name: 'CephNotFoundError', code: 'not_found' });
    return img;
  }

  /** The next call of `op` whose arguments match throws `error`. */
  failNext(op: Op, error: Error, match: (args: unknown[]) => boolean = () => true): void {
    this.failures.push({ op, match, error, sticky: false });
  }

  /** Every call of `op` whose arguments match throws `error` from now on. */
  failAlways(op: Op, error: Error, match: (args: unknown[]) => boolean = () => true): void {
    this.failures.push({ op, match, error, sticky: true });
  }

  /** Runs `hook` before the next (or every) call of `op`. */
  before(op: Op, hook: (args: unknown[]) => void | Promise<void>, opts: { once?: boolean } = {}): void {
    this.hooks.push({ op, once: opts.once ?? true, run: hook });
  }

  /** The mutating calls, as short strings: `blocklist add <addr> <sec>`, `lock rm <spec> <id> <locker>`, `rebuild <spec>`. */
  mutations(): string[] {
    return this.calls.flatMap((c) => {
      if (c.op === 'addToBlocklist') return [`blocklist add ${c.args.map(String).join(' ')}`];
      if (c.op === 'removeLock') return [`lock rm ${c.args.map(String).join(' ')}`];
      if (c.op === 'rebuildObjectMap') return [`rebuild ${String(c.args[0])}`];
      return [];
    });
  }

  private async enter(op: Op, args: unknown[]): Promise<void> {
    this.calls.push({ op, args });
    for (const h of [...this.hooks]) {
      if (h.op !== op) continue;
      if (h.once) this.hooks.splice(this.hooks.indexOf(h), 1);
      await h.run(args);
    }
    const i = this.failures.findIndex((f) => f.op === op && f.match(args));
    const f = i >= 0 ? this.failures[i] : undefined;
    if (f) {
      if (!f.sticky) this.failures.splice(i, 1);
      throw f.error;
    }
  }

  private record(argv: string[]): CommandRecord {
    return { argv, exitCode: 0, durationMs: 5, stdoutExcerpt: '', stderrExcerpt: '' };
  }

  async listImages(pool: PoolName): Promise<ImageName[]> {
    await this.enter('listImages', [pool]);
    return [...this.images.keys()].filter((s) => splitImageSpec(s).pool === pool).map((s) => splitImageSpec(s).image);
  }

  async listLocks(spec: ImageSpec): Promise<RbdLock[]> {
    await this.enter('listLocks', [spec]);
    return this.image(spec).locks.map((l) => ({ ...l }));
  }

  async listWatchers(spec: ImageSpec): Promise<RbdWatcher[]> {
    await this.enter('listWatchers', [spec]);
    return this.image(spec).watchers.map((w) => ({ ...w }));
  }

  async imageInfo(spec: ImageSpec): Promise<RbdImageInfo> {
    await this.enter('imageInfo', [spec]);
    return { features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff'], flags: [...this.image(spec).flags] };
  }

  async removeLock(spec: ImageSpec, lockId: LockId, locker: Locker): Promise<CommandRecord> {
    await this.enter('removeLock', [spec, lockId, locker]);
    const img = this.image(spec);
    const i = img.locks.findIndex((l) => l.id === lockId && l.locker === locker);
    if (i < 0) throw Object.assign(new Error(`rbd: releasing lock failed: (2) No such file or directory`), { name: 'CephNotFoundError', code: 'not_found' });
    img.locks.splice(i, 1);
    return this.record(['rbd', 'lock', 'rm', spec, lockId, locker]);
  }

  async listBlocklist(): Promise<BlocklistEntry[]> {
    await this.enter('listBlocklist', []);
    return this.blocklist.map((e) => ({ ...e }));
  }

  async addToBlocklist(address: EntityAddr, expireSeconds?: number): Promise<CommandRecord> {
    const args: unknown[] = expireSeconds === undefined ? [address] : [address, expireSeconds];
    await this.enter('addToBlocklist', args);
    const until = new Date(this.now().getTime() + (expireSeconds ?? 3600) * 1000).toISOString();
    this.blocklist = [...this.blocklist.filter((e) => e.address !== address), { address, until }];
    return this.record(['ceph', 'osd', 'blocklist', 'add', address, ...(expireSeconds === undefined ? [] : [String(expireSeconds)])]);
  }

  async rebuildObjectMap(spec: ImageSpec): Promise<CommandRecord> {
    await this.enter('rebuildObjectMap', [spec]);
    const img = this.image(spec);
    img.flags = img.flags.filter((f) => !/invalid/.test(f));
    return this.record(['rbd', 'object-map', 'rebuild', spec]);
  }
}
