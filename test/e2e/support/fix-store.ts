/**
 * The bot's database as the tests read it, beside the running bot (a SQLite file: WAL lets a reader in while the bot
 * writes; or a PostgreSQL URL):
 * requests, steps and the audit trail; polling until a request reaches a state; the step timings of a run.
 */
import { execa } from 'execa';
import { openStore as openAnyStore, type Store } from '../../../src/adapters/store/index.js';
import type { FixRequest, RequestState } from '../../../src/core/fix-request.js';
import type { AuditEntry, FixRunStep } from '../../../src/ports.js';
import { CLI, labEnv } from '../../support/bot-process.js';

export function openStore(dbPath: string): Promise<Store> {
  return openAnyStore(dbPath);
}

/** Polls the store until the request satisfies `match`; throws with its last state after timeoutMs. */
export async function waitForRequest(
  store: Store, requestId: string, match: (r: FixRequest) => boolean, what: string, timeoutMs = 120_000,
): Promise<FixRequest> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await store.get(requestId);
    if (r !== null && match(r)) return r;
    if (Date.now() > end) {
      throw new Error(`request ${requestId} not ${what} within ${timeoutMs} ms; it is ${r === null ? 'missing' : `${r.state} (step ${r.lastStep ?? 'none'}, outcome ${r.outcome ?? 'none'})`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function waitForState(store: Store, requestId: string, states: RequestState[], timeoutMs?: number): Promise<FixRequest> {
  return waitForRequest(store, requestId, (r) => states.includes(r.state), `in ${states.join(' or ')}`, timeoutMs);
}

export async function commandsOf(store: Store, requestId: string): Promise<AuditEntry[]> {
  return (await store.list({ requestId })).filter((e) => e.command !== undefined);
}

export async function httpOf(store: Store, requestId: string): Promise<AuditEntry[]> {
  return (await store.list({ requestId })).filter((e) => e.http !== undefined);
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
export async function stepTimings(store: Store, requestId: string): Promise<StepTiming[]> {
  return (await store.listSteps(requestId)).filter((s) => s.finishedAt !== null).map((s) => ({
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
