/**
 * The BatchNotifier port on Slack, through the Slack notifier's one spaced queue (notifier.ts): the approval
 * message and, in its thread, the per-instance plans; the same message updated in place with chat.update as the
 * batch runs; one post to the incident channel (the summary at the end).
 */
import type { WebClient } from '@slack/web-api';
import type { HostBatch } from '../../core/host-batch.js';
import type { SlackMessageRef } from '../../core/fix-request.js';
import type { BatchNotifier } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { buildBatchApprovalMessage } from './blocks/batch-approval-blocks.js';
import { buildBatchIncidentMessage, type BatchEvent } from './blocks/batch-messages.js';
import { buildBatchPlanThread } from './blocks/batch-plan-thread.js';
import type { SlackMessage } from './blocks/block-kit.js';
import { ChatPostMessageAnswer, ChatUpdateAnswer } from './slack-answers.js';
import { callSlack } from './slack-call.js';

export interface BatchNotifierOptions {
  client: WebClient;
  metrics: Metrics;
  logger: Logger;
  incidentChannel: string;
  approvalsChannel: string;
  /** The notifier's queue: one Slack call at a time, spaced, lower priority first. */
  spaced<T>(priority: number, call: () => Promise<T>): Promise<T>;
  priority: { approval: number; update: number; event: number };
}

export function createSlackBatchNotifier(o: BatchNotifierOptions): BatchNotifier {
  const post = (channel: string, m: SlackMessage, priority: number, threadTs?: string) =>
    o.spaced(priority, () => callSlack(o.metrics, 'chat.postMessage', ChatPostMessageAnswer, () =>
      o.client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) })));

  return {
    async postBatchApprovalMessage(batch: HostBatch): Promise<SlackMessageRef> {
      const posted = await post(o.approvalsChannel, buildBatchApprovalMessage(batch), o.priority.approval);
      const ref = { channel: posted.channel, ts: posted.ts };
      for (const reply of buildBatchPlanThread(batch)) {
        try {
          await post(ref.channel, reply, o.priority.approval, ref.ts);
        } catch (err) {
          // The approval message itself is there and lists every instance; the thread is the detail.
          o.logger.error({ err, batchId: batch.id }, 'could not post the planned steps in the batch thread');
        }
      }
      return ref;
    },

    async updateBatchMessage(batch: HostBatch): Promise<void> {
      const ref = batch.approvalMessage;
      if (ref === null) {
        o.logger.warn({ batchId: batch.id, state: batch.state }, 'batch approval message was never posted; nothing to update');
        return;
      }
      const m = buildBatchApprovalMessage(batch);
      await o.spaced(o.priority.update, () => callSlack(o.metrics, 'chat.update', ChatUpdateAnswer, () =>
        o.client.chat.update({ channel: ref.channel, ts: ref.ts, text: m.text, blocks: m.blocks })));
    },

    async notifyBatch(event: BatchEvent): Promise<void> {
      try {
        await post(o.incidentChannel, buildBatchIncidentMessage(event), o.priority.event);
      } catch (err) {
        o.logger.error({ err, event: event.kind, batchId: event.batch.id }, 'could not post a batch event to the incident channel');
      }
    },
  };
}
