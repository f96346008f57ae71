/**
 * Turns a failed rbd/ceph run into one coded error. rbd exits with the errno (2 ENOENT, 13 EACCES, 1 EPERM, 30 EROFS,
 * 110 ETIMEDOUT, 108 ESHUTDOWN); ceph prints `Error EACCES: access denied` and exits 13. The patterns below are the
 * messages recorded on 16.2.15 (test/fixtures/ceph/). Order matters: "couldn't connect to the cluster" with exit 2
 * is a missing keyring, never a missing image (a lock "not found" would be taken for "already removed").
 */
import {
  CephCommandError, CephNotFoundError, CephPermissionError, CephTimeoutError, excerpt, type CephError,
} from './errors.js';
import { cliTimeoutSeconds, entityOf, type CliOutput, type CliSettings } from './run-cli.js';

/** What the call was about, for the messages. */
export interface CallContext {
  /** e.g. `rbd lock ls`, `ceph osd blocklist add`. */
  action: string;
  /** The pool, image spec or address the call was about. */
  target: string;
  /** The pool whose osd caps the call needs, when it is a pool call. */
  pool?: string;
  /** The call needs the mon `osd blocklist` capability (blocklist add, lock rm, lock takeover). */
  needsBlocklist?: boolean;
}

const TIMED_OUT = /^timed out$|authenticate timed out|\(110\) Connection timed out/m;
const NO_CONNECTION = /couldn't connect to the cluster|error connecting to the cluster/;
const DENIED = /\((?:13|1)\) (?:Permission denied|Operation not permitted)|Error (?:EACCES|EPERM)|permission denied/i;
const BLOCKLIST_DENIED = /(?:unable to blocklist|failed to blocklist)[^\n]*\(13\)/;

function lastLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.at(-1) ?? '(no message)';
}

export function classifyFailure(s: CliSettings, out: CliOutput, ctx: CallContext): CephError {
  const who = entityOf(s);
  const base = { argv: out.argv, exitCode: out.exitCode, stderr: excerpt(out.stderr) };
  const said = lastLine(out.stderr);
  const message = `${ctx.action} ${ctx.target} failed (exit ${out.exitCode}): ${said}`;

  if (out.exitCode === 110 || TIMED_OUT.test(out.stderr)) return timeoutError(s, base, ctx, said, message);
  if (NO_CONNECTION.test(out.stderr)) return connectRefused(who, base, /unable to find a keyring/.test(out.stderr), message);
  if (out.exitCode === 13 || DENIED.test(out.stderr)) return permissionError(who, out, ctx, message);
  const notFound = notFoundOf(out.stderr, ctx);
  if (notFound !== null) return notFoundError(base, notFound.what, notFound.target, said, message);
  return new CephCommandError(message, { ...base, userMessage: commandFailedAdvice(out, ctx, said) });
}

type ErrorBase = { argv: string[]; exitCode: number | null; stderr: string };

/** No answer within the connection's own timeouts (client_mount_timeout, rados_*_op_timeout). */
export function timeoutError(s: CliSettings, base: ErrorBase, ctx: CallContext, said: string, message: string): CephTimeoutError {
  const seconds = cliTimeoutSeconds(s.timeoutMs);
  return new CephTimeoutError(message, {
    ...base, timeoutMs: s.timeoutMs,
    userMessage: `Ceph did not answer \`${ctx.action}\` within ${seconds} s (${said}). Check that the monitors in CEPH_CONF are reachable ` +
      'from this host and the OSDs are up (VMLOCKS_CEPH_TIMEOUT sets the limit).',
  });
}

/** The monitors refused the user: no keyring at all, or a key they do not accept. */
export function connectRefused(who: string, base: ErrorBase, noKeyring: boolean, message: string): CephPermissionError {
  return new CephPermissionError(message, {
    ...base, grant: `a keyring holding ${who}'s key`,
    userMessage: noKeyring
      ? `No keyring for ${who} was found: set CEPH_KEYRING (or the conf's keyring) to a file holding its key.`
      : `Ceph refused to authenticate ${who}: check that the user exists (\`ceph auth get ${who}\`) and that CEPH_KEYRING holds its current key.`,
  });
}

export function permissionError(who: string, out: CliOutput, ctx: CallContext, message: string): CephPermissionError {
  const base = { argv: out.argv, exitCode: out.exitCode, stderr: excerpt(out.stderr) };
  // EPERM (exit 1, "Operation not permitted") is what librbd gets from an OSD for a pool without caps
  const poolDenied = ctx.pool !== undefined && (out.exitCode === 1 || /Operation not permitted/.test(out.stderr));
  if (BLOCKLIST_DENIED.test(out.stderr) || (ctx.needsBlocklist === true && !poolDenied)) {
    return new CephPermissionError(message, {
      ...base, grant: "mon 'profile rbd'",
      userMessage: `${who} lacks \`osd blocklist\` caps; grant mon 'profile rbd' (\`ceph auth caps ${who} mon 'profile rbd' osd '...'\`).`,
    });
  }
  if (ctx.pool !== undefined) {
    return new CephPermissionError(message, {
      ...base, grant: `osd 'profile rbd pool=${ctx.pool}'`,
      userMessage: `${who} has no access to pool ${ctx.pool}; grant osd 'profile rbd pool=${ctx.pool}' (with its other pools) with \`ceph auth caps\`.`,
    });
  }
  return new CephPermissionError(message, {
    ...base, grant: "mon 'profile rbd'",
    userMessage: `${who} may not run \`${ctx.action}\`; grant mon 'profile rbd' with \`ceph auth caps ${who}\`.`,
  });
}

const NOUN = { pool: 'Pool', image: 'Image', lock: 'The lock on image' } as const;

export function notFoundError(base: ErrorBase, what: 'pool' | 'image' | 'lock', target: string, said: string, message: string): CephNotFoundError {
  return new CephNotFoundError(message, { ...base, what, target, userMessage: `${NOUN[what]} ${target} does not exist (${said}).` });
}

function notFoundOf(stderr: string, ctx: CallContext): { what: 'pool' | 'image' | 'lock'; target: string } | null {
  const pool = /error opening pool '([^']*)': \(2\)|listing images failed: \(2\)/.exec(stderr);
  if (pool !== null) return { what: 'pool', target: pool[1] ?? ctx.pool ?? ctx.target };
  if (/error opening image [^\n]*: \(2\)/.test(stderr)) return { what: 'image', target: ctx.target };
  if (/releasing lock failed: \(2\)/.test(stderr)) return { what: 'lock', target: ctx.target };
  return null;
}

export function commandFailedAdvice(out: CliOutput, ctx: CallContext, said: string): string {
  if (out.exitCode === 30) {
    return `\`${ctx.action}\` on ${ctx.target} could not take the image's exclusive lock (${said}): its owner is alive, ` +
      'or a dead owner could not be blocklisted. Check the image\'s watchers and locks before retrying.';
  }
  if (out.exitCode === 108) {
    return `This vmlocks client was blocklisted by the cluster while running \`${ctx.action}\` (${said}); retry.`;
  }
  return `\`${ctx.action}\` on ${ctx.target} failed with exit ${out.exitCode}: ${said}.`;
}
