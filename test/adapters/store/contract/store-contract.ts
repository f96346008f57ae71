/** The one contract both stores pass (SQLite and PostgreSQL): see requests-contract.ts, runs-contract.ts and
 * host-watch-contract.ts. */
import { describe } from 'vitest';
import type { StoreHarness } from './harness.js';
import { requestsContract } from './requests-contract.js';
import { runsContract } from './runs-contract.js';
import { hostWatchContract } from './host-watch-contract.js';

export function describeStoreContract(name: string, harness: () => Promise<StoreHarness>): void {
  describe(`${name} store contract`, () => {
    describe('requests, decisions, steps and audit', () => requestsContract(harness));
    describe('runs: atomic starts, the brake, leases, the interrupted guard, migrations', () => runsContract(harness));
    describe('the host watch records: compare-and-set across replicas', () => hostWatchContract(harness));
  });
}
