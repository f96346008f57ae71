/** What the incident channel and the clicker are told about host batches (the summary, refusals). Pure. */
import type { KnownBlock } from '@slack/types';
import type { Rejection } from '../../../core/fix-request.js';
import { countItems, type HostBatch } from '../../../core/host-batch.js';
import type { BatchRefusal } from '../../../services/types.js';
import { context, section, type SlackMessage } from './block-kit.js';
import type { MessageLocation } from './fix-request-messages.js';
import { code, escapeText, fitLines, mention, plural, renderSentence, truncate, truncateMrkdwn } from './mrkdwn.js';
import { buildNoticeMessage } from './simple-messages.js';
import { SLACK_LIMITS } from './slack-limits.js';

export type BatchEvent = { kind: 'requested' | 'denied' | 'expired' | 'summary' | 'refused'; batch: HostBatch; userId?: string; reason?: string };

function where(loc: MessageLocation | null): string {
  if (loc === null) return 'the incident channel';
  const link = loc.permalink === null ? '' : ` (<${loc.permalink.replace(/[<>|]/g, '')}|open it>)`;
  return `<#${loc.channel}>${link}`;
}

function hostName(b: HostBatch): string {
  return code(truncate(b.host, 255));
}

export function buildBatchIncidentMessage(e: BatchEvent): SlackMessage {
  const b = e.batch;
  const c = countItems(b.items);
  let head: string;
  switch (e.kind) {
    case 'requested': head = `:outbox_tray: ${mention(b.requestedBy)} requested the fix of ${plural(c.pending, 'instance')} on ${hostName(b)} (batch ${code(b.id)}).`; break;
    case 'denied': head = `:no_entry_sign: Batch ${code(b.id)} for ${hostName(b)} denied by ${b.decidedBy === null ? 'someone' : mention(b.decidedBy)}: ${escapeText(truncate(b.denyReason ?? '', 500))}`; break;
    case 'expired': head = `:hourglass: Batch ${code(b.id)} for ${hostName(b)} expired without a decision. Nothing was changed.`; break;
    case 'refused': head = `:raised_hand: ${e.userId ? mention(e.userId) : 'Someone'} could not decide batch ${code(b.id)}: ${escapeText(truncate(e.reason ?? '', 500))}`; break;
    case 'summary': head = `${b.state === 'finished' && c.failed === 0 ? ':white_check_mark:' : ':warning:'} Batch ${code(b.id)} for ${hostName(b)} ${b.state}: ${c.done} fixed, ${c.failed} failed, ${c.skipped} skipped${c.pending > 0 ? `, ${c.pending} not started` : ''}.`; break;
  }
  const blocks: KnownBlock[] = [section(head)];
  if (e.kind === 'summary') {
    const lines = b.items.filter((i) => i.status !== 'done').map((i) => `• ${i.status} ${code(truncate(i.instanceName, 80))} ${code(i.instanceId)}${i.reason ? ` — ${escapeText(truncate(i.reason, 200))}` : ''}`);
    if (lines.length > 0) blocks.push(section(fitLines(lines, SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more instance')}`)));
    if (b.outcome) blocks.push(context(escapeText(truncate(b.outcome, 1500))));
  }
  return { text: truncateMrkdwn(head, SLACK_LIMITS.fallbackText), blocks };
}

export function buildBatchSentMessage(b: HostBatch, loc: MessageLocation | null): SlackMessage {
  const n = b.items.filter((i) => i.status === 'pending').length;
  return buildNoticeMessage(`:outbox_tray: Your batch ${code(b.id)}: ${plural(n, 'instance')} on ${hostName(b)} waiting for a second engineer in ${where(loc)}. Nothing runs before someone approves it.`);
}

export function buildBatchRefusedMessage(refusal: BatchRefusal, loc: MessageLocation | null): SlackMessage {
  const detail = truncateMrkdwn(renderSentence(refusal.detail), 1000);
  if (refusal.code === 'already_open' && refusal.existing) {
    return buildNoticeMessage(`:information_source: ${hostName(refusal.existing)} already has batch ${code(refusal.existing.id)} (${code(refusal.existing.state)}) in ${where(loc)}. ${detail}`);
  }
  return buildNoticeMessage(`:information_source: No batch requested: ${detail}`);
}

export function buildBatchDecisionRefusedMessage(rejection: Rejection): SlackMessage {
  return buildNoticeMessage(`:raised_hand: ${truncateMrkdwn(renderSentence(rejection.detail), 1000)}`);
}
