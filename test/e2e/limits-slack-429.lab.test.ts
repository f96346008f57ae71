// Slack's rate limit on the incident channel, through the running bot: the fake Web API answers a few
// chat.postMessage calls with 429 + Retry-After, and the bot waits, retries and loses no notification, while its
// post queue keeps the channel's posts apart by VMLOCKS_SLACK_POST_INTERVAL (Slack: about one message per second
// per channel, https://docs.slack.dev/apis/web-api/rate-limits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_CHANNEL, startBot, USERS, type BotProcess } from '../support/bot-process.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../support/fake-slack-api.js';
import { sendSlackRequest, sendTogether } from '../support/sign-slack-request.js';
import { createLabServers, type LabServer, type LabServers } from './support/limits-lab-servers.js';
import { answerText, approveClick, finalAnswer, limitHits, requestFixClick } from './support/limits-slack.js';

const POST_INTERVAL_MS = 300;
const RATE_LIMITED_POSTS = 3;

function isIncidentPost(c: RecordedCall): boolean {
  return (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === INCIDENT_CHANNEL;
}

function textOf(c: RecordedCall): string {
  return `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? [])}`;
}

describe("Slack's 429 on the incident channel", () => {
  let slack: FakeSlackApi;
  let bot: BotProcess;
  let lab: LabServers;
  let server: LabServer;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    lab = await createLabServers();
    [server] = (await lab.boot('limits-429', 1)) as [LabServer];
    await lab.makeStaleShutoff(server);
    bot = await startBot({ slackApiUrl: slack.apiUrl, env: { VMLOCKS_SLACK_POST_INTERVAL: `${POST_INTERVAL_MS}ms` } });
  });

  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await lab?.cleanup();
  });

  it('retries the posts Slack answered with 429, loses none of the notifications, and spaces the posts by the interval', async () => {
    slack.rateLimitNext('chat.postMessage', RATE_LIMITED_POSTS, 1);
    const from = slack.calls.length;

    // One request (its approval message and the "requested" notice), then four refused clicks at once (answered to
    // the clickers, never posted to the channel).
    expect((await sendSlackRequest(requestFixClick(bot, slack, { user: USERS.alice, instanceId: server.id, id: 'request' }))).status).toBe(200);
    const asked = answerText(await finalAnswer(slack, 'request', 60_000));
    const requestId = /\b(fx-[0-9a-f]+)\b/.exec(asked)?.[1] ?? `no request id in: ${asked}`;
    const clickers = [USERS.mallory, USERS.mallory, USERS.mallory, USERS.alice];
    const acks = await sendTogether(clickers.map((user, i) => approveClick(bot, slack, { user, requestId, id: `refused-${i}` })));
    expect(acks.map((a) => a.status)).toEqual(clickers.map(() => 200));

    const posted = (c: RecordedCall): boolean => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && textOf(c).includes(requestId);
    await slack.waitForCalls(posted, 2, 60_000);
    // the refused clicks are answered to their clickers only (issue 11): give them time to show up in the channel
    await Promise.all(clickers.map((_, i) => finalAnswer(slack, `refused-${i}`, 30_000)));
    const ours = slack.calls.slice(from);
    const delivered = ours.filter((c) => c.status === 200 && posted(c));
    const approvalMessages = delivered.filter((c) => textOf(c).includes('vmlocks.approve_fix'));
    const requested = delivered.filter((c) => /requested fix/.test(String(c.args.text)));
    const refused = delivered.filter((c) => /could not decide/.test(String(c.args.text)));
    expect(approvalMessages).toHaveLength(1);
    expect(requested).toHaveLength(1);
    expect(refused).toEqual([]);
    // the approval message goes first (it was the first post, and it outranks event notices in the queue)
    expect(delivered[0]).toBe(approvalMessages[0]);

    expect(ours.filter((c) => c.method === 'chat.postMessage' && c.status === 429)).toHaveLength(RATE_LIMITED_POSTS);
    expect(await limitHits(bot, 'slack_429')).toBe(RATE_LIMITED_POSTS);

    // Every request to the channel, retries included, came at least about one interval after the one before.
    const times = ours.filter(isIncidentPost).map((c) => c.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    console.log(`[limits] ${times.length} incident-channel requests, gaps (ms): ${gaps.join(', ')}`);
    expect(gaps.every((g) => g >= 0)).toBe(true);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(POST_INTERVAL_MS - 50);
  });
});
