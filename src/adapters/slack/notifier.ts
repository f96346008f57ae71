/**
 * The Notifier port on Slack. Posts to a channel go through one bottleneck queue at about one per second
 * (`minTime`): Slack allows about one message per second per channel and answers bursts with 429, so bursts wait
 * in the queue instead of being lost. The queue runs one call at a time, so the approval message's updates arrive in
 * the order they were made.
 */
import Bottleneck from 'bottleneck';
import { WebClientEvent, type WebClient } from '@slack/web-api';
import type { FixRequest, SlackMessageRef } from '../../core/fix-request.js';
import type { Sentence } from '../../core/sentence.js';
import type { BatchNotifier, FixRunStep, HostAnnouncer, IncidentEvent, Notifier } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { buildApprovalMessage } from './blocks/approval-blocks.js';
import { createSlackBatchNotifier } from './batch-notifier.js';
import { toApprovalView } from './blocks/approval-view.js';
import type { SlackMessage } from './blocks/block-kit.js';
import { buildHostAnnouncementMessage } from './blocks/host-announcement-blocks.js';
import { buildIncidentMessage } from './blocks/incident-blocks.js';
import { renderSentence } from './blocks/mrkdwn.js';
import { buildNoticeMessage } from './blocks/simple-messages.js';
import { sendDirectMessage } from './direct-message.js';
import { ChatPostEphemeralAnswer, ChatPostMessageAnswer, ChatUpdateAnswer } from './slack-answers.js';
import { callSlack } from './slack-call.js';

export interface SlackNotifierOptions {
  client: WebClient;
  incidentChannel: string;
  /** Where approval messages go; default the incident channel. */
  approvalsChannel?: string;
  logger: Logger;
  metrics: Metrics;
  /** Minimum time between two channel posts or updates. Default 1000 ms. */
  postIntervalMs?: number;
  /**
   * Where a request's approval message is, as stored now. An update waits in the queue, and an Approve clicked
   * before the reference was stored starts a run whose requests carry none: the reference is read when the update
   * is sent. Default: the request's own `approvalMessage`.
   */
  storedMessage?: (requestId: string) => Promise<SlackMessageRef | null> | SlackMessageRef | null;
  /** Posts and updates waiting at most; past it the least important waiting one is dropped. Default 200. */
  maxQueued?: number;
}

export interface SlackNotifier extends Notifier, BatchNotifier, HostAnnouncer {
  /** Waits for the queued posts to be sent, then refuses new ones (shutdown). */
  stop(): Promise<void>;
}

/**
 * Bottleneck priorities (0 runs first, 9 last): the approval message and its updates, then a fix's steps and
 * results, then decisions, then chatter (announcements). A full queue drops the least important waiting post first.
 */
export const POST_PRIORITY = { approval: 1, update: 2, result: 3, decision: 4, chatter: 7 } as const;

const EVENT_PRIORITY: Record<IncidentEvent['kind'], number> = {
  step: POST_PRIORITY.result, finished: POST_PRIORITY.result, brake: POST_PRIORITY.result, interrupted: POST_PRIORITY.result,
  requested: POST_PRIORITY.decision, approved: POST_PRIORITY.decision, denied: POST_PRIORITY.decision, expired: POST_PRIORITY.decision,
};

export function createSlackNotifier(opts: SlackNotifierOptions): SlackNotifier {
  const { client, logger, metrics } = opts;
  const approvalsChannel = opts.approvalsChannel ?? opts.incidentChannel;
  const intervalMs = opts.postIntervalMs ?? 1000;
  // Bounded: OVERFLOW_PRIORITY drops the least important waiting job (or the new one, if none is less important).
  const queue = new Bottleneck({
    maxConcurrent: 1, minTime: intervalMs, highWater: opts.maxQueued ?? 200, strategy: Bottleneck.strategy.OVERFLOW_PRIORITY,
  });
  queue.on('dropped', () => {
    metrics.limitHits.inc({ limit: 'slack_post_queue' });
    logger.warn({ event: 'post_dropped', limit: 'slack_post_queue' }, 'the Slack post queue is full; dropped the least important waiting post');
  });
  const gauge = (): void => metrics.queued.set({ limiter: 'slack_posts' }, queue.counts().QUEUED);
  queue.on('queued', gauge);
  queue.on('executing', gauge);

  // The WebClient sends a 429'd call again after Retry-After, inside the job; minTime counts from the job's start,
  // so the next post would follow that retry at once. A job that saw a 429 holds the queue one interval more.
  let rateLimited = 0;
  client.on(WebClientEvent.RATE_LIMITED, () => { rateLimited += 1; });
  const spaced = <T>(priority: number, call: () => Promise<T>): Promise<T> =>
    queue.schedule({ priority }, async () => {
      const before = rateLimited;
      try {
        return await call();
      } finally {
        if (rateLimited !== before) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    });

  const post = (channel: string, m: SlackMessage, priority: number) =>
    spaced(priority, () => callSlack(metrics, 'chat.postMessage', ChatPostMessageAnswer, () =>
      client.chat.postMessage({ channel, text: m.text, blocks: m.blocks })));

  return {
    ...createSlackBatchNotifier({ client, metrics, logger, incidentChannel: opts.incidentChannel, approvalsChannel, spaced, priority: { approval: POST_PRIORITY.approval, update: POST_PRIORITY.update, event: POST_PRIORITY.decision } }),
    async notify(event: IncidentEvent): Promise<void> {
      try {
        await post(opts.incidentChannel, buildIncidentMessage(event), EVENT_PRIORITY[event.kind]);
      } catch (err) {
        // The port's contract: a notification never fails its caller (a fix must not stop because Slack is down).
        logger.error({ err, event: event.kind, requestId: event.request.id }, 'could not post an incident-channel event');
      }
    },

    async announceHost(announcement, view): Promise<void> {
      // the incident channel only: the view names other tenants' instances (DESIGN.md §5)
      // with the decisions, not the chatter: it may be the only way the on-call engineer learns that a host is down
      await post(opts.incidentChannel, buildHostAnnouncementMessage(announcement, view), POST_PRIORITY.decision);
    },

    async postApprovalMessage(request: FixRequest): Promise<SlackMessageRef> {
      const posted = await post(approvalsChannel, buildApprovalMessage(toApprovalView(request)), POST_PRIORITY.approval);
      return { channel: posted.channel, ts: posted.ts };
    },

    async updateApprovalMessage(request: FixRequest, progress?: FixRunStep[]): Promise<void> {
      const m = buildApprovalMessage(toApprovalView(request, progress ?? []));
      // chat.update on the stored channel/ts: a response_url would expire after 30 minutes (DESIGN.md §5).
      await spaced(POST_PRIORITY.update, async () => {
        const ref = request.approvalMessage ?? (await opts.storedMessage?.(request.id)) ?? null;
        if (ref === null) {
          logger.warn({ requestId: request.id, state: request.state }, 'approval message reference not stored yet; this update is skipped (the request applies the latest state once it is stored)');
          return;
        }
        await callSlack(metrics, 'chat.update', ChatUpdateAnswer, () =>
          client.chat.update({ channel: ref.channel, ts: ref.ts, text: m.text, blocks: m.blocks }));
      });
    },

    async tellUser(userId: string, text: Sentence, origin?: { channel: string } | null): Promise<void> {
      const m = buildNoticeMessage(renderSentence(text));
      if (origin) {
        try {
          await callSlack(metrics, 'chat.postEphemeral', ChatPostEphemeralAnswer, () =>
            client.chat.postEphemeral({ channel: origin.channel, user: userId, text: m.text, blocks: m.blocks }));
          return;
        } catch (err) {
          // An ephemeral needs the bot in the channel and the user still in it; a DM reaches the user anyway.
          logger.warn({ err, userId, channel: origin.channel }, 'ephemeral message failed; sending a DM instead');
        }
      }
      await sendDirectMessage(client, metrics, userId, m);
    },

    async stop(): Promise<void> {
      await queue.stop({ dropWaitingJobs: false });
    },
  };
}
