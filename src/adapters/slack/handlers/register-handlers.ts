/** Wires each Slack command, action and view to its handler (one file each in this folder). */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { ACTION_IDS, DENY_MODAL_CALLBACK_ID, SLASH_COMMAND } from '../action-ids.js';
import { createApproveBatchHandler } from './approve-batch.js';
import { createApproveFixHandler } from './approve-fix.js';
import { createDenyBatchHandler } from './deny-batch.js';
import { createRequestBatchHandler } from './request-batch.js';
import { createCheckAgainHandler } from './check-again.js';
import { createDenyFixHandler } from './deny-fix.js';
import { createDenyModalSubmitHandler } from './deny-modal-submit.js';
import type { HandlerDeps } from './handler-deps.js';
import { createRequestFixHandler } from './request-fix.js';
import { createRequestRestartHandler } from './request-restart.js';
import { createVmlocksCommandHandler } from './vmlocks-command.js';

export function registerHandlers(app: App, deps: HandlerDeps): void {
  const command = createVmlocksCommandHandler(deps);
  app.command(SLASH_COMMAND, ({ body, ack, respond }) => command({ body, ack: () => ack(), respond }));

  const actions = [
    [ACTION_IDS.checkAgain, createCheckAgainHandler(deps)],
    [ACTION_IDS.requestFix, createRequestFixHandler(deps)],
    [ACTION_IDS.approveFix, createApproveFixHandler(deps)],
    [ACTION_IDS.denyFix, createDenyFixHandler(deps)],
    [ACTION_IDS.requestRestart, createRequestRestartHandler(deps)],
    [ACTION_IDS.requestBatch, createRequestBatchHandler(deps)],
    [ACTION_IDS.approveBatch, createApproveBatchHandler(deps)],
    [ACTION_IDS.denyBatch, createDenyBatchHandler(deps)],
  ] as const;
  for (const [actionId, handler] of actions) {
    app.action(actionId, ({ body, ack, respond }) => handler({ body, ack: () => ack(), respond }));
  }

  const denySubmit = createDenyModalSubmitHandler(deps);
  app.view<ViewSubmitAction>({ callback_id: DENY_MODAL_CALLBACK_ID, type: 'view_submission' }, ({ body, ack }) => denySubmit({ body, ack }));
}
