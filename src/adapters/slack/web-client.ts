/**
 * The Web API client of vmlocks. It waits out Slack's 429s (Retry-After) instead of failing
 * (`rejectRateLimitedCalls: false` and a bounded retry policy), counts them in `limitHits{limit="slack_429"}`,
 * and bounds every request with a timeout: the WebClient's default `timeout` is 0, meaning none.
 */
import { WebClient, WebClientEvent, type RetryOptions } from '@slack/web-api';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { toSlackLogger } from './bolt-logger.js';

export interface WebClientConfig {
  token: string;
  /** Web API base URL (GovSlack, tests); default Slack's. */
  slackApiUrl?: string;
  timeoutMs: number;
  logger: Logger;
  metrics?: Metrics;
  /** Retries after 429s and transport failures; default a few over about two minutes. */
  retryConfig?: RetryOptions;
}

/** Retries for about two minutes: long enough for a Retry-After, short enough that the user still cares. */
export const DEFAULT_RETRY: RetryOptions = { retries: 5, factor: 2, minTimeout: 1000, maxTimeout: 30_000, randomize: true };

/** The WebClient joins `slackApiUrl + method`, appending a `/` if missing; we make that explicit. */
export function normaliseSlackApiUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return url.endsWith('/') ? url : `${url}/`;
}

export function createWebClient(cfg: WebClientConfig): WebClient {
  const slackApiUrl = normaliseSlackApiUrl(cfg.slackApiUrl);
  const client = new WebClient(cfg.token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    timeout: cfg.timeoutMs,
    rejectRateLimitedCalls: false,
    retryConfig: cfg.retryConfig ?? DEFAULT_RETRY,
    logger: toSlackLogger(cfg.logger, 'slack-web-api'),
  });
  client.on(WebClientEvent.RATE_LIMITED, (retryAfterSec: number, info: { url?: string }) => {
    cfg.metrics?.limitHits.inc({ limit: 'slack_429' });
    cfg.logger.warn({ retryAfterSec, url: info.url }, 'Slack answered 429; waiting for Retry-After before retrying');
  });
  return client;
}
