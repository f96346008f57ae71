/** Runs the real Bolt app in http mode on a random port, against the fake Web API, with recording services. */
import type { Metrics } from '../../src/adapters/observability/metrics.js';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from '../../src/adapters/slack/app.js';
import { startFakeSlackApi, type FakeSlackApi, type FakeUser } from '../support/fake-slack-api.js';
import {
  interactionBody, prepareSlackRequest, sendSlackRequest, slashCommandBody, type PreparedRequest, type SentResponse, type SignOptions,
  type SlashCommandFields,
} from '../support/sign-slack-request.js';
import { BOT_TOKEN, captureLogger, createMetrics, type CapturedLogger } from './helpers.js';
import { recordingFixes, recordingInspect, recordingLimiter, testAccess, type RecordingFixes, type RecordingInspect, type RecordingLimiter } from './service-doubles.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface Harness {
  fake: FakeSlackApi;
  slack: SlackApp;
  log: CapturedLogger;
  metrics: Metrics;
  inspect: RecordingInspect;
  fixes: RecordingFixes;
  limiter: RecordingLimiter;
  eventsUrl: string;
  /** Prepares a signed slash command whose response_url is `/response/<responseId>` on the fake. */
  command(text: string, responseId: string, extra?: { userId?: string; sign?: Partial<SignOptions>; fields?: Partial<SlashCommandFields> }): PreparedRequest;
  interaction(payload: object, sign?: Partial<SignOptions>): PreparedRequest;
  send(req: PreparedRequest): Promise<SentResponse>;
  close(): Promise<void>;
}

export async function startHarness(opts: { viewAckDeadlineMs?: number; users?: Record<string, FakeUser> } = {}): Promise<Harness> {
  const fake = await startFakeSlackApi({ delayMs: 100, ...(opts.users ? { users: opts.users } : {}) });
  const log = captureLogger();
  const metrics = createMetrics();
  const inspect = recordingInspect();
  const fixes = recordingFixes();
  const limiter = recordingLimiter();
  const slack = createSlackApp({
    mode: 'http', port: 0, host: '127.0.0.1', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, slackApiUrl: fake.apiUrl,
    logger: log.logger, metrics, inspect, fixes, commandLimiter: limiter, access: testAccess(), timeoutMs: 5000, commandLimit: { count: 10, windowMs: 60_000 },
    retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50, factor: 1 },
    ...(opts.viewAckDeadlineMs === undefined ? {} : { viewAckDeadlineMs: opts.viewAckDeadlineMs }),
  });
  await slack.start();
  const eventsUrl = `http://127.0.0.1:${slack.port()}${SLACK_EVENTS_PATH}`;
  const sign = (extra?: Partial<SignOptions>): SignOptions => ({ signingSecret: SIGNING_SECRET, ...extra });
  return {
    fake, slack, log, metrics, inspect, fixes, limiter, eventsUrl,
    command: (text, responseId, extra) => prepareSlackRequest(
      eventsUrl,
      slashCommandBody({ text, responseUrl: fake.responseUrl(responseId), ...(extra?.userId ? { userId: extra.userId } : {}), ...extra?.fields }),
      sign(extra?.sign),
    ),
    interaction: (payload, s) => prepareSlackRequest(eventsUrl, interactionBody(payload), sign(s)),
    send: (req) => sendSlackRequest(req),
    async close() {
      await slack.stop();
      await fake.close();
    },
  };
}

/** The text of a response_url post, blocks included, for `toContain` checks. */
export function shown(body: Record<string, unknown>): string {
  return JSON.stringify(body);
}
