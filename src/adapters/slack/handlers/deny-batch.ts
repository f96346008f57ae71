/**
 * "Deny" on a host batch: opens the same deny modal as a single fix (views.open within 3 s of the click), carrying
 * the batch id; its submission (deny-modal-submit.ts) routes a batch id (`hb-…`) to the batch workflow.
 */
import { ACTION_IDS } from '../action-ids.js';
import { BatchButtonValue } from '../button-values.js';
import { buildDenyModal } from '../blocks/deny-modal.js';
import { code } from '../blocks/mrkdwn.js';
import { ViewsOpenAnswer } from '../slack-answers.js';
import { callSlack } from '../slack-call.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { actorOfInteraction } from '../payloads.js';
import { readClick, refuseMalformedClick } from './read-click.js';
import { admit } from './admit.js';

export function createDenyBatchHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.denyBatch, BatchButtonValue);
    if (!click.ok) return refuseMalformedClick(deps, 'deny_batch', click.error, respond);
    const { user, value } = click.value;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    deps.metrics.commands.inc({ kind: 'deny_batch' });
    try {
      await callSlack(deps.metrics, 'views.open', ViewsOpenAnswer, () =>
        deps.web.views.open({ trigger_id: click.value.body.trigger_id, view: buildDenyModal(value.batchId) }));
    } catch (err) {
      await answerFailure(deps, { err, action: `open the deny form of batch ${code(value.batchId)}`, kind: 'deny_batch', user, respond });
    }
  };
}
