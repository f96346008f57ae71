/**
 * What vmlocks observed about one instance, from Ceph and Nova, at one moment. This is the only input of the
 * staleness rules (lock-analysis.ts). Each source that can fail independently is a Result, so that a partial
 * failure is visible to the rules (and leads to `unknown`, never to `stale`).
 */
import type { EntityAddr, ImageSpec, InstanceId, LockId, Locker, PoolName } from './ids.js';
import type { Result } from './result.js';

export interface RbdLock {
  id: LockId;
  locker: Locker;
  address: EntityAddr;
}

export interface RbdWatcher {
  address: EntityAddr;
  /** The watcher's client id, the N of client.N (a string: it is a 64-bit number). */
  client: string;
  /** The watch cookie (64-bit, kept as a decimal string). */
  cookie: string;
}

export interface BlocklistEntry {
  address: EntityAddr;
  /** ISO time the entry expires, as Ceph prints it. */
  until: string;
}

export interface RbdImageInfo {
  features: string[];
  /** `object map invalid`, `fast diff invalid` when the object map must be rebuilt. */
  flags: string[];
}

export type DiskRole = 'ephemeral' | 'volume';

export interface DiskObservation {
  image: ImageSpec;
  role: DiskRole;
  /** Cinder volume id for role `volume`. */
  volumeId?: string;
  locks: Result<RbdLock[], string>;
  watchers: Result<RbdWatcher[], string>;
  info: Result<RbdImageInfo, string>;
}

/** Nova's power_state integers (nova/compute/power_state.py). */
export const POWER_STATE = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;

export interface NovaInstanceView {
  id: InstanceId;
  name: string;
  projectId: string | null;
  status: string;
  vmState: string | null;
  powerState: number | null;
  taskState: string | null;
  host: string | null;
  hypervisorHostname: string | null;
  /** `UP`, `DOWN`, `MAINTENANCE`, `UNKNOWN`, `` (microversion >= 2.16, admin). */
  hostStatus: string | null;
  /**
   * Attached Cinder volume ids; null when Nova's answer did not say (os-extended-volumes:volumes_attached left out):
   * the instance may have volumes that cannot be read, so no verdict may ignore them.
   */
  volumeIds: string[] | null;
  /** Nova's flag for a boot-from-volume root: image is "" or absent. */
  bootFromVolume: boolean;
}

export interface ComputeServiceView {
  host: string;
  /** Nova's liveness from heartbeats: `down` after service_down_time without a report. */
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  forcedDown: boolean;
  /** Last heartbeat (ISO, UTC), or null. */
  updatedAt: string | null;
  disabledReason: string | null;
}

/** One hypervisor of /os-hypervisors/detail: which compute host has which IP, and whether Nova sees it up. */
export interface HypervisorView {
  hypervisorHostname: string;
  /** The nova-compute service's host (service.host), which servers name in OS-EXT-SRV-ATTR:host. */
  host: string | null;
  /** Nova's my_ip of that compute (host_ip). */
  hostIp: string | null;
  /** Nova's liveness of its compute service; null when Nova did not say. */
  state: 'up' | 'down' | null;
}

export interface InspectionSnapshot {
  /** ISO time the observation finished. */
  observedAt: string;
  instance: NovaInstanceView;
  /** null when the instance has no host (never scheduled, shelved). */
  computeService: Result<ComputeServiceView | null, string>;
  blocklist: Result<BlocklistEntry[], string>;
  /**
   * Every hypervisor, to find the compute host a lock owner's IP belongs to (after an evacuation it is not the
   * instance's host). An optional source: it can only add a corroboration, so its failure forbids nothing.
   */
  hypervisors: Result<HypervisorView[], string>;
  disks: DiskObservation[];
  /**
   * The configured pools (VMLOCKS_NOVA_POOL, VMLOCKS_CINDER_POOLS), for the caps advice of the evidence; when absent
   * the pools of the instance's disks are named.
   */
  pools?: { nova: PoolName; cinder: PoolName[] };
  /** Failures that may hide disks (a pool that could not be listed). Any entry makes the verdict unknown. */
  discoveryErrors: string[];
}
