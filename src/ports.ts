/**
 * The ports: what the services need from the outside world. Adapters (adapters/*) implement them;
 * services (services/*) and the composition root (main.ts) are the only users.
 */
import type { EntityAddr, ImageName, ImageSpec, InstanceId, InstanceRef, LockId, Locker, PoolName } from './core/ids.js';
import type {
  BlocklistEntry, ComputeServiceView, HypervisorView, NovaInstanceView, RbdImageInfo, RbdLock, RbdWatcher,
} from './core/snapshot.js';
import type { FixRequest, SlackMessageRef } from './core/fix-request.js';
import type { StepName } from './core/fix-plan-types.js';
import type { Sentence } from './core/sentence.js';
import type { BatchPlan, HostBatch } from './core/host-batch.js';
import type { HostAnnouncement } from './core/host-watch.js';
import type { HostSummary } from './core/host-summary.js';
import type { Result } from './core/result.js';
import type { FixRunStep } from './store-ports.js';

export type * from './store-ports.js';

/** What one external command or HTTP request did; written verbatim to the audit log. */
export interface CommandRecord {
  /** Full argv as executed (program first), e.g. ['rbd', '--id', 'vmlocks', 'lock', 'rm', ...]. */
  argv: string[];
  exitCode: number;
  durationMs: number;
  stdoutExcerpt: string;
  stderrExcerpt: string;
}

export interface HttpRecord {
  method: string;
  /** Path and query under the service endpoint. */
  path: string;
  status: number;
  requestId: string | null;
  durationMs: number;
  body?: unknown;
}

export interface CephPort {
  listImages(pool: PoolName): Promise<ImageName[]>;
  listLocks(spec: ImageSpec): Promise<RbdLock[]>;
  listWatchers(spec: ImageSpec): Promise<RbdWatcher[]>;
  imageInfo(spec: ImageSpec): Promise<RbdImageInfo>;
  removeLock(spec: ImageSpec, lockId: LockId, locker: Locker): Promise<CommandRecord>;
  listBlocklist(): Promise<BlocklistEntry[]>;
  /** `ceph osd blocklist add <address> <expireSeconds>`; refuses an address with nonce 0 (a whole host). */
  addToBlocklist(address: EntityAddr, expireSeconds: number): Promise<CommandRecord>;
  rebuildObjectMap(spec: ImageSpec): Promise<CommandRecord>;
}

export type ResolveResult =
  | { kind: 'found'; server: NovaInstanceView }
  | { kind: 'not_found'; ref: InstanceRef }
  | { kind: 'ambiguous'; candidates: Array<{ id: InstanceId; name: string; host: string | null; status: string }> };

export interface WaitOutcome {
  reached: boolean;
  server: NovaInstanceView;
  /** Every distinct status/task_state seen while waiting, in order. */
  transitions: string[];
  elapsedMs: number;
}

/** One evacuation record of an instance (GET /os-migrations?migration_type=evacuation). */
export interface EvacuationRecord {
  id: number;
  /** accepted, pre-migrating, done; error or failed when it did not happen. */
  status: string;
  sourceCompute: string | null;
  destCompute: string | null;
  createdAt: string;
}

export interface EvacuationOutcome {
  /** The migration is done and the server is on a host other than the source, in the expected state. */
  reached: boolean;
  /** The migration ended `error` or `failed`: waiting longer would not help. */
  failed: boolean;
  server: NovaInstanceView;
  migration: EvacuationRecord | null;
  /** Every distinct migration status / server status seen, in order, e.g. `accepted, REBUILD/rebuilding on compute-1`. */
  transitions: string[];
  elapsedMs: number;
}

export interface NovaPort {
  resolveInstance(ref: InstanceRef): Promise<ResolveResult>;
  getServer(id: InstanceId): Promise<NovaInstanceView>;
  /** The nova-compute service of a host, or null if Nova has none by that name. */
  getComputeService(host: string): Promise<ComputeServiceView | null>;
  listServersOnHost(host: string): Promise<NovaInstanceView[]>;
  /** Every nova-compute service (GET /os-services?binary=nova-compute): the host watch's one read per poll. */
  listComputeServices(): Promise<ComputeServiceView[]>;
  /** Every hypervisor with its host, host_ip and state (all pages). */
  listHypervisors(): Promise<HypervisorView[]>;
  hardReboot(id: InstanceId): Promise<HttpRecord>;
  /** Polls (bounded, with backoff) until status ACTIVE and power state RUNNING, or the time is up. */
  waitForActive(id: InstanceId, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<WaitOutcome>;
  /**
   * `POST /servers/{id}/action {"evacuate": {}}` at a microversion where the scheduler picks the target and an
   * ACTIVE instance ends ACTIVE (2.68 to 2.94). Throws NovaApiError whose userMessage says what to do (400: the
   * source's service is up; 409: a state Nova will not evacuate).
   */
  evacuate(id: InstanceId): Promise<HttpRecord>;
  /** The instance's evacuation records, oldest first. */
  listEvacuations(id: InstanceId): Promise<EvacuationRecord[]>;
  /**
   * Follows the evacuation newer than `afterMigrationId` (bounded, with backoff) until its record is done and the
   * server is on a host other than `sourceHost`: ACTIVE and running, or SHUTOFF when `expectStopped`.
   */
  waitForEvacuation(id: InstanceId, opts: {
    sourceHost: string; afterMigrationId: number; expectStopped: boolean; timeoutMs: number; signal?: AbortSignal;
  }): Promise<EvacuationOutcome>;
}

export interface Clock {
  now(): Date;
}

/** Platform-neutral events for the incident channel and the requester; the Slack adapter renders them. */
export type IncidentEvent =
  | { kind: 'requested'; request: FixRequest }
  | { kind: 'approved'; request: FixRequest }
  | { kind: 'denied'; request: FixRequest }
  | { kind: 'expired'; request: FixRequest }
  | { kind: 'step'; request: FixRequest; step: StepName; status: 'ok' | 'failed' | 'skipped'; detail: string; durationMs: number }
  | { kind: 'finished'; request: FixRequest; steps: FixRunStep[] }
  | { kind: 'interrupted'; request: FixRequest }
  | { kind: 'brake'; request: FixRequest; count: number; limit: number; windowMs: number };

export interface Notifier {
  /** Posts to the incident channel (queued, rate-limited; never throws: failures are logged). */
  notify(event: IncidentEvent): Promise<void>;
  /** Re-renders the approval message in place (chat.update on the stored channel/ts). */
  updateApprovalMessage(request: FixRequest, progress?: FixRunStep[]): Promise<void>;
  /** Posts the approval message (Approve / Deny) and returns where it is. */
  postApprovalMessage(request: FixRequest): Promise<SlackMessageRef>;
  /** Tells the requester (DM or ephemeral in the origin channel); mentions only from the Sentence's user references. */
  tellUser(userId: string, text: Sentence, origin?: { channel: string } | null): Promise<void>;
}

/** A host's view as `/vmlocks host` shows it: its instances worst first and the plan of one batch request. */
export interface HostView {
  summary: HostSummary;
  batch?: BatchPlan;
}

/** Posts the host watch's announcements: to the incident channel only. */
export interface HostAnnouncer {
  /** The announcement with the host's view (or why it could not be read). Throws when Slack refused the post. */
  announceHost(announcement: HostAnnouncement, view: Result<HostView, string>): Promise<void>;
}

/** Who may approve, checked at click time. */
export interface ApproverDirectory {
  isApprover(userId: string): Promise<boolean>;
}

/** Per-key (Slack user) command limit. Over the limit the caller is told when to retry; nothing is dropped silently. */
export interface CommandLimiter {
  take(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
}

/** Batch events: the Slack adapter renders them (one approval message updated in place, one summary). */
export interface BatchNotifier {
  /** Posts the batch approval message and, in its thread, every instance with its planned steps. */
  postBatchApprovalMessage(batch: HostBatch): Promise<SlackMessageRef>;
  /** Re-renders the approval message in place (progress: done / failed / skipped / remaining). */
  updateBatchMessage(batch: HostBatch): Promise<void>;
  /** One post to the incident channel: requested, decided, or the summary at the end. Never throws. */
  notifyBatch(event: { kind: 'requested' | 'denied' | 'expired' | 'summary' | 'refused'; batch: HostBatch; userId?: string; reason?: string }): Promise<void>;
}
