/** A direct message to one user: conversations.open (scope im:write) gives the DM's id, chat.postMessage posts there. */
import type { WebClient } from '@slack/web-api';
import type { Metrics } from '../observability/metrics.js';
import type { SlackMessage } from './blocks/block-kit.js';
import { ChatPostMessageAnswer, ConversationsOpenAnswer } from './slack-answers.js';
import { callSlack } from './slack-call.js';

export async function sendDirectMessage(client: WebClient, metrics: Metrics, userId: string, message: SlackMessage): Promise<{ channel: string; ts: string }> {
  const opened = await callSlack(metrics, 'conversations.open', ConversationsOpenAnswer, () => client.conversations.open({ users: userId }));
  const posted = await callSlack(metrics, 'chat.postMessage', ChatPostMessageAnswer, () =>
    client.chat.postMessage({ channel: opened.channel.id, text: message.text, blocks: message.blocks }));
  return { channel: posted.channel, ts: posted.ts };
}
