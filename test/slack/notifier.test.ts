import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/adapters/observability/metrics.js';
import { createSlackNotifier, type SlackNotifier } from '../../src/adapters/slack/notifier.js';
import type { IncidentEvent } from '../../src/ports.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { captureLogger, counterValue, createMetrics, webClientOn, type CapturedLogger } from './helpers.js';
import { fixRequest, runSteps } from './samples.js';

let fake: FakeSlackApi;
let log: CapturedLogger;
let metrics: Metrics;

beforeEach(async () => {
  fake = await startFakeSlackApi({ delayMs: 20, channelsWithoutBot: ['C0NOBOT'] });
  log = captureLogger();
  metrics = createMetrics();
});
afterEach(async () => fake.close());

function notifier(postIntervalMs = 30, extra: { approvalsChannel?: string; maxQueued?: number; storedMessage?: (requestId: string) => { channel: string; ts: string } | null } = {}): SlackNotifier {
  return createSlackNotifier({ client: webClientOn(fake, log.logger, metrics), incidentChannel: 'C0INCIDENT', logger: log.logger, metrics, postIntervalMs, ...extra });
}

const stepEvent = (n: number): IncidentEvent => ({ kind: 'step', request: fixRequest(), step: 'fence', status: 'ok', detail: `event ${n}`, durationMs: n });

describe('incident channel notifications', () => {
  it('queues a burst of 20 events and posts all of them, in order', async () => {
    const n = notifier();
    await Promise.all(Array.from({ length: 20 }, (_, i) => n.notify(stepEvent(i))));
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(20);
    expect(posts.map((p) => /event (\d+)/.exec(String(p.args.text))?.[1])).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(new Set(posts.map((p) => p.args.channel))).toEqual(new Set(['C0INCIDENT']));
  });

  it('waits out a 429 with Retry-After and loses no event', async () => {
    fake.rateLimitNext('chat.postMessage', 2, 1);
    const n = notifier();
    await Promise.all([0, 1, 2].map((i) => n.notify(stepEvent(i))));
    const posts = fake.callsTo('chat.postMessage');
    expect(posts.map((p) => /event (\d+)/.exec(String(p.args.text))?.[1])).toEqual(['0', '1', '2']);
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(2);
    expect(await counterValue(metrics, 'vmlocks_limit_hits_total', { limit: 'slack_429' })).toBe(2);
  });

  it('never throws when Slack refuses the post, and logs the error with the request id', async () => {
    fake.failNext('chat.postMessage', 'channel_not_found');
    await expect(notifier().notify(stepEvent(1))).resolves.toBeUndefined();
    const line = log.lines.find((l) => l.msg === 'could not post an incident-channel event');
    expect(line).toMatchObject({ level: 50, requestId: fixRequest().id, event: 'step' });
    expect(JSON.stringify(line?.err)).toContain('channel_not_found');
    expect(await counterValue(metrics, 'vmlocks_external_calls_total', { system: 'slack', op: 'chat.postMessage', outcome: 'error' })).toBe(1);
  });
});

describe('the post queue', () => {
  const requested = (): IncidentEvent => ({ kind: 'requested', request: fixRequest() });

  it('sends a fix\'s steps ahead of decisions that were queued before them', async () => {
    const n = notifier(30);
    fake.delayMs = 1000; // the first post holds the queue while the others are queued
    const first = n.notify(stepEvent(0));
    const chatter = Array.from({ length: 5 }, () => n.notify(requested()));
    const steps = [1, 2, 3].map((i) => n.notify(stepEvent(i)));
    await new Promise((r) => setTimeout(r, 300));
    fake.delayMs = 20;
    await Promise.all([first, ...chatter, ...steps]);
    const order = fake.callsTo('chat.postMessage').map((p) => (/event (\d+)/.exec(String(p.args.text))?.[1] ?? 'requested'));
    expect(order).toEqual(['0', '1', '2', '3', 'requested', 'requested', 'requested', 'requested', 'requested']);
  });

  it('stays bounded: when full it drops the least important waiting post, never a step', async () => {
    const n = notifier(30, { maxQueued: 3 });
    fake.delayMs = 1000;
    const first = n.notify(stepEvent(0));
    const chatter = Array.from({ length: 3 }, () => n.notify(requested()));
    const steps = [1, 2, 3].map((i) => n.notify(stepEvent(i)));
    await new Promise((r) => setTimeout(r, 300));
    fake.delayMs = 20;
    await Promise.all([first, ...chatter, ...steps]);
    const texts = fake.callsTo('chat.postMessage').map((p) => String(p.args.text));
    expect(texts.filter((t) => /event \d/.test(t))).toHaveLength(4);
    expect(texts.filter((t) => t.includes('requested'))).toHaveLength(0);
    expect(await counterValue(metrics, 'vmlocks_limit_hits_total', { limit: 'slack_post_queue' })).toBe(3);
  });
});

describe('approval message', () => {
  it('posts to the approvals channel and returns where Slack put it', async () => {
    const ref = await notifier(30, { approvalsChannel: 'C0APPROVALS' }).postApprovalMessage(fixRequest());
    const call = fake.callsTo('chat.postMessage')[0];
    expect(call?.args.channel).toBe('C0APPROVALS');
    expect(ref).toEqual({ channel: 'C0APPROVALS', ts: call?.response.ts });
    expect(JSON.stringify(call?.args.blocks)).toContain('vmlocks.approve_fix');
  });

  it('posts to the incident channel when no approvals channel is set', async () => {
    const ref = await notifier().postApprovalMessage(fixRequest());
    expect(ref.channel).toBe('C0INCIDENT');
  });

  it('updates the stored message in place with chat.update, without buttons once running', async () => {
    const n = notifier();
    const ref = await n.postApprovalMessage(fixRequest());
    const running = fixRequest({ state: 'running', approvalMessage: ref, decidedBy: 'U02APPROVE', decidedAt: '2026-11-24T23:49:30.000Z' });
    await n.updateApprovalMessage(running, runSteps(running.id, 2));
    const update = fake.callsTo('chat.update')[0];
    expect(update?.args).toMatchObject({ channel: ref.channel, ts: ref.ts });
    const blocks = JSON.stringify(update?.args.blocks);
    expect(blocks).not.toContain('vmlocks.approve_fix');
    expect(blocks).toContain('✓ `fence`');
  });

  it('updates the message whose reference is stored when the update is sent, though the request had none', async () => {
    const n = notifier(30, { storedMessage: (id) => (id === fixRequest().id ? stored : null) });
    let stored: { channel: string; ts: string } | null = null;
    const ref = await n.postApprovalMessage(fixRequest());
    stored = ref; // stored after the run's copy of the request was made
    await n.updateApprovalMessage(fixRequest({ state: 'succeeded', approvalMessage: null, outcome: 'unlocked' }));
    expect(fake.callsTo('chat.update').map((c) => ({ channel: c.args.channel, ts: c.args.ts }))).toEqual([ref]);
  });

  it('fails loudly when the update is refused, so the caller knows the message is stale', async () => {
    const n = notifier();
    await expect(n.updateApprovalMessage(fixRequest({ approvalMessage: { channel: 'C0INCIDENT', ts: '1.000001' } }))).rejects.toThrow(/chat.update failed: message_not_found/);
  });
});

describe('telling the requester', () => {
  it('posts an ephemeral message in the channel the request came from', async () => {
    await notifier().tellUser('U01REQUEST', 'Your fix succeeded', { channel: 'C0ONCALL' });
    expect(fake.callsTo('chat.postEphemeral')[0]?.args).toMatchObject({ channel: 'C0ONCALL', user: 'U01REQUEST' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('sends a DM when there is no origin channel', async () => {
    await notifier().tellUser('U01REQUEST', 'Your fix <failed> & stopped');
    expect(fake.callsTo('conversations.open')[0]?.args.users).toBe('U01REQUEST');
    const post = fake.callsTo('chat.postMessage')[0];
    expect(post?.args.channel).toBe('D01REQUEST');
    expect(post?.args.text).toContain('Your fix &lt;failed&gt; &amp; stopped');
  });

  it('falls back to a DM when the ephemeral message cannot be posted', async () => {
    await notifier().tellUser('U01REQUEST', 'done', { channel: 'C0NOBOT' });
    expect(fake.calls.find((c) => c.method === 'chat.postEphemeral')?.response.error).toBe('not_in_channel');
    expect(fake.callsTo('chat.postMessage')[0]?.args.channel).toBe('D01REQUEST');
  });
});
