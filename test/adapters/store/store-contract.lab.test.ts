// The same store contract, in one run, on SQLite and on the PostgreSQL lab (scripts/pg-lab.sh).
import { describeStoreContract } from './contract/store-contract.js';
import { postgresHarness, sqliteHarness } from './contract/harness.js';

describeStoreContract('SQLite', async () => sqliteHarness());
describeStoreContract('PostgreSQL', postgresHarness);
