/**
 * Runs one `rbd` or `ceph` command (execa, argv array, never a shell) with a bounded time. The CLI gets its own
 * timeouts, a little shorter than execa's, so that a dead cluster ends in a clean error: without them an rbd call
 * waits 300 s for the monitors (client_mount_timeout) and forever for a down OSD (reference/ceph/README.md,
 * `cluster-down-*`, `osd-down-*`). execa's `timeout` is the backstop: it kills (SIGTERM, then SIGKILL).
 */
import { execa } from 'execa';
import type { CommandRecord } from '../../ports.js';
import { CephCommandError, CephTimeoutError, excerpt } from './errors.js';

export interface CephCliOptions {
  /** CephX user without `client.` (the CLIs read CEPH_CONF and CEPH_KEYRING from the environment, not CEPH_ID). */
  id?: string;
  /** ceph.conf path (`-c`); default: CEPH_CONF or /etc/ceph/ceph.conf. */
  conf?: string;
  /** Keyring path (`--keyring`); default: CEPH_KEYRING or the conf's `keyring`. */
  keyring?: string;
  /** Time allowed to each call, in ms (default 10000). */
  timeoutMs?: number;
  /** Time allowed to `rbd object-map rebuild`, which reads every object of the image (default 300000). */
  rebuildTimeoutMs?: number;
  /** Extra environment for the CLIs and the read helper (added as given to the filtered base environment). */
  env?: Record<string, string | undefined>;
  /** The environment the Ceph processes' is taken from: only CEPH_*, PATH and locale (ceph-env.ts); default process.env. */
  baseEnv?: NodeJS.ProcessEnv;
  rbdCommand?: string;
  cephCommand?: string;
}

export interface CliSettings {
  id: string | undefined;
  conf: string | undefined;
  keyring: string | undefined;
  timeoutMs: number;
  rebuildTimeoutMs: number;
  /** The processes' whole environment (cephProcessEnv): never the bot's secrets. */
  env: Record<string, string>;
  rbdCommand: string;
  cephCommand: string;
}

export interface CliOutput extends CommandRecord {
  stdout: string;
  stderr: string;
}

/** `client.<id>` for messages: the CLIs default to client.admin when no id is given. */
export function entityOf(s: CliSettings): string {
  return `client.${s.id ?? 'admin'}`;
}

/** Whole seconds for the CLI's own timeouts: at least 1 s, and about 20 % (at least 1 s) under execa's timeout. */
export function cliTimeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.floor((timeoutMs - Math.max(1000, timeoutMs * 0.2)) / 1000));
}

function identityArgs(s: CliSettings): string[] {
  return [
    ...(s.conf === undefined ? [] : ['-c', s.conf]),
    ...(s.id === undefined ? [] : ['--id', s.id]),
    ...(s.keyring === undefined ? [] : ['--keyring', s.keyring]),
  ];
}

// Both CLIs parse Ceph options from argv (ceph: rados.conf_parse_argv); checked on 16.2.15 against a closed port:
// rbd exits 110 after client_mount_timeout, ceph exits 1 ("timed out") after --connect-timeout.
function timeoutArgs(program: 'rbd' | 'ceph', seconds: number): string[] {
  const sec = String(seconds);
  const common = ['--client_mount_timeout', sec, '--rados_mon_op_timeout', sec, '--rados_osd_op_timeout', sec];
  return program === 'ceph' ? ['--connect-timeout', sec, ...common] : common;
}

/** `rbd|ceph <identity> <timeouts> <args>`: what runCli runs, and what an operator can run to repeat a helper read. */
export function cliArgv(s: CliSettings, program: 'rbd' | 'ceph', args: string[]): string[] {
  const command = program === 'rbd' ? s.rbdCommand : s.cephCommand;
  return [command, ...identityArgs(s), ...timeoutArgs(program, cliTimeoutSeconds(s.timeoutMs)), ...args];
}

/** Runs `rbd|ceph <identity> <timeouts> <args>`; resolves with the output whatever the exit code, throws on timeout. */
export async function runCli(s: CliSettings, program: 'rbd' | 'ceph', args: string[], timeoutMs = s.timeoutMs): Promise<CliOutput> {
  const argv = cliArgv(s, program, args);
  const [command = program, ...fullArgs] = argv;
  const started = performance.now();
  const r = await execa(command, fullArgs, {
    reject: false, timeout: timeoutMs, forceKillAfterDelay: 1000, env: s.env, extendEnv: false, stdin: 'ignore', stripFinalNewline: false,
  });
  const durationMs = Math.round(performance.now() - started);
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  if (r.timedOut) {
    throw new CephTimeoutError(`${program} ${args.join(' ')} timed out after ${timeoutMs} ms (killed)`, {
      argv, exitCode: null, stderr: excerpt(stderr), timeoutMs, cause: r,
      userMessage: `Ceph did not answer \`${program} ${args.slice(0, 3).join(' ')}\` within ${timeoutMs} ms. Nothing is known about its effect. ` +
        'Check that the monitors in CEPH_CONF are reachable from this host and the OSDs are up (VMLOCKS_CEPH_TIMEOUT sets the limit).',
    });
  }
  if (r.exitCode === undefined) {
    throw new CephCommandError(`could not run ${command}: ${r.shortMessage ?? r.message}`, {
      argv, exitCode: null, stderr: excerpt(stderr), cause: r,
      userMessage: `Could not run \`${command}\` (${r.code ?? 'spawn failed'}). Install ceph-common (it provides rbd and ceph) on the vmlocks host.`,
    });
  }
  return {
    argv, exitCode: r.exitCode, durationMs, stdout, stderr,
    stdoutExcerpt: excerpt(stdout, 1000), stderrExcerpt: excerpt(stderr, 1000),
  };
}

/** The CommandRecord part of an output (no full stdout/stderr), for the audit log. */
export function toRecord(o: CliOutput): CommandRecord {
  return { argv: o.argv, exitCode: o.exitCode, durationMs: o.durationMs, stdoutExcerpt: o.stdoutExcerpt, stderrExcerpt: o.stderrExcerpt };
}
