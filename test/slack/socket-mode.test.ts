// The Bolt app in Socket Mode (the bot's default) in-process, against the fake Web API and the fake Socket Mode
// endpoint: the fast counterpart of test/e2e/socket-mode.lab.test.ts, with recording services instead of the labs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/app.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { startFakeSocketMode, type FakeSocketMode } from '../support/fake-socket-mode.js';
import { slashCommandBody } from '../support/sign-slack-request.js';
import { BOT_TOKEN, captureLogger, createMetrics } from './helpers.js';
import { report, rootDisk, stalePlan, staleLock, disk } from './samples.js';
import { recordingFixes, recordingInspect, recordingLimiter, testAccess, type RecordingInspect } from './service-doubles.js';

let fake: FakeSlackApi;
let socket: FakeSocketMode;
let slack: SlackApp;
let inspect: RecordingInspect;

beforeEach(async () => {
  fake = await startFakeSlackApi({ delayMs: 10 });
  socket = await startFakeSocketMode();
  fake.attachSocketMode(socket);
  inspect = recordingInspect();
  slack = createSlackApp({
    mode: 'socket', botToken: BOT_TOKEN, signingSecret: 'unused-in-socket-mode', appToken: socket.appToken, slackApiUrl: fake.apiUrl,
    logger: captureLogger().logger, metrics: createMetrics(), inspect, fixes: recordingFixes(), commandLimiter: recordingLimiter(), access: testAccess(),
    timeoutMs: 2000, retryConfig: { retries: 0 },
  });
  await slack.start();
});

afterEach(async () => {
  await slack.stop();
  await socket.close();
  await fake.close();
});

function slashEnvelope(text: string, responseId: string): string {
  const fields = slashCommandBody({ text, responseUrl: fake.responseUrl(responseId) });
  return socket.sendEnvelope('slash_commands', Object.fromEntries(new URLSearchParams(fields)));
}

describe('the Slack app in Socket Mode', () => {
  it('connects with the URL that apps.connections.open gave for the app-level token', async () => {
    const connection = await socket.waitForConnection();
    expect(connection.id).toBe(1);
    expect(fake.calls.find((c) => c.method === 'apps.connections.open')?.token).toBe(socket.appToken);
  });

  it('acks a /vmlocks envelope at once, then posts the report on its response_url', async () => {
    await socket.waitForConnection();
    inspect.answer = async () => ({ kind: 'report', report: report('stale', [disk(rootDisk, [staleLock()])]), plan: stalePlan() });
    const envelopeId = slashEnvelope('vm-1', 'socket-inspect');
    const ack = await socket.waitForAck(envelopeId, 3000);
    expect(ack.envelopeId).toBe(envelopeId);
    const answer = await fake.waitForResponse((r) => r.id === 'socket-inspect' && r.body.response_type === 'in_channel');
    expect(answer.body.text).toBe('STALE: `vm-1`: 1 stale lock on 1 disk; compute-2 is down');
    expect(inspect.calls.map((c) => c.ref)).toEqual([{ kind: 'name', name: 'vm-1' }]);
  });

  it('acks bad input too, answers with the usage and inspects nothing', async () => {
    await socket.waitForConnection();
    const envelopeId = slashEnvelope('$(reboot)', 'socket-bad');
    await socket.waitForAck(envelopeId, 3000);
    const answer = await fake.waitForResponse((r) => r.id === 'socket-bad');
    expect(JSON.stringify(answer.body)).toMatch(/usage|Usage/);
    expect(inspect.calls).toEqual([]);
  });
});
