/**
 * The store's ports: fix requests and their runs, the audit log, host batches and the host watch's records.
 * SQLite (adapters/store) and PostgreSQL (adapters/store/postgres) implement them and pass one contract suite
 * (test/adapters/store/contract). Re-exported by ports.ts, so services import every port from one place.
 */
import type { InstanceId } from './core/ids.js';
import type { FixRequest, RequestState } from './core/fix-request.js';
import type { StepName } from './core/fix-plan-types.js';
import type { BatchItem, BatchState, HostBatch } from './core/host-batch.js';
import type { HostRecord } from './core/host-watch.js';
import type { CommandRecord, HttpRecord } from './ports.js';

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
