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

// auth.test: `team_id` is the workspace (the enterprise for an org-wide install); `enterprise_id` only on Enterprise Grid.
export const AuthTestAnswer = z.object({
  ok: z.literal(true),
  team_id: z.string().regex(/^[TE][A-Z0-9]{2,30}$/),
  user_id: SlackUserId,
  enterprise_id: z.string().regex(/^E[A-Z0-9]{2,30}$/).nullish(),
  is_enterprise_install: z.boolean().optional(),
});
export type AuthTestAnswer = z.infer<typeof AuthTestAnswer>;

// users.info (scope users:read): only the fields that decide who may see reports.
export const UsersInfoAnswer = z.object({
  ok: z.literal(true),
  user: z.object({
    id: SlackUserId,
    team_id: z.string().regex(/^[TE][A-Z0-9]{2,30}$/),
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    is_restricted: z.boolean().optional(),
    is_ultra_restricted: z.boolean().optional(),
    is_stranger: z.boolean().optional(),
    enterprise_user: z.object({ enterprise_id: z.string() }).partial().optional(),
  }),
});
export type UsersInfoAnswer = z.infer<typeof UsersInfoAnswer>;
