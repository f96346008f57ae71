/**
 * The Ceph adapter's coded errors (bolt's errors.ts pattern): a base `CephError` carrying what ran and what it said,
 * and one subclass per way a call can fail. Each has a `userMessage` that says what happened and what to do.
 */

export type CephErrorCode =
  | 'invalid_input' // a pool, image, lock or address refused before any process started
  | 'command_failed' // the CLI ran and failed for another reason (or could not be started)
  | 'timeout' // no answer within the configured time (cluster unreachable, OSD down)
  | 'bad_output' // the CLI succeeded but printed what its schema does not allow
  | 'not_found' // the pool, image or lock does not exist
  | 'permission_denied'; // the CephX user lacks a capability

export interface CephErrorFields {
  /** Full argv as executed, program first; empty when nothing ran. */
  argv: string[];
  exitCode: number | null;
  /** The end of stderr (librbd log lines included), at most ~2000 characters. */
  stderr: string;
  userMessage: string;
  cause?: unknown;
}

export abstract class CephError extends Error {
  abstract readonly code: CephErrorCode;
  readonly argv: string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly userMessage: string;

  constructor(message: string, f: CephErrorFields) {
    super(message, { cause: f.cause });
    this.argv = f.argv;
    this.exitCode = f.exitCode;
    this.stderr = f.stderr;
    this.userMessage = f.userMessage;
  }
}

/** A name or address that must not reach an argv (shell metacharacters, `..`, leading `-`, empty, too long). */
export class CephInputError extends CephError {
  override readonly name = 'CephInputError';
  readonly code = 'invalid_input';
  /** Which parameter was refused: `pool`, `imageSpec`, `lockId`, `locker`, `address`, `id`. */
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`refused ${field}: ${reason}`, { argv: [], exitCode: null, stderr: '', userMessage: `Refused ${field}: ${reason}. Nothing was run.` });
    this.field = field;
  }
}

export class CephCommandError extends CephError {
  override readonly name = 'CephCommandError';
  readonly code = 'command_failed';
}

export class CephTimeoutError extends CephError {
  override readonly name = 'CephTimeoutError';
  readonly code = 'timeout';
  readonly timeoutMs: number;

  constructor(message: string, f: CephErrorFields & { timeoutMs: number }) {
    super(message, f);
    this.timeoutMs = f.timeoutMs;
  }
}

export class CephOutputError extends CephError {
  override readonly name = 'CephOutputError';
  readonly code = 'bad_output';
  /** The start of the output that could not be parsed. */
  readonly excerpt: string;

  constructor(message: string, f: CephErrorFields & { excerpt: string }) {
    super(message, f);
    this.excerpt = f.excerpt;
  }
}

export class CephNotFoundError extends CephError {
  override readonly name = 'CephNotFoundError';
  readonly code = 'not_found';
  readonly what: 'pool' | 'image' | 'lock';
  /** The pool, image spec or lock id that was not found. */
  readonly target: string;

  constructor(message: string, f: CephErrorFields & { what: 'pool' | 'image' | 'lock'; target: string }) {
    super(message, f);
    this.what = f.what;
    this.target = f.target;
  }
}

export class CephPermissionError extends CephError {
  override readonly name = 'CephPermissionError';
  readonly code = 'permission_denied';
  /** The capability to grant, e.g. `mon 'profile rbd'`. */
  readonly grant: string;

  constructor(message: string, f: CephErrorFields & { grant: string }) {
    super(message, f);
    this.grant = f.grant;
  }
}

/** The last `max` characters of a CLI's output, for errors and audit records. */
export function excerpt(text: string, max = 2000): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(t.length - max)}` : t;
}

/** The first `max` characters, for output that could not be parsed. */
export function headExcerpt(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
