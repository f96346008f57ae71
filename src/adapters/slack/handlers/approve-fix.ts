/**
 * "Approve": the workflow decides (second person, authorised at click time, once only) and, on success, updates
 * the approval message itself; so only a refusal is answered here, to the clicker alone.
 */
import { ACTION_IDS } from '../action-ids.js';
import { RequestButtonValue } from '../button-values.js';
import { buildDecisionRefusedMessage } from '../blocks/fix-request-messages.js';
import { code } from '../blocks/mrkdwn.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { readClick, refuseMalformedClick } from './read-click.js';
import { admit } from './admit.js';
import { actorOfInteraction } from '../payloads.js';
import { replyEphemeral } from './reply.js';

export function createApproveFixHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.approveFix, RequestButtonValue);
    if (!click.ok || !respond) return refuseMalformedClick(deps, 'approve', click.ok ? 'no response_url' : click.error, respond);
    const { user, value } = click.value;
    if (!(await deps.decisions.pass(deps, user, respond))) return;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    deps.metrics.commands.inc({ kind: 'approve' });
    try {
      const result = await deps.fixes.decide({ requestId: value.requestId, userId: user, decision: 'approve' });
      if (result.ok) {
        deps.logger.info({ requestId: value.requestId, user }, 'fix approved');
        return;
      }
      deps.logger.info({ requestId: value.requestId, user, code: result.error.code }, 'approval refused');
      await replyEphemeral(respond, buildDecisionRefusedMessage(result.error));
    } catch (err) {
      await answerFailure(deps, { err, action: `approve fix ${code(value.requestId)}`, kind: 'approve', user, respond });
    }
  };
}
