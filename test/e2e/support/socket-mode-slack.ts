/**
 * The Slack side of the Socket Mode end-to-end test, played as Slack plays it over the WebSocket: a `/vmlocks`
 * slash command is a `slash_commands` envelope whose payload holds the same fields Slack would have form-posted in
 * http mode; a button click is an `interactive` envelope holding the `block_actions` payload. Each helper waits for
 * the bot's ack of its envelope, within the 3 seconds Slack allows (docs.slack.dev "Using Socket Mode").
 */
import { randomUUID } from 'node:crypto';
import type { FakeSlackApi } from '../../support/fake-slack-api.js';
import type { FakeSocketMode, SocketModeAck } from '../../support/fake-socket-mode.js';
import { blockActionPayload, slashCommandBody } from '../../support/sign-slack-request.js';
import { ONCALL_CHANNEL } from './fix-slack.js';

/** Slack's deadline for an ack; a generous bound for the test, not a latency measurement. */
export const ACK_DEADLINE_MS = 3_000;

export interface SocketSide {
  slack: FakeSlackApi;
  socket: FakeSocketMode;
}

export interface Delivered {
  envelopeId: string;
  /** ms since the epoch, when the envelope was sent. */
  sentAt: number;
  ack: SocketModeAck;
  /** The id of the response_url the payload carried (FakeSlackApi.responseUrl). */
  responseId: string;
}

/** Sends `/vmlocks <text>` as a `slash_commands` envelope and waits for its ack. */
export async function slashOverSocket(s: SocketSide, text: string, user: string): Promise<Delivered> {
  const responseId = `sock-cmd-${randomUUID()}`;
  const fields = slashCommandBody({ text, userId: user, channelId: ONCALL_CHANNEL, responseUrl: s.slack.responseUrl(responseId) });
  const sentAt = Date.now();
  const envelopeId = s.socket.sendEnvelope('slash_commands', Object.fromEntries(new URLSearchParams(fields)));
  return { envelopeId, sentAt, responseId, ack: await s.socket.waitForAck(envelopeId, ACK_DEADLINE_MS) };
}

export interface SocketClick { actionId: string; value: string; user: string; messageTs?: string }

/** Sends a button click as an `interactive` envelope (`block_actions`) and waits for its ack. */
export async function clickOverSocket(s: SocketSide, c: SocketClick): Promise<Delivered> {
  const responseId = `sock-click-${randomUUID()}`;
  const payload = blockActionPayload({
    actionId: c.actionId, value: c.value, userId: c.user, channelId: ONCALL_CHANNEL, responseUrl: s.slack.responseUrl(responseId),
    triggerId: `${Date.now()}.${randomUUID()}.trigger`, ...(c.messageTs === undefined ? {} : { messageTs: c.messageTs }),
  });
  const sentAt = Date.now();
  const envelopeId = s.socket.sendEnvelope('interactive', payload);
  return { envelopeId, sentAt, responseId, ack: await s.socket.waitForAck(envelopeId, ACK_DEADLINE_MS) };
}
