/**
 * In-memory fakes of the ports a host batch uses (CephPort, NovaPort, the Notifier and the BatchNotifier), over
 * one small model of a host: each instance one disk, with a lock whose owner is dead (stale) or alive. Every call
 * that changes something is counted, so the tests can say "each lock removed once, each instance rebooted once".
 */
import type { EntityAddr, ImageSpec, InstanceId, LockId, Locker } from '../../../src/core/ids.js';
import type { HostBatch } from '../../../src/core/host-batch.js';
import type { InstanceReport, LockAssessment } from '../../../src/core/report.js';
import type { BlocklistEntry, NovaInstanceView, RbdLock, RbdWatcher } from '../../../src/core/snapshot.js';
import { plainSentence } from '../../../src/core/sentence.js';
import type { BatchNotifier, CephPort, CommandRecord, HttpRecord, IncidentEvent, Notifier, NovaPort, WaitOutcome } from '../../../src/ports.js';

export interface FakeInstance {
  id: InstanceId;
  name: string;
  image: ImageSpec;
  lock: RbdLock | null;
  /** The lock's owner still runs (a watcher with its address). */
  ownerAlive: boolean;
}

const cmd = (argv: string[]): CommandRecord => ({ argv, exitCode: 0, durationMs: 1, stdoutExcerpt: '', stderrExcerpt: '' });

export function fakeInstance(n: number, opts: { ownerAlive?: boolean } = {}): FakeInstance {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as InstanceId;
  return {
    id, name: `vm-${String(n).padStart(2, '0')}`, image: `vms/${id}_disk` as ImageSpec, ownerAlive: opts.ownerAlive ?? false,
    lock: { id: `auto 1400000000${n}` as LockId, locker: `client.${4000 + n}` as Locker, address: `127.0.0.1:0/${1000 + n}` as EntityAddr },
  };
}

export class FakeCloud {
  readonly instances = new Map<InstanceId, FakeInstance>();
  readonly blocklist: BlocklistEntry[] = [];
  readonly removed: string[] = [];
  readonly reboots: InstanceId[] = [];
  /** Make the next calls fail, as an unreachable cluster or a failing command would. */
  failLockRm: ((image: ImageSpec) => boolean) | null = null;
  failInspect: ((id: InstanceId) => boolean) | null = null;

  constructor(list: FakeInstance[]) {
    for (const i of list) this.instances.set(i.id, i);
  }

  private byImage(image: ImageSpec): FakeInstance | undefined {
    return [...this.instances.values()].find((i) => i.image === image);
  }

  /** What the inspect service would make of the model: stale when the lock's owner is dead. */
  async inspectById(id: InstanceId): Promise<InstanceReport | null> {
    if (this.failInspect?.(id)) throw new Error('ceph: connection timed out after 10 s');
    const i = this.instances.get(id);
    if (!i) return null;
    const listed = i.lock !== null && this.blocklist.some((b) => b.address === i.lock?.address);
    const locks: LockAssessment[] = i.lock === null ? [] : [{
      image: i.image, lock: i.lock, verdict: i.ownerAlive ? 'alive' : 'stale', isBlocklisted: listed,
      evidence: [i.ownerAlive ? `watcher ${i.lock.address} is the owner` : `no watcher has address ${i.lock.address}`], corroborations: i.ownerAlive ? [] : ['host_down'],
    }];
    const verdict = locks.length === 0 ? 'unlocked' : i.ownerAlive ? 'alive' : 'stale';
    return {
      observedAt: '2026-12-04T10:00:00.000Z', verdict, evidence: [`${verdict} (fake)`],
      disks: [{ image: i.image, role: 'ephemeral', locks, watchers: i.ownerAlive && i.lock ? [{ address: i.lock.address, client: i.lock.locker, cookie: '1' }] : [], objectMapInvalid: false }],
      instance: {
        id, name: i.name, status: 'ACTIVE', vmState: 'active', powerState: 1, taskState: null, host: 'compute-1', hostState: 'up', hostStatus: 'UP',
        computeService: { host: 'compute-1', state: 'up', status: 'enabled', forcedDown: false, updatedAt: '2026-12-04T10:00:00Z', disabledReason: null },
      },
    };
  }

  readonly ceph: CephPort = {
    listImages: async () => [...this.instances.values()].map((i) => i.image.split('/')[1]) as never,
    listLocks: async (spec) => { const l = this.byImage(spec)?.lock; return l ? [l] : []; },
    listWatchers: async (spec): Promise<RbdWatcher[]> => { const i = this.byImage(spec); return i?.ownerAlive && i.lock ? [{ address: i.lock.address, client: i.lock.locker, cookie: '1' }] as never : []; },
    imageInfo: async () => ({ features: ['exclusive-lock'], flags: [] }),
    removeLock: async (spec, lockId, locker) => {
      if (this.failLockRm?.(spec)) throw new Error(`rbd: lock rm ${spec} failed: (110) Connection timed out`);
      const i = this.byImage(spec);
      if (i?.lock?.id === lockId && i.lock.locker === locker) i.lock = null;
      this.removed.push(spec);
      return cmd(['rbd', 'lock', 'rm', spec, lockId, locker]);
    },
    listBlocklist: async () => [...this.blocklist],
    addToBlocklist: async (address) => { this.blocklist.push({ address, until: '2026-12-11T10:00:00Z' }); return cmd(['ceph', 'osd', 'blocklist', 'add', address]); },
    rebuildObjectMap: async (spec) => cmd(['rbd', 'object-map', 'rebuild', spec]),
  };

  private view(i: FakeInstance): NovaInstanceView {
    return { id: i.id, name: i.name, projectId: null, status: 'ACTIVE', vmState: 'active', powerState: 1, taskState: null, host: 'compute-1', hypervisorHostname: 'compute-1', hostStatus: 'UP', volumeIds: [], bootFromVolume: false };
  }

  readonly nova: NovaPort = {
    resolveInstance: async () => { throw new Error('not used'); },
    getServer: async (id) => { const i = this.instances.get(id); if (!i) throw new Error('not found'); return this.view(i); },
    getComputeService: async (host) => ({ host, state: 'up', status: 'enabled', forcedDown: false, updatedAt: '2026-12-04T10:00:00Z', disabledReason: null }),
    listServersOnHost: async () => [...this.instances.values()].map((i) => this.view(i)),
    listComputeServices: async () => [],
    listHypervisors: async () => [],
    hardReboot: async (id): Promise<HttpRecord> => { this.reboots.push(id); return { method: 'POST', path: `/servers/${id}/action`, status: 202, requestId: 'req-1', durationMs: 1 }; },
    waitForActive: async (id): Promise<WaitOutcome> => {
      const i = this.instances.get(id);
      if (!i) throw new Error('not found');
      return { reached: true, server: this.view(i), transitions: ['HARD_REBOOT', 'ACTIVE'], elapsedMs: 5 };
    },
    // every host is up here: the restart is a reboot (its check finds no evacuation under way), never an evacuation
    evacuate: async () => { throw new Error('not used: the hosts are up'); },
    listEvacuations: async () => [],
    waitForEvacuation: async () => { throw new Error('not used: the hosts are up'); },
  };
}

/** Records what would go to Slack: per-instance events (there must be none for batch items) and batch calls. */
export class RecordingNotifiers {
  readonly events: IncidentEvent[] = [];
  readonly told: string[] = [];
  readonly batchPosts: HostBatch[] = [];
  readonly batchUpdates: HostBatch[] = [];
  readonly batchEvents: Array<{ kind: string; batch: HostBatch }> = [];

  readonly notifier: Notifier = {
    notify: async (e) => { this.events.push(e); },
    updateApprovalMessage: async (r) => { this.events.push({ kind: 'step', request: r, step: 'confirm', status: 'ok', detail: 'update', durationMs: 0 }); },
    postApprovalMessage: async () => ({ channel: 'C0INCIDENT', ts: '1.000001' }),
    tellUser: async (_u, text) => { this.told.push(plainSentence(text)); },
  };

  readonly batchNotifier: BatchNotifier = {
    postBatchApprovalMessage: async (b) => { this.batchPosts.push(b); return { channel: 'C0INCIDENT', ts: '2.000001' }; },
    updateBatchMessage: async (b) => { this.batchUpdates.push(b); },
    notifyBatch: async (e) => { this.batchEvents.push(e); },
  };
}
