/**
 * The bot's SQLite file as the tests read it, beside the running bot (WAL lets a reader in while the bot writes):
 * requests, steps and the audit trail; polling until a request reaches a state; the step timings of a run.
 */
import { execa } from 'execa';
import { openSqliteStore, type SqliteStore } from '../../../src/adapters/store/index.js';
import type { FixRequest, RequestState } from '../../../src/core/fix-request.js';
import type { AuditEntry, FixRunStep } from '../../../src/ports.js';
import { CLI, labEnv } from '../../support/bot-process.js';

export function openStore(dbPath: string): SqliteStore {
  return openSqliteStore({ path: dbPath });
}

/** Polls the store until the request satisfies `match`; throws with its last state after timeoutMs. */
export async function waitForRequest(
  store: SqliteStore, requestId: string, match: (r: FixRequest) => boolean, what: string, timeoutMs = 120_000,
): Promise<FixRequest> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = store.get(requestId);
    if (r !== null && match(r)) return r;
    if (Date.now() > end) {
      throw new Error(`request ${requestId} not ${what} within ${timeoutMs} ms; it is ${r === null ? 'missing' : `${r.state} (step ${r.lastStep ?? 'none'}, outcome ${r.outcome ?? 'none'})`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function waitForState(store: SqliteStore, requestId: string, states: RequestState[], timeoutMs?: number): Promise<FixRequest> {
  return waitForRequest(store, requestId, (r) => states.includes(r.state), `in ${states.join(' or ')}`, timeoutMs);
}

export function commandsOf(store: SqliteStore, requestId: string): AuditEntry[] {
  return store.list({ requestId }).filter((e) => e.command !== undefined);
}

export function httpOf(store: SqliteStore, requestId: string): AuditEntry[] {
  return store.list({ requestId }).filter((e) => e.http !== undefined);
}

/** Whether an audited argv contains `words` in order, next to each other (e.g. ['osd', 'blocklist', 'add']). */
export function argvHas(argv: readonly string[], words: readonly string[]): boolean {
  return argv.some((_, i) => words.every((w, j) => argv[i + j] === w));
}

export interface StepTiming {
  step: string;
  status: FixRunStep['status'];
  ms: number;
}

/** How long each finished step of a run took, from the store's step rows (started → finished). */
export function stepTimings(store: SqliteStore, requestId: string): StepTiming[] {
  return store.listSteps(requestId).filter((s) => s.finishedAt !== null).map((s) => ({
    step: s.step, status: s.status, ms: Date.parse(s.finishedAt ?? s.startedAt) - Date.parse(s.startedAt),
  }));
}

/** `vmlocks audit --request <id>` (the built CLI) on the bot's database. */
export async function auditCli(dbPath: string, requestId: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa('node', [CLI, 'audit', '--request', requestId], {
    env: { ...labEnv(), VMLOCKS_DB: dbPath }, reject: false, timeout: 30_000, stdin: 'ignore',
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}
