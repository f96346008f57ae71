/**
 * "Request fix for all N stale" (host view): the batch workflow inspects the host again, records one pending batch
 * and posts its approval message; the requester is told, only to them, where it went or why there is no batch
 * (over VMLOCKS_BATCH_MAX, nothing stale, a batch already open).
 */
import { ACTION_IDS } from '../action-ids.js';
import { HostButtonValue } from '../button-values.js';
import { buildBatchRefusedMessage, buildBatchSentMessage } from '../blocks/batch-messages.js';
import { code } from '../blocks/mrkdwn.js';
import { buildNoticeMessage, buildRateLimitMessage } from '../blocks/simple-messages.js';
import { actorOfInteraction, channelOf } from '../payloads.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { locate } from './permalink.js';
import { readClick, refuseMalformedClick } from './read-click.js';
import { admit } from './admit.js';
import { replyEphemeral } from './reply.js';

export function createRequestBatchHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.requestBatch, HostButtonValue);
    if (!click.ok || !respond) return refuseMalformedClick(deps, 'request_batch', click.ok ? 'no response_url' : click.error, respond);
    const { user, value } = click.value;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    const channel = channelOf(click.value.body);
    deps.metrics.commands.inc({ kind: 'request_batch' });
    if (!deps.batches) return replyEphemeral(respond, buildNoticeMessage(':warning: This vmlocks does not take host batches. Nothing was requested.'));
    try {
      const gate = await deps.commandLimiter.take(user);
      if (!gate.allowed) return await replyEphemeral(respond, buildRateLimitMessage(gate.retryAfterMs, deps.commandLimit));
      const result = await deps.batches.requestBatch({ host: value.host, requestedBy: user, origin: channel === null ? null : { channel, user } });
      if (result.ok) {
        deps.logger.info({ batchId: result.value.id, host: value.host, user }, 'host batch requested');
        return await replyEphemeral(respond, buildBatchSentMessage(result.value, await locate(deps, result.value.approvalMessage)));
      }
      if (result.error.code === 'over_cap') deps.metrics.limitHits.inc({ limit: 'batch_max' });
      deps.logger.info({ code: result.error.code, host: value.host, user }, 'host batch refused');
      await replyEphemeral(respond, buildBatchRefusedMessage(result.error, await locate(deps, result.error.existing?.approvalMessage ?? null)));
    } catch (err) {
      await answerFailure(deps, { err, action: `request a fix of every stale instance of ${code(value.host)}`, kind: 'request_batch', user, respond });
    }
  };
}
