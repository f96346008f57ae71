// Worker-thread entry that loads a TypeScript module with tsx: worker threads do not inherit vitest's transform,
// and Node 20 does not apply `--import tsx` hooks to a worker's entry point.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
