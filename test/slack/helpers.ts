/** Shared set-up of the Slack tests: a captured pino logger, fresh metrics, a WebClient on the fake API. */
import { Writable } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import { createLogger, type Logger } from '../../src/adapters/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/adapters/observability/metrics.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import type { FakeSlackApi } from '../support/fake-slack-api.js';

export const BOT_TOKEN = 'xoxb-test-token';

export interface CapturedLogger {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

export function captureLogger(): CapturedLogger {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Waits (bounded) for a log line, e.g. the one a handler writes when it is done. */
export async function waitForLog(log: CapturedLogger, match: (line: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = log.lines.find(match);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms; got: ${log.lines.map((l) => String(l.msg)).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function counterValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

/** A WebClient on the fake, retrying quickly so that tests of 429s take about the Retry-After only. */
export function webClientOn(fake: FakeSlackApi, logger: Logger, metrics: Metrics, timeoutMs = 5000, retries = 3): WebClient {
  return createWebClient({
    token: BOT_TOKEN, slackApiUrl: fake.apiUrl, timeoutMs, logger, metrics,
    retryConfig: { retries, minTimeout: 10, maxTimeout: 50, factor: 1 },
  });
}

export { createMetrics };
