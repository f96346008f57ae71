/** zod schemas of the Web API answers vmlocks reads (shapes from Slack's method reference pages). */
import { z } from 'zod';

export const SlackChannelId = z.string().regex(/^[CDG][A-Z0-9]{2,30}$/, 'not a Slack conversation id');
export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'not a Slack user id');
export const SlackTs = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'not a Slack message ts');

export const ChatPostMessageAnswer = z.object({ ok: z.literal(true), channel: SlackChannelId, ts: SlackTs });
export type ChatPostMessageAnswer = z.infer<typeof ChatPostMessageAnswer>;

export const ChatUpdateAnswer = z.object({ ok: z.literal(true), channel: SlackChannelId, ts: SlackTs });
export const ChatPostEphemeralAnswer = z.object({ ok: z.literal(true), message_ts: SlackTs });
export const ChatGetPermalinkAnswer = z.object({ ok: z.literal(true), permalink: z.url({ protocol: /^https?$/ }).max(2000) });
export const ConversationsOpenAnswer = z.object({ ok: z.literal(true), channel: z.object({ id: SlackChannelId }) });
export const UsergroupsUsersListAnswer = z.object({ ok: z.literal(true), users: z.array(SlackUserId) });
export const ViewsOpenAnswer = z.object({ ok: z.literal(true), view: z.object({ id: z.string().min(1) }) });
