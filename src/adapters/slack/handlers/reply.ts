/** Answers through an interaction's response_url (works in channels the bot is not in, 5 times in 30 minutes). */
import type { SlackMessage } from '../blocks/block-kit.js';
import type { Respond } from './handler-deps.js';

/** Only the clicker sees it; the message clicked stays as it is. */
export async function replyEphemeral(respond: Respond, m: SlackMessage): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text: m.text, blocks: m.blocks });
}

/** A report: for everyone in the channel where reports may be posted (DESIGN.md §5), otherwise only for the user. */
export async function replyReport(respond: Respond, m: SlackMessage, channel: string, reportChannels: ReadonlySet<string>): Promise<void> {
  if (reportChannels.has(channel)) await replyInChannel(respond, m);
  else await replyEphemeral(respond, m);
}

/** Everyone in the channel sees it. */
export async function replyInChannel(respond: Respond, m: SlackMessage): Promise<void> {
  await respond({ response_type: 'in_channel', text: m.text, blocks: m.blocks });
}

/** Replaces the message that was clicked. */
export async function replaceOriginal(respond: Respond, m: SlackMessage): Promise<void> {
  await respond({ replace_original: true, text: m.text, blocks: m.blocks });
}
