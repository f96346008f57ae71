/**
 * "Approve" on a host batch: the workflow decides (second person, authorised at click time, once only) and updates
 * the approval message itself; only a refusal is answered here, to the clicker alone.
 */
import { ACTION_IDS } from '../action-ids.js';
import { BatchButtonValue } from '../button-values.js';
import { buildBatchDecisionRefusedMessage } from '../blocks/batch-messages.js';
import { code } from '../blocks/mrkdwn.js';
import { buildNoticeMessage } from '../blocks/simple-messages.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { actorOfInteraction } from '../payloads.js';
import { readClick, refuseMalformedClick } from './read-click.js';
import { admit } from './admit.js';
import { replyEphemeral } from './reply.js';

export function createApproveBatchHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.approveBatch, BatchButtonValue);
    if (!click.ok || !respond) return refuseMalformedClick(deps, 'approve_batch', click.ok ? 'no response_url' : click.error, respond);
    const { user, value } = click.value;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    deps.metrics.commands.inc({ kind: 'approve_batch' });
    if (!deps.batches) return replyEphemeral(respond, buildNoticeMessage(':warning: This vmlocks does not take host batches. Nothing was changed.'));
    try {
      const result = await deps.batches.decide({ batchId: value.batchId, userId: user, decision: 'approve' });
      if (result.ok) {
        deps.logger.info({ batchId: value.batchId, user }, 'host batch approved');
        return;
      }
      deps.logger.info({ batchId: value.batchId, user, code: result.error.code }, 'batch approval refused');
      await replyEphemeral(respond, buildBatchDecisionRefusedMessage(result.error));
    } catch (err) {
      await answerFailure(deps, { err, action: `approve batch ${code(value.batchId)}`, kind: 'approve_batch', user, respond });
    }
  };
}
