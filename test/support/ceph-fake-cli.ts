/**
 * The fake `rbd`/`ceph` of test/fixtures/ceph/bin on PATH: replays recorded outputs by rules, and logs every
 * invocation (one JSON argv per line) so that a test can tell whether, and how, a process was started.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CephCliOptions } from '../../src/adapters/ceph/index.js';

export const FAKE_BIN = fileURLToPath(new URL('../fixtures/ceph/bin', import.meta.url));

export interface FakeRule {
  program: 'rbd' | 'ceph';
  /** Words that must appear consecutively in the argv, e.g. ['osd', 'blocklist', 'ls']. */
  match: string[];
  /** File names under test/fixtures/ceph/. */
  stdout?: string;
  stderr?: string;
  exit?: number;
}

export interface FakeCli {
  options: CephCliOptions;
  /** Every invocation so far, program first. */
  invocations(): string[][];
}

/** Adapter options that run the fake CLIs (found on PATH) with these rules, as client.vmlocks. */
export function fakeCephCli(rules: FakeRule[], extra: Partial<CephCliOptions> = {}): FakeCli {
  const log = join(mkdtempSync(join(tmpdir(), 'vmlocks-fake-ceph-')), 'invocations.jsonl');
  return {
    options: {
      id: 'vmlocks', timeoutMs: 10_000, ...extra,
      env: { PATH: `${FAKE_BIN}:${process.env.PATH ?? ''}`, FAKE_CEPH_RULES: JSON.stringify(rules), FAKE_CEPH_LOG: log },
    },
    invocations: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map(parseArgv) : []),
  };
}

function parseArgv(line: string): string[] {
  const v: unknown = JSON.parse(line);
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) throw new Error(`bad log line ${line}`);
  return v;
}
