/**
 * The Slack side of the fix workflow's end-to-end tests, played as Slack plays it: a signed `/vmlocks` slash command,
 * then clicks (`block_actions`) carrying the button values the bot itself rendered (read back from the response_url
 * posts and the fake Web API's recorded `chat.postMessage`), and the deny modal's `view_submission`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ACTION_IDS, DENY_MODAL_CALLBACK_ID, DENY_REASON_ACTION_ID, DENY_REASON_BLOCK_ID } from '../../../src/adapters/slack/action-ids.js';
import { INCIDENT_CHANNEL, SIGNING_SECRET, type BotProcess } from '../../support/bot-process.js';
import type { FakeSlackApi, RecordedCall, RecordedResponse } from '../../support/fake-slack-api.js';
import {
  blockActionPayload, interactionBody, prepareSlackRequest, sendSlackRequest, slashCommandBody, viewSubmissionPayload,
  type PreparedRequest, type SentResponse,
} from '../../support/sign-slack-request.js';

/** The on-call channel where engineers run `/vmlocks` (the report is posted there, in_channel). */
export const ONCALL_CHANNEL = 'C0ONCALL01';

export interface SlackSide {
  bot: BotProcess;
  slack: FakeSlackApi;
}

const Button = z.object({ type: z.literal('button'), action_id: z.string(), value: z.string() });
const ActionsBlock = z.object({ type: z.literal('actions'), elements: z.array(z.unknown()) });
const Blocks = z.array(z.unknown());
const RequestIdValue = z.strictObject({ requestId: z.string() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The value of the button `actionId` in a message's blocks, or null when the message has no such button. */
export function buttonValue(blocks: unknown, actionId: string): string | null {
  const list = Blocks.safeParse(blocks);
  if (!list.success) return null;
  for (const block of list.data) {
    const actions = ActionsBlock.safeParse(block);
    if (!actions.success) continue;
    for (const element of actions.data.elements) {
      const b = Button.safeParse(element);
      if (b.success && b.data.action_id === actionId) return b.data.value;
    }
  }
  return null;
}

/** Every button's action_id in a message's blocks. */
export function actionIdsOf(blocks: unknown): string[] {
  return Object.values(ACTION_IDS).filter((id) => buttonValue(blocks, id) !== null);
}

/** The text a user would read: the fallback text and every block's text, as one string. */
export function textOf(message: { text?: unknown; blocks?: unknown }): string {
  return `${typeof message.text === 'string' ? message.text : ''}\n${JSON.stringify(message.blocks ?? [])}`;
}

function send(s: SlackSide, body: string): Promise<SentResponse> {
  return sendSlackRequest(prepareSlackRequest(s.bot.eventsUrl, body, { signingSecret: SIGNING_SECRET }));
}

/** `/vmlocks <text>` as `user`; resolves with the in-channel report posted to the command's response_url. */
export async function runVmlocks(s: SlackSide, user: string, text: string): Promise<RecordedResponse> {
  const id = `cmd-${randomUUID()}`;
  const res = await send(s, slashCommandBody({ text, userId: user, channelId: ONCALL_CHANNEL, responseUrl: s.slack.responseUrl(id) }));
  if (res.status !== 200) throw new Error(`/vmlocks ${text}: HTTP ${res.status} ${res.body}`);
  return s.slack.waitForResponse((r) => r.id === id && r.body.response_type === 'in_channel', 60_000);
}

export interface Click {
  actionId: string;
  value: string;
  user: string;
  /** Where the clicked message is (default: the on-call channel of the report). */
  channel?: string;
  messageTs?: string;
  /** Default: a new unique one. */
  triggerId?: string;
  /** A payload of another workspace or organisation (default the installation's team, no enterprise). */
  teamId?: string;
  enterpriseId?: string;
}

/** A signed `block_actions` request for a click, prepared (to send now or together with others); its response_url id. */
export function prepareClick(s: SlackSide, c: Click): { request: PreparedRequest; responseId: string } {
  const responseId = `click-${randomUUID()}`;
  const payload = blockActionPayload({
    actionId: c.actionId, value: c.value, userId: c.user, channelId: c.channel ?? ONCALL_CHANNEL,
    responseUrl: s.slack.responseUrl(responseId), triggerId: c.triggerId ?? `${Date.now()}.${randomUUID()}.trigger`,
    ...(c.messageTs === undefined ? {} : { messageTs: c.messageTs }),
    ...(c.teamId === undefined ? {} : { teamId: c.teamId }), ...(c.enterpriseId === undefined ? {} : { enterpriseId: c.enterpriseId }),
  });
  return { request: prepareSlackRequest(s.bot.eventsUrl, interactionBody(payload), { signingSecret: SIGNING_SECRET }), responseId };
}

/** Clicks a button; resolves once Bolt acknowledged it (HTTP 200), with the click's response_url id. */
export async function click(s: SlackSide, c: Click): Promise<string> {
  const { request, responseId } = prepareClick(s, c);
  const res = await sendSlackRequest(request);
  if (res.status !== 200) throw new Error(`click ${c.actionId} by ${c.user}: HTTP ${res.status} ${res.body}`);
  return responseId;
}

/** The first post to a click's response_url (the answer only the clicker sees). */
export function answerTo(s: SlackSide, responseId: string, timeoutMs = 30_000): Promise<RecordedResponse> {
  return s.slack.waitForResponse((r) => r.id === responseId, timeoutMs);
}

export interface ApprovalMessage {
  requestId: string;
  channel: string;
  ts: string;
  /** The Approve and Deny buttons' values, as rendered by the bot. */
  approveValue: string;
  denyValue: string;
}

/** The approval message of a request, from the recorded `chat.postMessage` (with its Approve button). */
export async function approvalMessageOf(s: SlackSide, requestId: string, timeoutMs = 30_000): Promise<ApprovalMessage> {
  const isIt = (c: RecordedCall): boolean => {
    const v = buttonValue(c.args.blocks, ACTION_IDS.approveFix);
    const parsed = v === null ? null : RequestIdValue.safeParse(parseJson(v));
    return c.method === 'chat.postMessage' && parsed?.success === true && parsed.data.requestId === requestId;
  };
  const call = await s.slack.waitForCall(isIt, timeoutMs);
  const where = z.object({ channel: z.string(), ts: z.string() }).parse(call.response);
  const approveValue = buttonValue(call.args.blocks, ACTION_IDS.approveFix);
  const denyValue = buttonValue(call.args.blocks, ACTION_IDS.denyFix);
  if (approveValue === null || denyValue === null) throw new Error(`approval message of ${requestId} without Approve/Deny`);
  return { requestId, channel: where.channel, ts: where.ts, approveValue, denyValue };
}

export interface Requested {
  requestId: string;
  approval: ApprovalMessage;
  /** The requester's ephemeral confirmation. */
  answer: RecordedResponse;
}

/** `/vmlocks <instance>` then "Request fix" on the report, as `user`: the pending request and its approval message. */
export async function requestFixAs(s: SlackSide, user: string, instance: string): Promise<Requested> {
  const report = await runVmlocks(s, user, instance);
  const value = buttonValue(report.body.blocks, ACTION_IDS.requestFix);
  if (value === null) throw new Error(`the report of ${instance} has no Request fix button:\n${textOf(report.body)}`);
  const responseId = await click(s, { actionId: ACTION_IDS.requestFix, value, user });
  const answer = await answerTo(s, responseId, 60_000);
  const id = /fx-[0-9a-f]{10}/.exec(textOf(answer.body))?.[0];
  if (id === undefined) throw new Error(`no request id in the answer to Request fix:\n${textOf(answer.body)}`);
  return { requestId: id, approval: await approvalMessageOf(s, id), answer };
}

/** Clicks Approve on the approval message, where it is in the incident channel. */
export function clickOnApproval(s: SlackSide, a: ApprovalMessage, user: string): Promise<string> {
  return click(s, { actionId: ACTION_IDS.approveFix, value: a.approveValue, user, channel: a.channel, messageTs: a.ts });
}

/** Clicks Deny on the approval message; resolves with the `views.open` the bot made with the click's trigger_id. */
export async function openDenyModal(s: SlackSide, a: ApprovalMessage, user: string, timeoutMs = 15_000): Promise<RecordedCall> {
  const triggerId = `${Date.now()}.${randomUUID()}.trigger`;
  await click(s, { actionId: ACTION_IDS.denyFix, value: a.denyValue, user, channel: a.channel, messageTs: a.ts, triggerId });
  return s.slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === triggerId, timeoutMs);
}

/** Submits the deny modal as `user` with `reason`, using the private_metadata of the modal the bot opened. */
export async function submitDenyModal(s: SlackSide, opened: RecordedCall, user: string, reason: string): Promise<SentResponse> {
  const view = z.object({ callback_id: z.literal(DENY_MODAL_CALLBACK_ID), private_metadata: z.string() }).parse(opened.args.view);
  const payload = viewSubmissionPayload({
    callbackId: view.callback_id, privateMetadata: view.private_metadata, userId: user,
    values: { [DENY_REASON_BLOCK_ID]: { [DENY_REASON_ACTION_ID]: { type: 'plain_text_input', value: reason } } },
  });
  return send(s, interactionBody(payload));
}

/** Recorded posts and updates of the approval message and the incident channel, in order. */
export function approvalUpdates(s: SlackSide, a: ApprovalMessage): RecordedCall[] {
  return s.slack.callsTo('chat.update').filter((c) => c.args.channel === a.channel && c.args.ts === a.ts);
}

export function incidentPosts(s: SlackSide, requestId: string): RecordedCall[] {
  return s.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL && textOf(c.args).includes(requestId));
}

function isToUser(c: RecordedCall, user: string): boolean {
  return c.response.ok === true &&
    ((c.method === 'chat.postEphemeral' && c.args.user === user) || (c.method === 'chat.postMessage' && c.args.channel === user));
}

/** What the bot told `user` (ephemeral in a channel, or a DM), in order. */
export function toldUser(s: SlackSide, user: string): RecordedCall[] {
  return s.slack.callsTo('chat.postEphemeral').concat(s.slack.callsTo('chat.postMessage')).filter((c) => isToUser(c, user)).sort((a, b) => a.at - b.at);
}

/** Waits until the bot told `user` something whose text matches. */
export function waitForTold(s: SlackSide, user: string, match: (text: string) => boolean, timeoutMs = 30_000): Promise<RecordedCall> {
  return s.slack.waitForCall((c) => isToUser(c, user) && match(textOf(c.args)), timeoutMs);
}
