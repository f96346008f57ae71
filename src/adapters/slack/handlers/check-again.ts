/** "Check again" (on an unknown verdict): inspect the same instance again and replace the report in place. */
import { ACTION_IDS } from '../action-ids.js';
import { InstanceButtonValue } from '../button-values.js';
import { buildInspectOutcomeMessage } from '../blocks/inspect-outcome.js';
import { code } from '../blocks/mrkdwn.js';
import { buildRateLimitMessage } from '../blocks/simple-messages.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { readClick, refuseMalformedClick } from './read-click.js';
import { admit } from './admit.js';
import { actorOfInteraction } from '../payloads.js';
import { replaceOriginal, replyEphemeral } from './reply.js';

export function createCheckAgainHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const click = readClick(body, ACTION_IDS.checkAgain, InstanceButtonValue);
    if (!click.ok || !respond) return refuseMalformedClick(deps, 'check_again', click.ok ? 'no response_url' : click.error, respond);
    const { user, value } = click.value;
    if (!(await admit(deps, actorOfInteraction(click.value.body), respond))) return;
    deps.metrics.commands.inc({ kind: 'check_again' });
    try {
      const gate = await deps.commandLimiter.take(user);
      if (!gate.allowed) return await replyEphemeral(respond, buildRateLimitMessage(gate.retryAfterMs, deps.commandLimit));
      const outcome = await deps.inspect.inspect({ kind: 'uuid', id: value.instanceId }, user);
      await replaceOriginal(respond, buildInspectOutcomeMessage(outcome));
    } catch (err) {
      await answerFailure(deps, { err, action: `check ${code(value.instanceId)} again`, kind: 'check_again', user, respond });
    }
  };
}
