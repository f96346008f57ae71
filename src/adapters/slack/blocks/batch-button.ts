/**
 * The host view's "Request fix for all N stale" button (one request for every stale instance of a host). Shared by
 * `/vmlocks host` and the host watcher's announcements, so that both offer the same action.
 */
import type { ActionsBlock } from '@slack/types';
import { ACTION_IDS } from '../action-ids.js';
import { encodeHostButtonValue } from '../button-values.js';
import { actions, button } from './block-kit.js';
import { escapeText, plural, truncate } from './mrkdwn.js';

/** Block id of the actions block that holds the button (unique per message). */
export const BATCH_REQUEST_BLOCK_ID = 'vmlocks.batch_request';

/** Null when there is nothing to request (no stale instance). */
export function buildBatchRequestButton(host: string, staleCount: number, max: number): ActionsBlock | null {
  if (staleCount <= 0) return null;
  const overCap = staleCount > max;
  return actions(BATCH_REQUEST_BLOCK_ID, [
    button({
      text: `Request fix for all ${staleCount} stale`,
      actionId: ACTION_IDS.requestBatch,
      value: encodeHostButtonValue(host),
      style: 'primary',
      confirm: {
        title: `Request a fix of ${plural(staleCount, 'instance')}?`,
        text: overCap
          ? `${staleCount} is more than VMLOCKS_BATCH_MAX (${max}): vmlocks will refuse this batch. Request the instances one by one, or raise the cap.`
          : `vmlocks inspects every instance of ${escapeText(truncate(host, 100))} again and asks a second engineer to approve all ${staleCount} at once; nothing runs before that.`,
        confirm: 'Request fix',
        deny: 'Cancel',
      },
    }),
  ]);
}
