/**
 * "Request fix" (on a stale report): the workflow inspects again, records a pending request and posts the
 * approval message; the requester is told, only to them, where it went or why there is no request.
 */
import { ACTION_IDS } from '../action-ids.js';
import { InstanceButtonValue } from '../button-values.js';
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

export function createRequestFixHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.requestFix, InstanceButtonValue);
    if (!click.ok || !respond) return refuseMalformedClick(deps, 'request_fix', click.ok ? 'no response_url' : click.error, respond);
    const { user, value } = click.value;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    const channel = channelOf(click.value.body);
    deps.metrics.commands.inc({ kind: 'request_fix' });
    try {
      const gate = await deps.commandLimiter.take(user);
      if (!gate.allowed) return await replyEphemeral(respond, buildRateLimitMessage(gate.retryAfterMs, deps.commandLimit));
      const result = await deps.fixes.requestFix({ instanceId: value.instanceId, requestedBy: user, origin: channel === null ? null : { channel, user } });
      if (result.ok) {
        deps.logger.info({ requestId: result.value.id, instanceId: value.instanceId, user }, 'fix requested');
        return await replyEphemeral(respond, buildRequestSentMessage(result.value, await locate(deps, result.value.approvalMessage)));
      }
      const existing = result.error.existing?.approvalMessage ?? null;
      // One open fix per instance (the store's guard) is a limit too: count it with the others.
      if (result.error.code === 'already_open') deps.metrics.limitHits.inc({ limit: 'instance_busy' });
      deps.logger.info({ code: result.error.code, instanceId: value.instanceId, user }, 'fix request refused');
      await replyEphemeral(respond, buildRequestRefusedMessage(result.error, await locate(deps, existing)));
    } catch (err) {
      await answerFailure(deps, { err, action: `request a fix of ${code(value.instanceId)}`, kind: 'request_fix', user, respond });
    }
  };
}
