/**
 * zod schemas of the request bodies Slack sends (slash command form fields, interaction payloads), read only as far
 * as vmlocks uses them. Bolt has verified the signature; these check the shape and the ids before any use.
 */
import { z } from 'zod';
import { DENY_MODAL_CALLBACK_ID } from './action-ids.js';
import type { SlackActor } from './access/access-guard.js';
import { SlackChannelId, SlackTs, SlackUserId } from './slack-answers.js';

export const SlackTeamId = z.string().regex(/^[TE][A-Z0-9]{2,30}$/, 'not a Slack team id');
// Slack sends enterprise fields only on Enterprise Grid; an empty string is read as none.
const EnterpriseId = z.string().regex(/^(E[A-Z0-9]{2,30})?$/, 'not a Slack enterprise id').nullish().transform((v) => (v ? v : null));
const TriggerId = z.string().min(1).max(200);
const ResponseUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const SlashCommandBody = z.object({
  team_id: SlackTeamId,
  enterprise_id: EnterpriseId,
  user_id: SlackUserId,
  channel_id: SlackChannelId,
  // Slack caps a slash command's text at 4000 characters; longer is not from Slack.
  text: z.string().max(4000),
  response_url: ResponseUrl,
  trigger_id: TriggerId,
});
export type SlashCommandBody = z.infer<typeof SlashCommandBody>;

export const BlockActionBody = z.object({
  type: z.literal('block_actions'),
  // null for org-wide installs
  team: z.object({ id: SlackTeamId, enterprise_id: EnterpriseId }).nullable(),
  enterprise: z.object({ id: EnterpriseId }).nullish(),
  user: z.object({ id: SlackUserId, team_id: SlackTeamId.optional() }),
  channel: z.object({ id: SlackChannelId }).optional(),
  container: z.object({ channel_id: SlackChannelId.optional(), message_ts: SlackTs.optional(), is_ephemeral: z.boolean().optional() }).optional(),
  trigger_id: TriggerId,
  response_url: ResponseUrl.optional(),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(2000) })).min(1),
});
export type BlockActionBody = z.infer<typeof BlockActionBody>;

const InputValue = z.object({ type: z.string(), value: z.string().max(3000).nullable().optional() });

export const DenyViewSubmissionBody = z.object({
  type: z.literal('view_submission'),
  team: z.object({ id: SlackTeamId, enterprise_id: EnterpriseId }).nullable(),
  enterprise: z.object({ id: EnterpriseId }).nullish(),
  user: z.object({ id: SlackUserId, team_id: SlackTeamId.optional() }),
  view: z.object({
    callback_id: z.literal(DENY_MODAL_CALLBACK_ID),
    private_metadata: z.string().max(3000),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), InputValue)) }),
  }),
});
export type DenyViewSubmissionBody = z.infer<typeof DenyViewSubmissionBody>;

/** The channel a click came from: `channel` for messages, `container.channel_id` otherwise. */
export function channelOf(body: BlockActionBody): string | null {
  return body.channel?.id ?? body.container?.channel_id ?? null;
}

/** Who sent a slash command, for the access check. */
export function actorOfCommand(body: SlashCommandBody): SlackActor {
  return { userId: body.user_id, teamId: body.team_id, enterpriseId: body.enterprise_id, userTeamId: null };
}

/** Who clicked or submitted, for the access check. */
export function actorOfInteraction(body: BlockActionBody | DenyViewSubmissionBody): SlackActor {
  return {
    userId: body.user.id,
    teamId: body.team?.id ?? null,
    enterpriseId: body.enterprise?.id ?? body.team?.enterprise_id ?? null,
    userTeamId: body.user.team_id ?? null,
  };
}
