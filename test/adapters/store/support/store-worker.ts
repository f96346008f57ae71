/**
 * A worker thread of contenders for the concurrency tests. For each race it opens one connection per task to the
 * shared file (as other processes or replicas would), says it is ready, blocks until the shared "go" flag is
 * raised, then makes each attempt on its own connection. Threads race each other for real.
 */
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { InstanceBusyError, openSqliteStore, type SqliteStore } from '../../../../src/adapters/store/index.js';
import { createFixBrake } from '../../../../src/adapters/limits/index.js';
import { createLogger } from '../../../../src/adapters/observability/logger.js';
import { createMetrics } from '../../../../src/adapters/observability/metrics.js';
import { parseInstanceId } from '../../../../src/core/ids.js';
import type { Notifier } from '../../../../src/ports.js';
import { decideRequest } from '../../../../src/services/decide-request.js';
import { decideBatch } from '../../../../src/services/decide-batch.js';
import { createHostWatch, watchRules } from '../../../../src/services/watch-hosts.js';
import { sampleRequest } from './sample-request.js';

export const ContenderTask = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approve'), requestId: z.string(), userId: z.string() }),
  z.object({ kind: z.literal('start_run'), requestId: z.string() }),
  z.object({ kind: z.literal('create'), instanceId: z.string(), userId: z.string() }),
  // the real approval service (decideRequest) with the real fix brake, on this connection
  z.object({ kind: z.literal('approve_via_service'), requestId: z.string(), userId: z.string(), brakeLimit: z.number().int().positive() }),
  // the real batch approval service (decideBatch) on this connection: a win is a batch run started
  z.object({ kind: z.literal('approve_batch'), batchId: z.string(), userId: z.string() }),
  // one poll of the real host watch service, as a replica: Nova says `host` is down since `heartbeatAt`; won = posted
  z.object({ kind: z.literal('watch_poll'), host: z.string(), heartbeatAt: z.string(), now: z.string() }),
]);
export type ContenderTask = z.infer<typeof ContenderTask>;

export const ArmMessage = z.object({
  type: z.literal('arm'),
  file: z.string(),
  go: z.instanceof(SharedArrayBuffer),
  tasks: z.array(ContenderTask),
});
export type ArmMessage = z.infer<typeof ArmMessage>;

export interface ContenderOutcome { won: boolean; busy: boolean; refusal?: string }

export type WorkerMessage =
  | { type: 'loaded' }
  | { type: 'ready' }
  | { type: 'results'; outcomes: ContenderOutcome[] }
  | { type: 'error'; message: string };

const silent = createLogger({ level: 'silent' });
const noNotifier: Notifier = {
  notify: async () => {}, updateApprovalMessage: async () => {}, tellUser: async () => {},
  postApprovalMessage: async () => ({ channel: 'C0INCIDENT', ts: '1.000001' }),
};

async function approveViaService(store: SqliteStore, task: Extract<ContenderTask, { kind: 'approve_via_service' }>): Promise<ContenderOutcome> {
  const clock = { now: () => new Date() };
  const result = await decideRequest({
    store, audit: store, clock, logger: silent, notifier: noNotifier, lease: { runnerId: `worker-${process.pid}`, leaseMs: 30_000 },
    approvers: { isApprover: async () => true },
    brake: createFixBrake({ limit: task.brakeLimit, metrics: createMetrics() }),
    startRun: () => {},
  }, { requestId: task.requestId, userId: task.userId, decision: 'approve' });
  return result.ok ? { won: true, busy: false } : { won: false, busy: false, refusal: result.error.code };
}

async function approveBatch(store: SqliteStore, task: Extract<ContenderTask, { kind: 'approve_batch' }>): Promise<ContenderOutcome> {
  let started = 0;
  const result = await decideBatch({
    store, audit: store, clock: { now: () => new Date() }, logger: silent, lease: { runnerId: `worker-${process.pid}`, leaseMs: 30_000 },
    approvers: { isApprover: async () => true },
    batchNotifier: { postBatchApprovalMessage: async () => ({ channel: 'C0INCIDENT', ts: '1.000001' }), updateBatchMessage: async () => {}, notifyBatch: async () => {} },
    startBatch: () => { started += 1; },
  }, { batchId: task.batchId, userId: task.userId, decision: 'approve' });
  return result.ok && started === 1 ? { won: true, busy: false } : { won: false, busy: false, ...(result.ok ? {} : { refusal: result.error.code }) };
}

async function pollAsReplica(store: SqliteStore, task: Extract<ContenderTask, { kind: 'watch_poll' }>): Promise<ContenderOutcome> {
  let posted = 0;
  const watch = createHostWatch({
    store, audit: store, clock: { now: () => new Date(task.now) }, logger: silent, metrics: createMetrics(),
    rules: watchRules(30_000, 45_000),
    nova: { listComputeServices: async () => [{ host: task.host, state: 'down', status: 'enabled', forcedDown: false, updatedAt: task.heartbeatAt, disabledReason: null }] },
    announcer: { announceHost: async () => { posted += 1; } },
    inspectHost: async (host) => ({ kind: 'host_not_found', host }),
  });
  await watch.poll();
  return { won: posted === 1, busy: false };
}

async function attempt(store: SqliteStore, task: Exclude<ContenderTask, { kind: 'approve_via_service' | 'approve_batch' | 'watch_poll' }>): Promise<ContenderOutcome> {
  if (task.kind === 'approve') return { won: await store.transition(task.requestId, ['pending'], 'approved', { decidedBy: task.userId }), busy: false };
  if (task.kind === 'start_run') return { won: await store.transition(task.requestId, ['approved'], 'running'), busy: false };
  const instanceId = parseInstanceId(task.instanceId);
  if (!instanceId.ok) throw new Error(instanceId.error);
  try {
    await store.create(sampleRequest({ instanceId: instanceId.value, requestedBy: task.userId }));
    return { won: true, busy: false };
  } catch (e) {
    if (e instanceof InstanceBusyError) return { won: false, busy: true };
    throw e;
  }
}

async function race(arm: ArmMessage, post: (m: WorkerMessage) => void): Promise<ContenderOutcome[]> {
  const stores = arm.tasks.map(() => openSqliteStore({ path: arm.file }));
  try {
    post({ type: 'ready' });
    Atomics.wait(new Int32Array(arm.go), 0, 0);
    // the synchronous attempts run one after the other; the service's run side by side, as a bot's handlers do
    return await Promise.all(arm.tasks.map(async (task, i) => {
      const store = stores[i];
      if (!store) throw new Error(`no connection for task ${i}`);
      if (task.kind === 'approve_via_service') return approveViaService(store, task);
      if (task.kind === 'approve_batch') return approveBatch(store, task);
      return task.kind === 'watch_poll' ? pollAsReplica(store, task) : attempt(store, task);
    }));
  } finally {
    for (const s of stores) await s.close();
  }
}

const port = parentPort;
if (port) {
  const post = (m: WorkerMessage): void => port.postMessage(m);
  port.on('message', (message: unknown) => {
    Promise.resolve().then(() => race(ArmMessage.parse(message), post)).then(
      (outcomes) => post({ type: 'results', outcomes }),
      (e: unknown) => post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
    );
  });
  post({ type: 'loaded' });
}
