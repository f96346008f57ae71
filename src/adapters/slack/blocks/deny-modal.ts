/** The modal that asks why a fix is denied, and the modal shown when the denial could not be recorded. */
import type { ModalView } from '@slack/types';
import { DENY_MODAL_CALLBACK_ID, DENY_REASON_ACTION_ID, DENY_REASON_BLOCK_ID } from '../action-ids.js';
import { encodeRequestButtonValue } from '../button-values.js';
import { plainText, section } from './block-kit.js';
import type { Sentence } from '../../../core/sentence.js';
import { code, renderSentence, truncateMrkdwn } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';

export const DENY_REASON_MAX = 500;

export function buildDenyModal(requestId: string): ModalView {
  return {
    type: 'modal',
    callback_id: DENY_MODAL_CALLBACK_ID,
    private_metadata: encodeRequestButtonValue(requestId),
    title: plainText('Deny fix', SLACK_LIMITS.modalTitle),
    submit: plainText('Deny', SLACK_LIMITS.modalButton),
    close: plainText('Cancel', SLACK_LIMITS.modalButton),
    blocks: [
      section(`Deny fix request ${code(requestId)}. The requester and the incident channel will see your reason.`),
      {
        type: 'input',
        block_id: DENY_REASON_BLOCK_ID,
        label: plainText('Reason', SLACK_LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: DENY_REASON_ACTION_ID,
          multiline: true,
          min_length: 1,
          max_length: DENY_REASON_MAX,
          placeholder: plainText('e.g. the host is coming back; its VMs will recover by themselves', 150),
        },
      },
    ],
  };
}

/** Replaces the modal (response_action "update") when the denial was refused or failed. */
export function buildDenyResultModal(mrkdwn: string): ModalView {
  return {
    type: 'modal',
    callback_id: DENY_MODAL_CALLBACK_ID,
    title: plainText('Deny fix', SLACK_LIMITS.modalTitle),
    close: plainText('Close', SLACK_LIMITS.modalButton),
    blocks: [section(mrkdwn)],
  };
}

export function denyRefusalText(detail: Sentence): string {
  return `:raised_hand: ${truncateMrkdwn(renderSentence(detail), 1000)}`;
}
