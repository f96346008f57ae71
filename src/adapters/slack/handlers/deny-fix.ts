/**
 * "Deny": opens a modal asking for the reason. views.open must use the click's trigger_id within 3 s of the
 * click (docs.slack.dev "Modals"), so it is called right after ack() and before anything else.
 */
import { ACTION_IDS } from '../action-ids.js';
import { RequestButtonValue } from '../button-values.js';
import { buildDenyModal } from '../blocks/deny-modal.js';
import { code } from '../blocks/mrkdwn.js';
import { ViewsOpenAnswer } from '../slack-answers.js';
import { callSlack } from '../slack-call.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { readClick, refuseMalformedClick } from './read-click.js';
import { admit } from './admit.js';
import { actorOfInteraction } from '../payloads.js';

export function createDenyFixHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.denyFix, RequestButtonValue);
    if (!click.ok) return refuseMalformedClick(deps, 'deny', click.error, respond);
    const { user, value } = click.value;
    if (!(await deps.decisions.pass(deps, user, respond))) return;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    deps.metrics.commands.inc({ kind: 'deny' });
    try {
      await callSlack(deps.metrics, 'views.open', ViewsOpenAnswer, () =>
        deps.web.views.open({ trigger_id: click.value.body.trigger_id, view: buildDenyModal(value.requestId) }));
    } catch (err) {
      await answerFailure(deps, { err, action: `open the deny form of fix ${code(value.requestId)}`, kind: 'deny', user, respond });
    }
  };
}
