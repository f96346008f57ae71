/**
 * A pool of worker threads (store-worker.ts) that make store calls on separate connections to one file at the same
 * instant. Threads are started once per test file: loading TypeScript in a worker costs about a second each.
 */
import { Worker } from 'node:worker_threads';
import type { ArmMessage, ContenderOutcome, ContenderTask, WorkerMessage } from './store-worker.js';

export interface ContenderPool {
  /** Runs every task on its own connection, all released at once; outcomes in task order. */
  race(file: string, tasks: ContenderTask[]): Promise<ContenderOutcome[]>;
  close(): Promise<void>;
}

function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => { worker.off('message', onMessage); reject(e); };
    const onMessage = (m: WorkerMessage): void => {
      worker.off('error', onError);
      if (m.type === 'error') reject(new Error(`store worker: ${m.message}`));
      else resolve(m);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

export async function startContenderPool(size: number): Promise<ContenderPool> {
  const entry = new URL('./store-worker.ts', import.meta.url).href;
  const workers = Array.from({ length: size }, () => new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { entry } }));
  await Promise.all(workers.map(nextMessage)); // 'loaded'

  async function race(file: string, tasks: ContenderTask[]): Promise<ContenderOutcome[]> {
    const go = new SharedArrayBuffer(4);
    const shares = workers.map((_, w) => tasks.flatMap((t, i) => (i % size === w ? [{ t, i }] : [])));
    const ready = workers.map(nextMessage);
    workers.forEach((worker, w) => {
      worker.postMessage({ type: 'arm', file, go, tasks: shares[w]?.map((s) => s.t) ?? [] } satisfies ArmMessage);
    });
    await Promise.all(ready);
    const results = workers.map(nextMessage);
    const flag = new Int32Array(go);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    const outcomes: ContenderOutcome[] = new Array<ContenderOutcome>(tasks.length);
    (await Promise.all(results)).forEach((m, w) => {
      if (m.type !== 'results') throw new Error(`store worker ${w} answered ${m.type}`);
      m.outcomes.forEach((o, k) => {
        const index = shares[w]?.[k]?.i;
        if (index !== undefined) outcomes[index] = o;
      });
    });
    return outcomes;
  }

  return { race, close: async () => { await Promise.all(workers.map((w) => w.terminate())); } };
}
