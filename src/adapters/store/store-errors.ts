/** The store's coded errors (bolt's errors.ts pattern): one class per kind, fields tell the cases apart. */
import type { FixRequest } from '../../core/fix-request.js';
import type { HostBatch } from '../../core/host-batch.js';

export type StoreErrorCode =
  | 'schema_too_new' // the file was written by a newer vmlocks
  | 'migration_failed'
  | 'corrupt_row' // a row read back does not match its schema
  | 'not_found'
  | 'invalid_patch' // a patch tries to change what it must not (id, or state outside transition)
  | 'duplicate_id'
  | 'network_filesystem' // a SQLite file on NFS/SMB/CephFS...: its locks do not hold there
  | 'unavailable'; // the database server cannot be reached

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  /** A sentence for the operator, saying what to do; absent when only the log should see the error. */
  readonly userMessage: string | undefined;

  constructor(code: StoreErrorCode, message: string, opts: { cause?: unknown; userMessage?: string } = {}) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.userMessage = opts.userMessage;
  }
}

/**
 * An instance already has an open (pending, approved or running) fix request. The store's unique index is the
 * mutex: this holds across processes and replicas that share the database file.
 */
export class InstanceBusyError extends Error {
  override readonly name = 'InstanceBusyError';
  readonly code = 'instance_busy';
  readonly existing: FixRequest;
  readonly userMessage: string;

  constructor(existing: FixRequest, opts: { cause?: unknown } = {}) {
    super(`instance ${existing.instanceId} already has open fix request ${existing.id} (${existing.state})`, { cause: opts.cause });
    this.existing = existing;
    this.userMessage =
      `${existing.instanceName} (${existing.instanceId}) already has an open fix request ${existing.id} ` +
      `(${existing.state}, asked by ${existing.requestedBy} at ${existing.requestedAt}). ` +
      'Decide or wait for that one before asking again.';
  }
}

/** A compute host already has an open (pending or running) batch: the unique index of migration 003 is the mutex. */
export class HostBusyError extends Error {
  override readonly name = 'HostBusyError';
  readonly code = 'host_busy';
  readonly existing: HostBatch;
  readonly userMessage: string;

  constructor(existing: HostBatch, opts: { cause?: unknown } = {}) {
    super(`host ${existing.host} already has open batch ${existing.id} (${existing.state})`, { cause: opts.cause });
    this.existing = existing;
    this.userMessage = `${existing.host} already has an open batch ${existing.id} (${existing.state}, asked by ${existing.requestedBy}). Follow that one.`;
  }
}
