/** A link to a message (chat.getPermalink needs no scope). Without it the channel mention still says where. */
import type { SlackMessageRef } from '../../../core/fix-request.js';
import type { MessageLocation } from '../blocks/fix-request-messages.js';
import { ChatGetPermalinkAnswer } from '../slack-answers.js';
import { callSlack } from '../slack-call.js';
import type { HandlerDeps } from './handler-deps.js';

export async function locate(deps: HandlerDeps, ref: SlackMessageRef | null): Promise<MessageLocation | null> {
  if (ref === null) return null;
  try {
    const answer = await callSlack(deps.metrics, 'chat.getPermalink', ChatGetPermalinkAnswer, () =>
      deps.web.chat.getPermalink({ channel: ref.channel, message_ts: ref.ts }));
    return { channel: ref.channel, permalink: answer.permalink };
  } catch (err) {
    deps.logger.warn({ err, channel: ref.channel, ts: ref.ts }, 'no permalink for the approval message; naming the channel only');
    return { channel: ref.channel, permalink: null };
  }
}
