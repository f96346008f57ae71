/** Every migration, in order. Append new ones (002-..., 003-...); never edit or reorder released ones. */
import { initial } from './001-initial.js';
import { runHeartbeat } from './002-run-heartbeat.js';
import { hostBatches } from './003-host-batches.js';
import { runLease } from './004-run-lease.js';
import { hostWatch } from './005-host-watch.js';
import type { Migration } from './migration.js';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [initial, runHeartbeat, hostBatches, runLease, hostWatch];

/** The schema version this build of vmlocks writes: the last migration's. */
export const SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;
