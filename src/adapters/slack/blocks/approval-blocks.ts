/**
 * The approval message (incident or approvals channel), re-rendered for every state of its request: with
 * Approve / Deny while pending, without buttons once decided, with per-step progress while it runs.
 */
import type { KnownBlock } from '@slack/types';
import { ACTION_IDS } from '../action-ids.js';
import { encodeRequestButtonValue } from '../button-values.js';
import { actions, button, context, section, type SlackMessage } from './block-kit.js';
import type { ApprovalView } from './approval-view.js';
import { formatDuration, durationBetween, slackDate } from './format.js';
import { code, escapeText, fitLines, mention, plural, truncate, truncateMrkdwn } from './mrkdwn.js';
import { planCommandSummary, planSections } from './plan-lines.js';
import { progressLineText } from './progress-text.js';
import { SLACK_LIMITS } from './slack-limits.js';

const MAX_PLAN_SECTIONS = 8;

function instanceText(v: ApprovalView): string {
  return `${code(truncate(v.instanceName, 255))} ${code(v.instanceId)}`;
}

function by(userId: string | null): string {
  return userId === null ? 'someone' : mention(userId);
}

function when(iso: string | null): string {
  return iso === null ? '' : ` ${slackDate(iso)}`;
}

/** The first line: what state the request is in, in words. */
export function approvalStateLine(v: ApprovalView): string {
  const inst = instanceText(v);
  const step = v.lastStep === null ? '' : ` at step ${code(v.lastStep)}`;
  switch (v.state) {
    case 'pending':
      return `:lock: *Approval needed* — ${mention(v.requestedBy)} asks to fix ${inst}: ${plural(v.lockCount, 'stale lock')}. Expires ${slackDate(v.expiresAt)}.`;
    case 'approved':
      return `:white_check_mark: *Approved* by ${by(v.decidedBy)}${when(v.decidedAt)} — the fix of ${inst} starts now.`;
    case 'running':
      return `:gear: *Running* — the fix of ${inst}, approved by ${by(v.decidedBy)}.`;
    case 'succeeded':
      return `:white_check_mark: *Fixed* — ${inst}, approved by ${by(v.decidedBy)}, finished${when(v.finishedAt)}.`;
    case 'failed':
      return `:x: *Failed*${step} — the fix of ${inst} stopped there; the steps after it did not run.`;
    case 'aborted':
      return `:no_entry: *Aborted* — re-inspection of ${inst} found something else than what was approved. Nothing was changed.`;
    case 'interrupted':
      return `:warning: *Interrupted*${step} — vmlocks stopped during the fix of ${inst}. Check the instance before asking again.`;
    case 'denied':
      return `:no_entry_sign: *Denied* by ${by(v.decidedBy)}${when(v.decidedAt)}: ${escapeText(truncate(v.denyReason ?? 'no reason given', 500))}`;
    case 'expired':
      return `:hourglass: *Expired* at ${slackDate(v.finishedAt ?? v.expiresAt)} — nobody decided in time. Nothing was changed.`;
  }
}

function factsText(v: ApprovalView): string {
  const lines = [`Requested by ${mention(v.requestedBy)} ${slackDate(v.requestedAt)} · request ${code(v.requestId)}`];
  if (v.state === 'pending') lines.push('Any authorised engineer other than the requester may approve.');
  return lines.join('\n');
}

function progressSection(v: ApprovalView): KnownBlock | null {
  if (v.progress.length === 0) return null;
  const total = durationBetween(v.decidedAt, v.finishedAt);
  const heading = v.state === 'running' || total === null ? '*Progress*' : `*Steps* (${formatDuration(total)} after approval)`;
  const lines = [heading, ...v.progress.map(progressLineText)];
  if (v.state === 'running' && v.stepsLeft > 0) lines.push(`… ${plural(v.stepsLeft, 'step')} to go`);
  return section(fitLines(lines, SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more step')}`));
}

function pendingButtons(v: ApprovalView): KnownBlock {
  const value = encodeRequestButtonValue(v.requestId);
  return actions('vmlocks.approval_actions', [
    button({
      text: 'Approve',
      actionId: ACTION_IDS.approveFix,
      value,
      style: 'primary',
      confirm: {
        // plain_text: no escaping there, so no tenant-controlled name either
        title: 'Approve this fix?',
        text: `vmlocks will run, in order:\n${planCommandSummary(v.plan, 250)}`,
        confirm: 'Approve',
        deny: 'Cancel',
      },
    }),
    button({ text: 'Deny', actionId: ACTION_IDS.denyFix, value, style: 'danger' }),
  ]);
}

export function buildApprovalMessage(v: ApprovalView): SlackMessage {
  const blocks: KnownBlock[] = [section(approvalStateLine(v)), section(factsText(v))];
  if (v.evidence.length > 0) {
    const lines = ['*Evidence*', ...v.evidence.map((e) => `• ${escapeText(truncate(e, 500))}`)];
    blocks.push(section(fitLines(lines, SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more sentence')}`)));
  }
  blocks.push(...planSections(v.plan, '*Plan* (exact commands, in order):', MAX_PLAN_SECTIONS, v.instanceId).map(section));
  const progress = progressSection(v);
  if (progress) blocks.push(progress);
  if (v.outcome !== null && v.outcome !== '') blocks.push(section(`*Outcome:* ${escapeText(truncate(v.outcome, 2000))}`));
  if (v.state === 'pending') blocks.push(pendingButtons(v));
  if (v.restartOffered) {
    blocks.push(actions('vmlocks.restart_actions', [
      button({ text: 'Request restart', actionId: ACTION_IDS.requestRestart, value: encodeRequestButtonValue(v.requestId), style: 'primary' }),
    ]));
  }
  blocks.push(context(`vmlocks · request ${code(v.requestId)} · state ${code(v.state)}`));
  return {
    text: truncateMrkdwn(approvalStateLine(v), SLACK_LIMITS.fallbackText),
    blocks,
  };
}
