import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySlackRequest } from '@slack/bolt';
import { createSlackApp, type SlackAppOptions } from '../../src/adapters/slack/app.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { prepareSlackRequest, slashCommandBody } from '../support/sign-slack-request.js';
import { BOT_TOKEN, captureLogger, createMetrics } from './helpers.js';
import { recordingFixes, recordingInspect, recordingLimiter, testAccess } from './service-doubles.js';

let fake: FakeSlackApi;
beforeEach(async () => { fake = await startFakeSlackApi({ delayMs: 10 }); });
afterEach(async () => fake.close());

function options(extra: Partial<SlackAppOptions>): SlackAppOptions {
  return {
    mode: 'socket', botToken: BOT_TOKEN, signingSecret: 'secret', slackApiUrl: fake.apiUrl, logger: captureLogger().logger, metrics: createMetrics(),
    inspect: recordingInspect(), fixes: recordingFixes(), commandLimiter: recordingLimiter(), access: testAccess(), timeoutMs: 2000,
    retryConfig: { retries: 0 }, ...extra,
  };
}

describe('Slack app modes', () => {
  it('refuses Socket Mode without an app-level token, naming the variable', () => {
    expect(() => createSlackApp(options({}))).toThrow(/SLACK_APP_TOKEN/);
  });

  it('in Socket Mode, verifies the bot token and asks the configured Web API for a connection with the app token', async () => {
    const slack = createSlackApp(options({ appToken: 'xapp-1-test' }));
    await expect(slack.start()).rejects.toThrow();
    expect(fake.callsTo('auth.test')[0]?.token).toBe(BOT_TOKEN);
    expect(fake.calls.find((c) => c.method === 'apps.connections.open')?.token).toBe('xapp-1-test');
  });

  it('fails to start when Slack rejects the bot token', async () => {
    const slack = createSlackApp(options({ mode: 'http', port: 0, host: '127.0.0.1', botToken: 'xoxb-revoked' }));
    await expect(slack.start()).rejects.toThrow(/invalid_auth/);
    expect(slack.port()).toBeNull();
  });
});

describe('signed request helper', () => {
  it('signs exactly as Bolt verifies', () => {
    const req = prepareSlackRequest('http://x/slack/events', slashCommandBody({ text: 'vm-1', responseUrl: 'http://x/r' }), { signingSecret: 's3cret' });
    const headers = {
      'x-slack-signature': req.headers['X-Slack-Signature'] ?? '',
      'x-slack-request-timestamp': Number(req.headers['X-Slack-Request-Timestamp']),
    };
    expect(() => verifySlackRequest({ signingSecret: 's3cret', body: req.body, headers })).not.toThrow();
    expect(() => verifySlackRequest({ signingSecret: 'other', body: req.body, headers })).toThrow(/signature mismatch/);
  });
});
