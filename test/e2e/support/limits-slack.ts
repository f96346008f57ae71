/**
 * Talking to the running bot as Slack does, for the limits tests: signed slash commands and button clicks, each
 * with its own response_url on the fake Slack API, the answers read back from there, and the bot's Prometheus
 * counters read from `/metrics`.
 */
import { ACTION_IDS } from '../../../src/adapters/slack/action-ids.js';
import type { BotProcess } from '../../support/bot-process.js';
import { INCIDENT_CHANNEL, SIGNING_SECRET } from '../../support/bot-process.js';
import type { FakeSlackApi, RecordedResponse } from '../../support/fake-slack-api.js';
import {
  blockActionPayload, interactionBody, prepareSlackRequest, slashCommandBody, type PreparedRequest,
} from '../../support/sign-slack-request.js';

/** The text of a response_url post (its fallback `text`, which every vmlocks message sets). */
export function answerText(r: RecordedResponse): string {
  return typeof r.body.text === 'string' ? r.body.text : JSON.stringify(r.body);
}

/** The ephemeral "Checking …" said before an inspection; every other answer is a final one. */
export function isProgress(r: RecordedResponse): boolean {
  return /Checking/.test(answerText(r)) && r.body.response_type === 'ephemeral';
}

export const RATE_LIMIT_ANSWER = /try again in (\d+) s/;

export function commandRequest(bot: BotProcess, slack: FakeSlackApi, f: { user: string; text: string; id: string }): PreparedRequest {
  const body = slashCommandBody({ text: f.text, userId: f.user, userName: f.user.toLowerCase(), responseUrl: slack.responseUrl(f.id) });
  return prepareSlackRequest(bot.eventsUrl, body, { signingSecret: SIGNING_SECRET });
}

function clickRequest(bot: BotProcess, slack: FakeSlackApi, actionId: string, value: string, user: string, id: string): PreparedRequest {
  const payload = blockActionPayload({ actionId, value, userId: user, channelId: INCIDENT_CHANNEL, responseUrl: slack.responseUrl(id) });
  return prepareSlackRequest(bot.eventsUrl, interactionBody(payload), { signingSecret: SIGNING_SECRET });
}

/** "Request fix" on a report of the instance. */
export function requestFixClick(bot: BotProcess, slack: FakeSlackApi, f: { user: string; instanceId: string; id: string }): PreparedRequest {
  return clickRequest(bot, slack, ACTION_IDS.requestFix, JSON.stringify({ instanceId: f.instanceId }), f.user, f.id);
}

/** "Approve" on the approval message of a request. */
export function approveClick(bot: BotProcess, slack: FakeSlackApi, f: { user: string; requestId: string; id: string }): PreparedRequest {
  return clickRequest(bot, slack, ACTION_IDS.approveFix, JSON.stringify({ requestId: f.requestId }), f.user, f.id);
}

/** The first answer on the response_url `id` that is not the progress note. */
export function finalAnswer(slack: FakeSlackApi, id: string, timeoutMs = 60_000): Promise<RecordedResponse> {
  return slack.waitForResponse((r) => r.id === id && !isProgress(r), timeoutMs);
}

/** A counter of the bot's /metrics (0 when the series has not been created yet). */
export async function readCounter(bot: BotProcess, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${bot.metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

export function limitHits(bot: BotProcess, limit: string): Promise<number> {
  return readCounter(bot, 'vmlocks_limit_hits_total', { limit });
}
