/**
 * A worker thread of contenders for the concurrency tests. For each race it opens one connection per task to the
 * shared file (as other processes or replicas would), says it is ready, blocks until the shared "go" flag is
 * raised, then makes each attempt on its own connection. Threads race each other for real.
 */
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { InstanceBusyError, openSqliteStore, type SqliteStore } from '../../../../src/adapters/store/index.js';
import { parseInstanceId } from '../../../../src/core/ids.js';
import { sampleRequest } from './sample-request.js';

export const ContenderTask = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approve'), requestId: z.string(), userId: z.string() }),
  z.object({ kind: z.literal('start_run'), requestId: z.string() }),
  z.object({ kind: z.literal('create'), instanceId: z.string(), userId: z.string() }),
]);
export type ContenderTask = z.infer<typeof ContenderTask>;

export const ArmMessage = z.object({
  type: z.literal('arm'),
  file: z.string(),
  go: z.instanceof(SharedArrayBuffer),
  tasks: z.array(ContenderTask),
});
export type ArmMessage = z.infer<typeof ArmMessage>;

export interface ContenderOutcome { won: boolean; busy: boolean }

export type WorkerMessage =
  | { type: 'loaded' }
  | { type: 'ready' }
  | { type: 'results'; outcomes: ContenderOutcome[] }
  | { type: 'error'; message: string };

function attempt(store: SqliteStore, task: ContenderTask): ContenderOutcome {
  if (task.kind === 'approve') return { won: store.transition(task.requestId, ['pending'], 'approved', { decidedBy: task.userId }), busy: false };
  if (task.kind === 'start_run') return { won: store.transition(task.requestId, ['approved'], 'running'), busy: false };
  const instanceId = parseInstanceId(task.instanceId);
  if (!instanceId.ok) throw new Error(instanceId.error);
  try {
    store.create(sampleRequest({ instanceId: instanceId.value, requestedBy: task.userId }));
    return { won: true, busy: false };
  } catch (e) {
    if (e instanceof InstanceBusyError) return { won: false, busy: true };
    throw e;
  }
}

function race(arm: ArmMessage, post: (m: WorkerMessage) => void): ContenderOutcome[] {
  const stores = arm.tasks.map(() => openSqliteStore({ path: arm.file }));
  try {
    post({ type: 'ready' });
    Atomics.wait(new Int32Array(arm.go), 0, 0);
    return arm.tasks.map((task, i) => {
      const store = stores[i];
      if (!store) throw new Error(`no connection for task ${i}`);
      return attempt(store, task);
    });
  } finally {
    for (const s of stores) s.close();
  }
}

const port = parentPort;
if (port) {
  const post = (m: WorkerMessage): void => port.postMessage(m);
  port.on('message', (message: unknown) => {
    try {
      post({ type: 'results', outcomes: race(ArmMessage.parse(message), post) });
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  });
  post({ type: 'loaded' });
}
