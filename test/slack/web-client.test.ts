import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebClient, normaliseSlackApiUrl } from '../../src/adapters/slack/web-client.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { BOT_TOKEN, captureLogger, createMetrics } from './helpers.js';

let fake: FakeSlackApi;
beforeEach(async () => { fake = await startFakeSlackApi({ delayMs: 10 }); });
afterEach(async () => fake.close());

describe('Web API client', () => {
  it('joins the base URL and the method name with exactly one slash', async () => {
    expect(normaliseSlackApiUrl('http://127.0.0.1:1/api')).toBe('http://127.0.0.1:1/api/');
    const client = createWebClient({ token: BOT_TOKEN, slackApiUrl: fake.apiUrl.replace(/\/$/, ''), timeoutMs: 2000, logger: captureLogger().logger });
    await client.auth.test();
    expect(fake.callsTo('auth.test')[0]?.token).toBe(BOT_TOKEN);
  });

  it('gives up on a request that gets no answer within its timeout', async () => {
    fake.delayMs = 3000;
    const client = createWebClient({
      token: BOT_TOKEN, slackApiUrl: fake.apiUrl, timeoutMs: 200, logger: captureLogger().logger, metrics: createMetrics(), retryConfig: { retries: 0 },
    });
    const started = Date.now();
    await expect(client.auth.test()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2500); // a generous bound: well before the fake would answer
  });
});
