/**
 * Counting wrappers for `rbd` and `ceph`, put first on the bot's PATH in front of the real CLIs: each call appends
 * a `start` line before it runs the real program and an `end` line after it exits, so a test can compute how many
 * Ceph processes ran at once (the Ceph limiter's bound). Lines are appended with O_APPEND and are far shorter than
 * PIPE_BUF, so concurrent wrappers never interleave within a line (POSIX write(2) on pipes/regular files appended
 * by one write). Times come from bash's $EPOCHREALTIME (bash 5; no fork per timestamp).
 *
 * The wrapper's interval lies inside the bot's limiter slot (the slot is taken before the spawn and freed after
 * the exit), so the measured peak can only be lower than or equal to the number of slots in use.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type CephProgram = 'rbd' | 'ceph';

export interface CliCall {
  program: CephProgram;
  pid: number;
  startMs: number;
  endMs: number;
}

export interface CountingCli {
  /** Put this first on the bot's PATH. */
  binDir: string;
  /** `PATH` for the bot: binDir, then the test runner's PATH. */
  pathEnv: string;
  /** Every call seen so far; throws when a call started but never ended (a wrapper killed mid-way). */
  calls(): CliCall[];
  /** The most calls running at the same instant. */
  peak(): number;
  remove(): void;
}

/** The real program: the first one on PATH that is not in `skipDir`. */
function findReal(program: CephProgram, skipDir: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '' || path.resolve(dir) === skipDir) continue;
    const candidate = path.join(dir, program);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${program} is not on PATH: install ceph-common`);
}

function quote(text: string): string {
  if (text.includes("'")) throw new Error(`unexpected quote in ${text}`);
  return `'${text}'`;
}

function wrapperScript(program: CephProgram, real: string, log: string): string {
  // The real CLI runs in the background so that a SIGTERM from the bot's timeout is passed on and the end is
  // still written; otherwise a killed wrapper would leave a call that never ends.
  return `#!/bin/bash
log=${quote(log)}
printf 'start %s %s ${program}\\n' "$EPOCHREALTIME" "$$" >>"$log"
${quote(real)} "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
wait "$child"
rc=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
printf 'end %s %s ${program}\\n' "$EPOCHREALTIME" "$$" >>"$log"
exit "$rc"
`;
}

/** Parses the log into calls (start and end paired by pid, in order). */
export function parseCallLog(text: string): CliCall[] {
  const open = new Map<number, { program: CephProgram; startMs: number }>();
  const calls: CliCall[] = [];
  for (const line of text.split('\n')) {
    const m = /^(start|end) (\d+)[.,](\d+) (\d+) (rbd|ceph)$/.exec(line.trim());
    if (m === null) continue;
    const [, kind, sec, frac, pidText, program] = m;
    const atMs = Number(sec) * 1000 + Number(`0.${frac}`) * 1000;
    const pid = Number(pidText);
    if (kind === 'start') {
      open.set(pid, { program: program === 'rbd' ? 'rbd' : 'ceph', startMs: atMs });
      continue;
    }
    const started = open.get(pid);
    if (started === undefined) throw new Error(`call log: end of pid ${pid} without a start`);
    open.delete(pid);
    calls.push({ ...started, pid, endMs: atMs });
  }
  if (open.size > 0) throw new Error(`call log: ${open.size} call(s) never ended (pids ${[...open.keys()].join(', ')})`);
  return calls;
}

/** The most intervals open at one instant; an end at the same instant as a start counts first. */
export function peakConcurrency(calls: readonly CliCall[]): number {
  const events = calls.flatMap((c) => [{ at: c.startMs, delta: 1 }, { at: c.endMs, delta: -1 }]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let peak = 0;
  for (const e of events) {
    running += e.delta;
    peak = Math.max(peak, running);
  }
  return peak;
}

export function createCountingCli(): CountingCli {
  const binDir = path.resolve(mkdtempSync(path.join(tmpdir(), 'vmlocks-limits-bin-')));
  const log = path.join(binDir, 'calls.log');
  writeFileSync(log, '');
  for (const program of ['rbd', 'ceph'] as const) {
    const file = path.join(binDir, program);
    writeFileSync(file, wrapperScript(program, findReal(program, binDir), log));
    chmodSync(file, 0o755);
  }
  const calls = (): CliCall[] => parseCallLog(readFileSync(log, 'utf8'));
  return {
    binDir,
    pathEnv: [binDir, process.env.PATH ?? ''].join(path.delimiter),
    calls,
    peak: () => peakConcurrency(calls()),
    remove: () => rmSync(binDir, { recursive: true, force: true }),
  };
}
