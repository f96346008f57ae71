/**
 * `vmlocks migrate`: creates or upgrades the schema of VMLOCKS_DB and exits. With PostgreSQL, run it as the owner
 * role and run the bot as a role that may not change the schema (docs/postgres.md).
 */
import { openStore } from '../adapters/store/index.js';
import type { BaseConfig } from '../config.js';
import type { CliIo } from './inspect-command.js';

export async function migrateCommand(cfg: BaseConfig, io: CliIo): Promise<number> {
  const store = await openStore(cfg.dbPath);
  try {
    io.out(`${store.location}: schema version ${store.schemaVersion}`);
    return 0;
  } finally {
    await store.close();
  }
}
