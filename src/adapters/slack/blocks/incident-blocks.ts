/**
 * The incident channel's event messages: one short factual message per IncidentEvent (ports.ts), each naming the
 * instance (name and UUID) and the request id, so the channel reads as a log of what happened.
 */
import type { FixRequest } from '../../../core/fix-request.js';
import type { IncidentEvent } from '../../../ports.js';
import { toProgressLines } from './approval-view.js';
import { context, section, type SlackMessage } from './block-kit.js';
import { durationBetween, formatDuration, slackDate } from './format.js';
import { code, escapeText, fitLines, mention, plural, truncate, truncateMrkdwn } from './mrkdwn.js';
import { progressLineText, STEP_STATUS_ICON } from './progress-text.js';
import { SLACK_LIMITS } from './slack-limits.js';

function fix(r: FixRequest): string {
  return `fix ${code(r.id)} of ${code(truncate(r.instanceName, 255))} ${code(r.instanceId)}`;
}

function plain(text: string, max = 500): string {
  return escapeText(truncate(text, max));
}

const FINISHED: Record<string, string> = {
  succeeded: ':white_check_mark: Succeeded',
  failed: ':x: Failed',
  aborted: ':no_entry: Aborted (nothing was changed)',
};

/** The main sentence of an event, in mrkdwn. */
export function incidentSentence(event: IncidentEvent): string {
  const r = event.request;
  switch (event.kind) {
    case 'requested':
      return `:lock: ${mention(r.requestedBy)} requested ${fix(r)}: ${plural(r.approvedLocks.length, 'stale lock')}. Needs a second engineer's approval by ${slackDate(r.expiresAt)}.`;
    case 'approved':
      return `:white_check_mark: ${mention(r.decidedBy ?? 'unknown')} approved ${fix(r)}, requested by ${mention(r.requestedBy)}.`;
    case 'denied':
      return `:no_entry_sign: ${mention(r.decidedBy ?? 'unknown')} denied ${fix(r)}: ${plain(r.denyReason ?? 'no reason given')}`;
    case 'expired':
      return `:hourglass: ${fix(r)} expired at ${slackDate(r.finishedAt ?? r.expiresAt)} without a decision. Nothing was changed.`;
    case 'step': {
      const detail = event.detail === '' ? '' : ` — ${plain(event.detail, 1000)}`;
      return `${STEP_STATUS_ICON[event.status]} ${fix(r)}: step ${code(event.step)} ${event.status}${detail} (${formatDuration(event.durationMs)})`;
    }
    case 'finished': {
      const took = durationBetween(r.decidedAt, r.finishedAt);
      const label = FINISHED[r.state] ?? `Finished (${r.state})`;
      const outcome = r.outcome ? `: ${plain(r.outcome, 1000)}` : '.';
      return `${label}: ${fix(r)}${took === null ? '' : ` in ${formatDuration(took)}`}${outcome}`;
    }
    case 'interrupted':
      return `:warning: ${fix(r)} was interrupted${r.lastStep ? ` at step ${code(r.lastStep)}` : ''}: vmlocks stopped during the run. It is not resumed; check the instance before asking again.`;
    case 'brake':
      return `:octagonal_sign: Fix brake: ${plural(event.count, 'fix', 'fixes')} started in the last ${formatDuration(event.windowMs)} (limit ${event.limit}); ${fix(r)} was not started. Investigate before approving more.`;
  }
}

export function buildIncidentMessage(event: IncidentEvent): SlackMessage {
  const sentence = incidentSentence(event);
  const blocks = [section(sentence)];
  if (event.kind === 'finished' && event.steps.length > 0) {
    const lines = toProgressLines(event.steps).map(progressLineText);
    blocks.push(section(fitLines(lines, SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more step')}`)));
  }
  return {
    text: truncateMrkdwn(sentence, SLACK_LIMITS.fallbackText),
    blocks: [...blocks, context(`vmlocks · ${event.kind}`)],
  };
}
