/** Real metrics and a real pino logger whose JSON lines the test can read. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../../src/adapters/observability/logger.js';
import { createMetrics, type Metrics } from '../../../../src/adapters/observability/metrics.js';
import type { Clock } from '../../../../src/ports.js';

export function observe(): { metrics: Metrics; logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const lines = (): Array<Record<string, unknown>> =>
    chunks.join('').split('\n').filter((l) => l.length > 0).map((l) => {
      const parsed: unknown = JSON.parse(l);
      return typeof parsed === 'object' && parsed !== null ? { ...parsed } : {};
    });
  return { metrics: createMetrics(), logger, lines };
}

/** The value of a labelled counter or gauge, 0 when it was never touched. */
export async function metricValue(metric: Metrics['limitHits'] | Metrics['queued'], labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  const match = values.find((v) => {
    const got: Record<string, string | number | undefined> = v.labels;
    return Object.entries(labels).every(([k, want]) => got[k] === want);
  });
  return match?.value ?? 0;
}

export function manualClock(startIso = '2025-03-01T02:20:00.000Z'): Clock & { advance(ms: number): void } {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms) => { t += ms; } };
}
