/**
 * The ports: what the services need from the outside world. Adapters (adapters/*) implement them;
 * services (services/*) and the composition root (main.ts) are the only users.
 */
import type { EntityAddr, ImageName, ImageSpec, InstanceId, InstanceRef, LockId, Locker, PoolName } from './core/ids.js';
import type {
  BlocklistEntry, ComputeServiceView, HypervisorView, NovaInstanceView, RbdImageInfo, RbdLock, RbdWatcher,
} from './core/snapshot.js';
import type { FixRequest, RequestState, SlackMessageRef } from './core/fix-request.js';
import type { StepName } from './core/fix-plan-types.js';
import type { Sentence } from './core/sentence.js';
import type { BatchItem, BatchPlan, BatchState, HostBatch } from './core/host-batch.js';
import type { HostAnnouncement, HostRecord } from './core/host-watch.js';
import type { HostSummary } from './core/host-summary.js';
import type { Result } from './core/result.js';

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

/** A run's lease, held in the database and judged by the database's clock (docs/postgres.md, README "Replicas"). */
export interface RunLease {
  /** This process's random runner id (never host/pid: containers share hostnames and pid numbers). */
  runnerId: string;
  /** How long the lease lasts from the database's now() at each start or renewal. */
  leaseMs: number;
}

/** The fix brake's window, counted inside the decision's transaction. */
export interface BrakeWindow {
  /** Runs started in the last `windowMs` by the database's clock count. */
  windowMs: number;
  /** The decision is refused when this many runs (or more) started since `since`. */
  limit: number;
}

/** What an atomic decision did: won the compare-and-set, lost it to someone else, or was stopped by the brake. */
export type DecideOutcome = { kind: 'won' } | { kind: 'lost' } | { kind: 'brake'; count: number };

/**
 * Fix requests, decided with compare-and-set so that one decision (and one run) wins, across processes and
 * replicas sharing the database. Every method is asynchronous: the PostgreSQL store talks to a server.
 */
export interface FixRequestStore {
  /** With `lease`, a request created `running` (a host batch's item) is leased to `lease.runnerId` at once. */
  create(request: FixRequest, lease?: RunLease): Promise<void>;
  get(id: string): Promise<FixRequest | null>;
  /**
   * The request that guards an instance, if any: pending, approved or running, or interrupted and not yet cleared
   * by an operator (its runner may still act: see clearInterrupted).
   */
  findOpen(instanceId: InstanceId): Promise<FixRequest | null>;
  /**
   * Atomically moves a request from one of `from` to `to` and applies `patch`; false when the request was not in
   * one of `from` (someone else decided first).
   */
  transition(id: string, from: RequestState[], to: RequestState, patch?: Partial<FixRequest>): Promise<boolean>;
  update(id: string, patch: Partial<FixRequest>): Promise<void>;
  listByState(states: RequestState[]): Promise<FixRequest[]>;
  /** Runs started (state left `approved` for `running`) at or after `since` (ISO): the fix brake's count. */
  countRunsStartedSince(since: string): Promise<number>;
  recordStep(step: FixRunStep): Promise<void>;
  listSteps(requestId: string): Promise<FixRunStep[]>;
  /**
   * One decision as one transaction: when `brake` is given, counts the runs in its window and refuses at the limit;
   * then moves the request from `from` to `to` with `patch` (compare-and-set); when `start` is given, moves it on
   * to `running` under a new lease of `start.runnerId`. No other connection (another replica) can start a run in
   * between, so two approvals cannot both take the brake's last place.
   */
  decide(input: {
    id: string; from: RequestState[]; to: RequestState; patch: Partial<FixRequest>; brake?: BrakeWindow; start?: RunLease;
  }): Promise<DecideOutcome>;
  /**
   * Extends the run's lease by `lease.leaseMs` from the database's now, if `lease.runnerId` still holds it and it
   * has not lapsed. False means the lease is lost: the runner must not change anything any more.
   */
  renewLease(id: string, lease: RunLease): Promise<boolean>;
  /** Runs (approved or running) whose lease lapsed by the database's clock, or that never had one. */
  listLapsedRuns(): Promise<FixRequest[]>;
  /** Compare-and-set: marks a run interrupted only if it is still approved/running and its lease is still lapsed. */
  interruptLapsed(id: string, patch: { finishedAt: string; outcome: string }): Promise<boolean>;
  /**
   * An operator's word that an interrupted run's runner is gone: the instance is no longer guarded by it. Only an
   * `interrupted` request not yet cleared; false otherwise.
   */
  clearInterrupted(id: string, clearance: { by: string; reason: string; at: string }): Promise<boolean>;
}

export interface FixRunStep {
  requestId: string;
  seq: number;
  step: StepName;
  status: 'started' | 'ok' | 'failed' | 'skipped';
  startedAt: string;
  finishedAt: string | null;
  detail: string;
}

export interface AuditEntry {
  at: string;
  /** Slack user id, or `system`, or `cli:<user>`. */
  actor: string;
  /** Stable verb: `inspect`, `request`, `approve`, `deny`, `refuse`, `expire`, `step`, `command`, `http`, ... */
  action: string;
  instanceId: string | null;
  requestId: string | null;
  detail: string;
  command?: CommandRecord;
  http?: HttpRecord;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  list(filter: { instanceId?: string; requestId?: string; limit?: number }): Promise<AuditEntry[]>;
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

/** A host's watch record as stored, with the version its compare-and-set checks. */
export type StoredHostRecord = HostRecord & { version: number };

/** The host watch's records (core/host-watch.ts), shared by every replica on one database. */
export interface HostWatchStore {
  listHostRecords(): Promise<StoredHostRecord[]>;
  /**
   * Writes a host's record if its stored version is still `expectedVersion` (0: no record yet), as version
   * `expectedVersion + 1`; false when another replica wrote it first (nothing is written).
   */
  saveHostRecord(record: HostRecord, expectedVersion: number): Promise<boolean>;
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

/**
 * Host batches (core/host-batch.ts): one open batch per host, decided with compare-and-set like fix requests. A
 * running batch is held with a lease by its runner, like a fix run (README "Replicas").
 */
export interface BatchStore {
  /** Throws a StoreError `host_busy` carrying `existing` when the host already has an open batch. */
  createBatch(batch: HostBatch): Promise<void>;
  getBatch(id: string): Promise<HostBatch | null>;
  findOpenBatch(host: string): Promise<HostBatch | null>;
  /**
   * Atomically moves a batch from one of `from` to `to` and applies `patch`; false when someone else moved it. With
   * `lease`, the batch is leased to `lease.runnerId` from the database's now (a batch that starts running).
   */
  transitionBatch(id: string, from: BatchState[], to: BatchState, patch?: Partial<HostBatch>, lease?: RunLease): Promise<boolean>;
  updateBatch(id: string, patch: Partial<Pick<HostBatch, 'approvalMessage' | 'heartbeatAt' | 'outcome'>>): Promise<void>;
  updateBatchItem(batchId: string, instanceId: InstanceId, patch: Partial<Pick<BatchItem, 'status' | 'reason' | 'requestId'>>): Promise<void>;
  listBatchesByState(states: BatchState[]): Promise<HostBatch[]>;
  /** Like renewLease for a batch: false when the lease lapsed or is not this runner's. */
  renewBatchLease(id: string, lease: RunLease): Promise<boolean>;
  /** Running batches whose lease lapsed by the database's clock (or that never had one). */
  listLapsedBatches(): Promise<HostBatch[]>;
  /** Compare-and-set: marks a batch interrupted only if it is still running and its lease is still lapsed. */
  interruptLapsedBatch(id: string, patch: { finishedAt: string; outcome: string }): Promise<boolean>;
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
