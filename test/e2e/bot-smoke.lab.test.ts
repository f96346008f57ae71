import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, SIGNING_SECRET, USERS, type BotProcess } from '../support/bot-process.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { prepareSlackRequest, sendSlackRequest, slashCommandBody } from '../support/sign-slack-request.js';

describe('the running bot', () => {
  let slack: FakeSlackApi;
  let bot: BotProcess;
  beforeAll(async () => {
    slack = await startFakeSlackApi();
    bot = await startBot({ slackApiUrl: slack.apiUrl });
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
  });

  it('answers /vmlocks for an unknown instance in the channel, saying Nova has no such instance', async () => {
    const body = slashCommandBody({ text: 'no-such-vm-e2e', userId: USERS.alice, responseUrl: slack.responseUrl('smoke-1') });
    const res = await sendSlackRequest(prepareSlackRequest(bot.eventsUrl, body, { signingSecret: SIGNING_SECRET }));
    expect(res.status).toBe(200);
    const answer = await slack.waitForResponse((r) => r.id === 'smoke-1' && JSON.stringify(r.body).includes('no-such-vm-e2e') && !JSON.stringify(r.body).includes('Checking'), 15_000);
    expect(JSON.stringify(answer.body)).toMatch(/no instance|not found/i);
  });

  it('serves Prometheus metrics that count the command on METRICS_PORT, and nothing but /slack/events on PORT', async () => {
    const res = await fetch(`${bot.metricsUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/vmlocks_commands_total\{kind="inspect"\} [1-9]/);
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      const onSlackPort = await fetch(`${bot.baseUrl}${path}`);
      expect([path, onSlackPort.status]).toEqual([path, 404]);
      expect(await onSlackPort.text()).not.toContain('vmlocks_');
    }
    expect((await fetch(`${bot.metricsUrl}/healthz`)).status).toBe(200);
    expect(bot.logs().find((l) => l.event === 'started')).toMatchObject({ metrics: { host: '127.0.0.1', port: Number(new URL(bot.metricsUrl).port) } });
  });
});
