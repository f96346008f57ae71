/**
 * The deny modal's submission. Slack closes or updates the modal from the HTTP answer, which must come within
 * 3 s; the decision is awaited for `viewAckDeadlineMs` so that a refusal can be shown in the modal. A slower
 * decision closes the modal and its refusal (or failure) reaches the user by DM.
 */
import type { Rejection } from '../../../core/fix-request.js';
import type { Result } from '../../../core/result.js';
import { DENY_REASON_ACTION_ID, DENY_REASON_BLOCK_ID } from '../action-ids.js';
import { RequestButtonValue, parseJsonValue } from '../button-values.js';
import { buildDenyResultModal, denyRefusalText } from '../blocks/deny-modal.js';
import { code } from '../blocks/mrkdwn.js';
import { buildNoticeMessage } from '../blocks/simple-messages.js';
import { sendDirectMessage } from '../direct-message.js';
import { actorOfInteraction, DenyViewSubmissionBody } from '../payloads.js';
import { ACCESS_REFUSED_TEXT, admit } from './admit.js';
import { failureMessage, newRef } from './failure.js';
import type { HandlerDeps, ViewSubmissionArgs } from './handler-deps.js';
import { settleWithin } from './settle-within.js';

function readReason(body: DenyViewSubmissionBody): string {
  return body.view.state.values[DENY_REASON_BLOCK_ID]?.[DENY_REASON_ACTION_ID]?.value?.trim() ?? '';
}

export function createDenyModalSubmitHandler(deps: HandlerDeps) {
  return async ({ body, ack }: ViewSubmissionArgs): Promise<void> => {
    const parsed = DenyViewSubmissionBody.safeParse(body);
    const meta = parsed.success ? parseJsonValue(RequestButtonValue, parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.ok) {
      const problem = !parsed.success ? parsed.error.issues : meta && !meta.ok ? meta.error : null;
      deps.logger.warn({ problem }, 'deny modal submission did not validate; ignored');
      return ack({ response_action: 'update', view: buildDenyResultModal(':warning: vmlocks could not read this form. Nothing was changed.') });
    }
    const reason = readReason(parsed.data);
    if (reason === '') return ack({ response_action: 'errors', errors: { [DENY_REASON_BLOCK_ID]: 'Say why the fix is denied.' } });
    const user = parsed.data.user.id;
    const { requestId } = meta.value;
    if (!(await deps.decisions.pass(deps, user))) {
      return ack({ response_action: 'update', view: buildDenyResultModal(':hourglass: Too many clicks; try again in a few seconds.') });
    }
    if (!(await admit(deps, actorOfInteraction(parsed.data)))) {
      return ack({ response_action: 'update', view: buildDenyResultModal(ACCESS_REFUSED_TEXT) });
    }
    deps.metrics.commands.inc({ kind: 'deny_submit' });
    const action = `deny fix ${code(requestId)}`;

    // Through a promise chain, so that even a synchronous throw is answered in the modal, not lost to Bolt.
    // A host batch's Deny opens the same modal with the batch id (`hb-…`, services/request-batch.ts).
    const batches = deps.batches;
    const decision = Promise.resolve().then((): Promise<Result<unknown, Rejection>> => (requestId.startsWith('hb-') && batches
      ? batches.decide({ batchId: requestId, userId: user, decision: 'deny', reason })
      : deps.fixes.decide({ requestId, userId: user, decision: 'deny', reason })));
    const early = await settleWithin(decision, deps.viewAckDeadlineMs);
    if (early.state === 'fulfilled') {
      if (early.value.ok) return ack();
      deps.logger.info({ requestId, user, code: early.value.error.code }, 'denial refused');
      return ack({ response_action: 'update', view: buildDenyResultModal(denyRefusalText(early.value.error.detail)) });
    }
    if (early.state === 'rejected') {
      const ref = newRef();
      deps.logger.error({ err: early.reason, ref, kind: 'deny_submit', user, requestId }, `could not deny fix ${requestId}`);
      return ack({ response_action: 'update', view: buildDenyResultModal(failureMessage(early.reason, action, ref).text) });
    }
    await ack();
    try {
      const result = await decision;
      if (!result.ok) await sendDirectMessage(deps.web, deps.metrics, user, buildNoticeMessage(denyRefusalText(result.error.detail)));
    } catch (err) {
      const ref = newRef();
      deps.logger.error({ err, ref, kind: 'deny_submit', user, requestId }, `could not deny fix ${requestId}`);
      await sendDirectMessage(deps.web, deps.metrics, user, failureMessage(err, action, ref)).catch((dmErr: unknown) =>
        deps.logger.error({ err: dmErr, ref }, 'could not tell the user about the failure'));
    }
  };
}
