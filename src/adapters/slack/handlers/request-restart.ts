/**
 * "Request restart" (on the approval message of a fix interrupted after it removed the locks): the workflow checks
 * that no disk is locked, records a pending restart request and posts its approval message; the clicker is told,
 * only to them, where it went or why there is none.
 */
import { ACTION_IDS } from '../action-ids.js';
import { RequestButtonValue } from '../button-values.js';
import { buildRequestRefusedMessage, buildRequestSentMessage } from '../blocks/fix-request-messages.js';
import { code } from '../blocks/mrkdwn.js';
import { buildRateLimitMessage } from '../blocks/simple-messages.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { locate } from './permalink.js';
import { readClick, refuseMalformedClick } from './read-click.js';
import { admit } from './admit.js';
import { actorOfInteraction, channelOf } from '../payloads.js';
import { replyEphemeral } from './reply.js';

export function createRequestRestartHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.requestRestart, RequestButtonValue);
    if (!click.ok || !respond) return refuseMalformedClick(deps, 'request_restart', click.ok ? 'no response_url' : click.error, respond);
    const { user, value } = click.value;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    const channel = channelOf(click.value.body);
    deps.metrics.commands.inc({ kind: 'request_restart' });
    try {
      const gate = await deps.commandLimiter.take(user);
      if (!gate.allowed) return await replyEphemeral(respond, buildRateLimitMessage(gate.retryAfterMs, deps.commandLimit));
      const result = await deps.fixes.requestRestart({ requestId: value.requestId, requestedBy: user, origin: channel === null ? null : { channel, user } });
      if (result.ok) {
        deps.logger.info({ requestId: result.value.id, interrupted: value.requestId, user }, 'restart requested');
        return await replyEphemeral(respond, buildRequestSentMessage(result.value, await locate(deps, result.value.approvalMessage)));
      }
      deps.logger.info({ code: result.error.code, interrupted: value.requestId, user }, 'restart request refused');
      await replyEphemeral(respond, buildRequestRefusedMessage(result.error, await locate(deps, result.error.existing?.approvalMessage ?? null)));
    } catch (err) {
      await answerFailure(deps, { err, action: `request the restart left by fix ${code(value.requestId)}`, kind: 'request_restart', user, respond });
    }
  };
}
