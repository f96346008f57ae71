/** The diagnosis: what analyseLocks() makes of an InspectionSnapshot. Pure data, rendered by Slack and the CLI. */
import type { EntityAddr, ImageSpec, InstanceId } from './ids.js';
import type { ComputeServiceView, DiskRole, RbdLock, RbdWatcher } from './snapshot.js';

export type LockVerdict = 'alive' | 'stale' | 'unknown';
export type InstanceVerdict = 'unlocked' | 'alive' | 'stale' | 'unknown' | 'not_found';

/** Corroborations of DESIGN.md §3, by name (stable: used in metrics, audit and tests). */
export type Corroboration = 'blocklisted' | 'host_down' | 'replaced_by_new_client' | 'no_watcher_not_running' | 'owner_host_down';

export interface LockAssessment {
  image: ImageSpec;
  lock: RbdLock;
  verdict: LockVerdict;
  /** Plain sentences with the facts, first the decisive one. */
  evidence: string[];
  corroborations: Corroboration[];
  /** The owner's address is in the OSD blocklist now. */
  isBlocklisted: boolean;
}

export interface DiskReport {
  image: ImageSpec;
  role: DiskRole;
  volumeId?: string;
  locks: LockAssessment[];
  watchers: RbdWatcher[];
  objectMapInvalid: boolean;
  /** Why this disk could not be fully read, if so. */
  error?: string;
}

/** The compute host's state as one word: `up`, `down`, `forced_down`, or `unknown` (no host, Nova failed). */
export type HostState = 'up' | 'down' | 'forced_down' | 'unknown';

export interface InstanceSummary {
  id: InstanceId;
  name: string;
  status: string;
  vmState: string | null;
  powerState: number | null;
  taskState: string | null;
  host: string | null;
  hostState: HostState;
  hostStatus: string | null;
  computeService: ComputeServiceView | null;
}

export interface InstanceReport {
  observedAt: string;
  instance: InstanceSummary;
  verdict: Exclude<InstanceVerdict, 'not_found'>;
  /** Instance-level sentences: why the verdict, and any source that failed. */
  evidence: string[];
  disks: DiskReport[];
}

/** The lock a fix request was approved for; re-inspection must find exactly these, still stale. */
export interface ApprovedLock {
  image: ImageSpec;
  id: string;
  locker: string;
  address: EntityAddr;
}
