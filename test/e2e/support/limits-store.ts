/**
 * The bot's SQLite file read beside it (WAL: a second connection reads while the bot writes), for the limits
 * tests: waiting for a fix request to reach a state, and counting runs as the fix brake does.
 */
import { openStore, type Store } from '../../../src/adapters/store/index.js';
import type { FixRequest, RequestState } from '../../../src/core/fix-request.js';

export function openBotStore(dbPath: string): Promise<Store> {
  return openStore(dbPath);
}

/** Polls until the request is in one of `states`; throws with its last state after timeoutMs. */
export async function waitForRequestState(
  store: Store, requestId: string, states: readonly RequestState[], timeoutMs = 120_000,
): Promise<FixRequest> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const request = await store.get(requestId);
    if (request !== null && states.includes(request.state)) return request;
    if (Date.now() > end) {
      throw new Error(`request ${requestId} is ${request?.state ?? 'missing'} after ${timeoutMs} ms, not ${states.join('/')}; ` +
        `last step ${request?.lastStep ?? 'none'}, outcome ${request?.outcome ?? 'none'}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs started in the last `windowMs`, counted the way the fix brake counts them. */
export function runsStartedWithin(store: Store, windowMs: number): Promise<number> {
  return store.countRunsStartedSince(new Date(Date.now() - windowMs).toISOString());
}
