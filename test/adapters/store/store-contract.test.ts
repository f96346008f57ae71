// The store contract on SQLite (no server needed); store-contract.lab.test.ts runs it on SQLite and PostgreSQL.
import { describeStoreContract } from './contract/store-contract.js';
import { sqliteHarness } from './contract/harness.js';

describeStoreContract('SQLite', async () => sqliteHarness());
