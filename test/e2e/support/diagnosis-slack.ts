/**
 * `/vmlocks <text>` into the running bot, signed as Slack signs it, and the answer it posts to the command's
 * `response_url` (played by the fake Slack API). Measures the ack latency (HTTP answer to the slash command) and
 * the answer latency (until the final `response_url` post), for the report, never for assertions.
 */
import { randomUUID } from 'node:crypto';
import { SIGNING_SECRET, USERS, type BotProcess } from '../../support/bot-process.js';
import type { FakeSlackApi, RecordedResponse } from '../../support/fake-slack-api.js';
import { prepareSlackRequest, sendSlackRequest, slashCommandBody, type SentResponse } from '../../support/sign-slack-request.js';

export interface SlashAnswer {
  ack: SentResponse;
  /** The final post to the response_url (the report, or the one ephemeral message). */
  answer: RecordedResponse;
  /** Every post to this command's response_url, in order (the "Checking…" note first, for an inspection). */
  posts: RecordedResponse[];
  ackMs: number;
  answerMs: number;
}

export interface SlashOptions {
  user?: string;
  /** How long to wait for the final answer. */
  timeoutMs?: number;
}

const CHECKING = /^:mag: Checking /;

/** Sends `/vmlocks <text>` and waits for its final answer (any post but the "Checking…" note). */
export async function askVmlocks(bot: BotProcess, slack: FakeSlackApi, text: string, opts: SlashOptions = {}): Promise<SlashAnswer> {
  const id = `cmd-${randomUUID()}`;
  const body = slashCommandBody({ text, userId: opts.user ?? USERS.alice, responseUrl: slack.responseUrl(id) });
  const sentAt = performance.now();
  const sentAtEpoch = Date.now();
  const ack = await sendSlackRequest(prepareSlackRequest(bot.eventsUrl, body, { signingSecret: SIGNING_SECRET }));
  const ackMs = performance.now() - sentAt;
  if (ack.status !== 200) throw new Error(`/vmlocks ${text}: HTTP ${ack.status} ${ack.body}`);
  const answer = await slack.waitForResponse((r) => r.id === id && !CHECKING.test(messageTextOf(r.body)), opts.timeoutMs ?? 60_000);
  return {
    ack, answer, posts: slack.responses.filter((r) => r.id === id),
    ackMs: Math.round(ackMs), answerMs: Math.max(0, answer.at - sentAtEpoch),
  };
}

function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value !== 'object' || value === null) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'text' && typeof v === 'string') out.push(v);
    else if (key !== 'confirm' && typeof v === 'object') out.push(...textsOf(v));
  }
  return out;
}

/** The message's fallback `text`: the first thing Slack shows in notifications ("STALE: …"). */
export function messageTextOf(body: Record<string, unknown>): string {
  return typeof body.text === 'string' ? body.text : '';
}

/** Every text of the message's blocks (sections, context, button labels), joined by new lines. */
export function blocksTextOf(body: Record<string, unknown>): string {
  return textsOf(body.blocks).join('\n');
}

export interface ButtonSeen { actionId: string; text: string; value: string }

/** The buttons of the message's actions blocks. */
export function buttonsOf(body: Record<string, unknown>): ButtonSeen[] {
  const blocks = Array.isArray(body.blocks) ? body.blocks : [];
  const out: ButtonSeen[] = [];
  for (const block of blocks) {
    const elements: unknown = typeof block === 'object' && block !== null ? Reflect.get(block, 'elements') : undefined;
    if (!Array.isArray(elements)) continue;
    for (const el of elements) {
      if (typeof el !== 'object' || el === null || Reflect.get(el, 'type') !== 'button') continue;
      const text: unknown = Reflect.get(el, 'text');
      out.push({
        actionId: String(Reflect.get(el, 'action_id')),
        text: typeof text === 'object' && text !== null ? String(Reflect.get(text, 'text')) : '',
        value: String(Reflect.get(el, 'value') ?? ''),
      });
    }
  }
  return out;
}
