/**
 * Slack `action_id`s and `callback_id`s of vmlocks. They are the routing keys between the messages the builders
 * render and the Bolt listeners in app.ts: change one and both ends change together. Slack allows 255 characters
 * for an action_id or block_id; these stay short.
 */
export const ACTION_IDS = {
  requestFix: 'vmlocks.request_fix',
  checkAgain: 'vmlocks.check_again',
  approveFix: 'vmlocks.approve_fix',
  denyFix: 'vmlocks.deny_fix',
  /** On the approval message of a fix interrupted after it removed the locks: the restart it left undone. */
  requestRestart: 'vmlocks.request_restart',
  /** A whole host: "Request fix for all N stale" on the host view, Approve / Deny on the batch approval message. */
  requestBatch: 'vmlocks.request_batch',
  approveBatch: 'vmlocks.approve_batch',
  denyBatch: 'vmlocks.deny_batch',
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

/** The modal that asks for the reason of a denial (views.open, then view_submission). */
export const DENY_MODAL_CALLBACK_ID = 'vmlocks.deny_fix_modal';

/** Block and action ids of the reason input inside the deny modal (`view.state.values[block][action]`). */
export const DENY_REASON_BLOCK_ID = 'vmlocks.deny_reason';
export const DENY_REASON_ACTION_ID = 'vmlocks.deny_reason_input';

/** The slash command, as registered in manifest.yml. */
export const SLASH_COMMAND = '/vmlocks';
