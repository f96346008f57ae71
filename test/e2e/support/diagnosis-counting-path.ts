/**
 * Counting wrappers for `rbd` and `ceph`, to put first on a process's PATH: each records its argv, then execs the
 * real CLI. The proof that a request made no Ceph call is then the process boundary itself (HELPERS.md: fakes only at
 * process/network boundaries), not the bot's own metrics.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CountingPath {
  /** The PATH to give the process: the wrappers' directory, then the usual PATH. */
  PATH: string;
  /** Every call so far: program name, then its arguments. */
  calls(): string[][];
  remove(): void;
}

/** The real program on the current PATH (the wrappers exec it by absolute path, never themselves). */
function which(program: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, program);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error(`${program} is not on PATH: install ceph-common`);
}

const SEP = '\u001f';

export function createCountingPath(programs: readonly string[] = ['rbd', 'ceph']): CountingPath {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmlocks-e2e-counting-'));
  const log = path.join(dir, 'calls.log');
  for (const program of programs) {
    const real = which(program);
    const file = path.join(dir, program);
    // printf with a unit separator between words: arguments may hold spaces ("auto 1234")
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\037' '${program}' "$@" >> '${log}'\nprintf '\\n' >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(file, 0o755);
  }
  return {
    PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(SEP).slice(0, -1)) : []),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
