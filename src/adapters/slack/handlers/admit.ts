/**
 * The gate of every Slack entry point: the access check (access/access-guard.ts), and a refusal that is short,
 * only for the user, and says nothing about what vmlocks knows (not even whether the instance exists).
 */
import type { SlackActor } from '../access/access-guard.js';
import { buildNoticeMessage } from '../blocks/simple-messages.js';
import type { SlackMessage } from '../blocks/block-kit.js';
import type { HandlerDeps, Respond } from './handler-deps.js';
import { replyEphemeral } from './reply.js';

export const ACCESS_REFUSED_TEXT = ':no_entry: vmlocks is not available to you. Ask the on-call team.';

export function buildAccessRefusedMessage(): SlackMessage {
  return buildNoticeMessage(ACCESS_REFUSED_TEXT);
}

/** True when the actor may go on; otherwise answers the refusal to them alone (when there is a response_url). */
export async function admit(deps: HandlerDeps, actor: SlackActor, respond?: Respond): Promise<boolean> {
  const verdict = await deps.access.checkOperator(actor);
  if (verdict.allowed) return true;
  deps.metrics.commands.inc({ kind: 'refused_access' });
  if (respond) {
    await replyEphemeral(respond, buildAccessRefusedMessage()).catch((err: unknown) =>
      deps.logger.warn({ err, userId: actor.userId }, 'could not answer an access refusal'));
  }
  return false;
}
