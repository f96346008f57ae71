/**
 * The approval message of a host batch, re-rendered for each state: a summary, every instance on one line (its
 * status while the batch runs: the one progress message, updated in place), Approve / Deny while pending. Approve's
 * confirmation dialog names the count ("Fix 6 instances on compute-1?"). The planned steps of every instance are in
 * the message's thread (batch-plan-thread.ts). Every tenant string is escaped.
 */
import type { KnownBlock } from '@slack/types';
import { countItems, type BatchItem, type HostBatch } from '../../../core/host-batch.js';
import { ACTION_IDS } from '../action-ids.js';
import { encodeBatchButtonValue } from '../button-values.js';
import { actions, button, context, section, type SlackMessage } from './block-kit.js';
import { slackDate } from './format.js';
import { code, escapeText, fitLines, mention, plural, truncate, truncateMrkdwn } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';

const ICON: Record<BatchItem['status'], string> = { pending: '○', running: '…', done: '✓', failed: '✗', skipped: '–' };

function host(b: HostBatch): string {
  return code(truncate(b.host, 255));
}

/** While pending: the instances the approval would fix (not those already under another fix); then all of them. */
function toFix(b: HostBatch): number {
  return b.state === 'pending' ? b.items.filter((i) => i.status === 'pending').length : b.items.length;
}

export function batchStateLine(b: HostBatch): string {
  const n = plural(toFix(b), 'instance');
  const c = countItems(b.items);
  switch (b.state) {
    case 'pending':
      return `:lock: *Approval needed* — ${mention(b.requestedBy)} asks to fix ${n} on ${host(b)} at once. Expires ${slackDate(b.expiresAt)}.`;
    case 'running':
      return `:gear: *Running* — ${n} on ${host(b)}, approved by ${b.decidedBy === null ? 'someone' : mention(b.decidedBy)}: ${c.done} fixed, ${c.failed} failed, ${c.skipped} skipped, ${c.pending + c.running} remaining.`;
    case 'finished':
      return `${c.failed > 0 ? ':warning:' : ':white_check_mark:'} *Finished* — ${host(b)}: ${c.done} fixed, ${c.failed} failed, ${c.skipped} skipped${b.finishedAt ? ` ${slackDate(b.finishedAt)}` : ''}.`;
    case 'paused':
      return `:double_vertical_bar: *Paused* — ${host(b)}: ${c.done} fixed, ${c.failed} failed, ${c.skipped} skipped, ${c.pending} not started.`;
    case 'interrupted':
      return `:warning: *Interrupted* — vmlocks stopped during the batch of ${host(b)}. Check the host before asking again.`;
    case 'denied':
      return `:no_entry_sign: *Denied* by ${b.decidedBy === null ? 'someone' : mention(b.decidedBy)}: ${escapeText(truncate(b.denyReason ?? 'no reason given', 500))}`;
    case 'expired':
      return `:hourglass: *Expired* at ${slackDate(b.finishedAt ?? b.expiresAt)} — nobody decided in time. Nothing was changed.`;
  }
}

function itemLine(i: BatchItem): string {
  const why = i.reason === null ? '' : ` — ${escapeText(truncate(i.reason, 200))}`;
  return `${ICON[i.status]} ${code(truncate(i.instanceName, 80))} ${code(i.instanceId)} · ${plural(i.approvedLocks.length, 'stale lock')}${why}`;
}

function listSection(b: HostBatch): KnownBlock {
  return section(fitLines(['*Instances*', ...b.items.map(itemLine)], SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more instance')} (see the thread)`));
}

function excludedSection(b: HostBatch): KnownBlock | null {
  if (b.excluded.length === 0) return null;
  const lines = [`*Not included* (${b.excluded.length}, not stale: left untouched)`, ...b.excluded.map((e) => `• ${code(truncate(e.instanceName, 80))} ${code(e.instanceId)} — ${escapeText(truncate(e.reason, 160))}`)];
  return section(fitLines(lines, SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more instance')}`));
}

function buttons(b: HostBatch): KnownBlock {
  const value = encodeBatchButtonValue(b.id);
  const n = b.items.filter((i) => i.status === 'pending').length;
  return actions('vmlocks.batch_actions', [
    button({
      text: `Approve ${n}`, actionId: ACTION_IDS.approveBatch, value, style: 'primary',
      confirm: {
        title: `Fix ${plural(n, 'instance')} on ${truncate(b.host, 40)}?`,
        text: `vmlocks will fence the dead owners, remove the stale locks and restart each of the ${plural(n, 'instance')}, each re-inspected first, a few at a time. The steps of each are in the thread.`,
        confirm: `Fix ${n}`, deny: 'Cancel',
      },
    }),
    button({ text: 'Deny', actionId: ACTION_IDS.denyBatch, value, style: 'danger' }),
  ]);
}

export function buildBatchApprovalMessage(b: HostBatch): SlackMessage {
  const blocks: KnownBlock[] = [section(batchStateLine(b))];
  blocks.push(section(`Requested by ${mention(b.requestedBy)} ${slackDate(b.requestedAt)} · batch ${code(b.id)}${b.state === 'pending' ? '\nAny authorised engineer other than the requester may approve. Each instance is re-inspected before its fix; one that changed is skipped.' : ''}`));
  blocks.push(listSection(b));
  const excluded = excludedSection(b);
  if (excluded) blocks.push(excluded);
  if (b.outcome !== null && b.outcome !== '' && b.state !== 'running') blocks.push(section(`*Outcome:* ${escapeText(truncate(b.outcome, 2000))}`));
  if (b.state === 'pending') blocks.push(buttons(b));
  blocks.push(context(`vmlocks · batch ${code(b.id)} · state ${code(b.state)} · the planned steps of each instance are in the thread`));
  return { text: truncateMrkdwn(batchStateLine(b), SLACK_LIMITS.fallbackText), blocks };
}
