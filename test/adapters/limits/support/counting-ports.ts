/**
 * Ceph and Nova port implementations that count calls in flight. Each call waits until the test opens the gate,
 * so that the test sees exactly how many calls the limiter let start.
 */
import type { EntityAddr, ImageSpec, InstanceId, LockId, Locker, PoolName } from '../../../../src/core/ids.js';
import type { NovaInstanceView } from '../../../../src/core/snapshot.js';
import type { CephPort, CommandRecord, EvacuationOutcome, NovaPort, WaitOutcome } from '../../../../src/ports.js';

export class Tracker {
  active = 0;
  peak = 0;
  started = 0;
  finished = 0;
  private release: () => void = () => undefined;
  private gate: Promise<void> = new Promise((r) => { this.release = r; });
  /** Errors to throw, by call name. */
  readonly failures = new Map<string, Error>();

  open(): void {
    this.release();
  }

  async track<T>(name: string, value: T): Promise<T> {
    this.active += 1;
    this.started += 1;
    this.peak = Math.max(this.peak, this.active);
    try {
      await this.gate;
      const failure = this.failures.get(name);
      if (failure) throw failure;
      return value;
    } finally {
      this.active -= 1;
      this.finished += 1;
    }
  }
}

const record: CommandRecord = { argv: ['rbd', 'lock', 'rm'], exitCode: 0, durationMs: 12, stdoutExcerpt: '', stderrExcerpt: '' };

export function countingCeph(t: Tracker): CephPort {
  return {
    listImages: (_pool: PoolName) => t.track('listImages', []),
    listLocks: (_spec: ImageSpec) => t.track('listLocks', []),
    listWatchers: (_spec: ImageSpec) => t.track('listWatchers', []),
    imageInfo: (_spec: ImageSpec) => t.track('imageInfo', { features: ['exclusive-lock'], flags: [] }),
    removeLock: (_spec: ImageSpec, _id: LockId, _locker: Locker) => t.track('removeLock', record),
    listBlocklist: () => t.track('listBlocklist', []),
    addToBlocklist: (_address: EntityAddr, _expireSeconds: number) => t.track('addToBlocklist', record),
    rebuildObjectMap: (_spec: ImageSpec) => t.track('rebuildObjectMap', record),
  };
}

export function sampleServer(id: InstanceId): NovaInstanceView {
  return {
    id, name: 'web-01', projectId: null, status: 'ACTIVE', vmState: 'active', powerState: 1, taskState: null,
    host: 'compute-1', hypervisorHostname: 'compute-1', hostStatus: 'UP', volumeIds: [], bootFromVolume: false,
  };
}

export function countingNova(t: Tracker, waits: Tracker): NovaPort {
  return {
    resolveInstance: (ref) => t.track('resolveInstance', { kind: 'not_found', ref }),
    getServer: (id) => t.track('getServer', sampleServer(id)),
    getComputeService: (_host) => t.track('getComputeService', null),
    listServersOnHost: (_host) => t.track('listServersOnHost', []),
    listComputeServices: () => t.track('listComputeServices', []),
    listHypervisors: () => t.track('listHypervisors', []),
    hardReboot: (id) => t.track('hardReboot', { method: 'POST', path: `/servers/${id}/action`, status: 202, requestId: null, durationMs: 40 }),
    waitForActive: (id, _opts) =>
      waits.track<WaitOutcome>('waitForActive', { reached: true, server: sampleServer(id), transitions: ['ACTIVE'], elapsedMs: 0 }),
    evacuate: (id) => t.track('evacuate', { method: 'POST', path: `/servers/${id}/action`, status: 200, requestId: null, durationMs: 60 }),
    listEvacuations: (_id) => t.track('listEvacuations', []),
    waitForEvacuation: (id, _opts) => waits.track<EvacuationOutcome>('waitForEvacuation', {
      reached: true, failed: false, server: { ...sampleServer(id), host: 'compute-2' }, migration: null, transitions: [], elapsedMs: 0,
    }),
  };
}
