/**
 * Turns a failed read of the Ceph read helper into the same coded errors, with the same messages, as the CLI path
 * (classify-failure.ts). The helper reports librados' errno and the stage that failed (connect, pool, image, call),
 * so the mapping needs no message patterns: ENOENT at the pool stage is a missing pool, at the image stage a missing
 * image; EPERM (1) is what an OSD answers for a pool without caps; at connect, ENOENT is a missing keyring and
 * EACCES/EPERM a key the monitors refuse (recorded on 16.2.15 against the lab).
 */
import {
  commandFailedAdvice, connectRefused, notFoundError, permissionError, timeoutError, type CallContext,
} from './classify-failure.js';
import { CephCommandError, CephTimeoutError, excerpt, type CephError } from './errors.js';
import type { HelperFailureReply, HelperUnavailable } from './rados-helper-process.js';
import { entityOf, type CliOutput, type CliSettings } from './run-cli.js';

const ETIMEDOUT = 110;

/** `argv` is the equivalent CLI command (what an operator can run to see the same), `durationMs` the call's time. */
export function classifyHelperFailure(s: CliSettings, f: HelperFailureReply, ctx: CallContext, argv: string[], durationMs: number): CephError {
  const who = entityOf(s);
  const said = f.error.trim() === '' ? `errno ${f.errno}` : f.error.trim();
  const base = { argv, exitCode: f.errno, stderr: excerpt(said) };
  const message = `${ctx.action} ${ctx.target} failed (librados, ${f.stage}, errno ${f.errno}): ${said}`;
  // the CLI exits with the errno: the same numbers drive the same advice
  const out: CliOutput = { argv, exitCode: f.errno, durationMs, stdout: '', stderr: said, stdoutExcerpt: '', stderrExcerpt: excerpt(said, 1000) };

  if (f.errno === ETIMEDOUT) return timeoutError(s, base, ctx, said, message);
  if (f.stage === 'connect' && [1, 2, 13].includes(f.errno)) return connectRefused(who, base, f.errno === 2, message);
  if (f.errno === 1 || f.errno === 13) return permissionError(who, out, ctx, message);
  if (f.errno === 2 && f.stage === 'pool') return notFoundError(base, 'pool', ctx.pool ?? ctx.target, said, message);
  if (f.errno === 2 && f.stage === 'image') return notFoundError(base, 'image', ctx.target, said, message);
  return new CephCommandError(message, { ...base, userMessage: commandFailedAdvice(out, ctx, said) });
}

/** The helper gave no answer: it hung past the deadline, or its process died or could not start. */
export function helperUnavailableError(s: CliSettings, e: HelperUnavailable, ctx: CallContext, argv: string[]): CephError {
  const base = { argv, exitCode: null, stderr: excerpt(e.stderr), cause: e };
  if (e.reason === 'timeout') {
    return new CephTimeoutError(`${ctx.action} ${ctx.target}: ${e.message}`, {
      ...base, timeoutMs: s.timeoutMs,
      userMessage: `Ceph did not answer \`${ctx.action}\` within ${s.timeoutMs} ms; the connection was replaced. Check that the monitors in ` +
        'CEPH_CONF are reachable from this host and the OSDs are up (VMLOCKS_CEPH_TIMEOUT sets the limit).',
    });
  }
  const lastLine = e.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1);
  const noModule = /No module named '(rados|rbd)'/.exec(e.stderr);
  return new CephCommandError(`${ctx.action} ${ctx.target}: ${e.message}`, {
    ...base,
    userMessage: noModule !== null
      ? `The Ceph read helper cannot import ${noModule[1] ?? 'rados'}: install python3-rados and python3-rbd (Debian), or set VMLOCKS_CEPH_READS=cli.`
      : `The Ceph read helper stopped during \`${ctx.action}\` (${e.message}${lastLine === undefined ? '' : `: ${lastLine}`}); the next call starts a new one. ` +
        'If this repeats, check `/usr/bin/python3 -c "import rados, rbd"`, or set VMLOCKS_CEPH_READS=cli.',
  });
}
