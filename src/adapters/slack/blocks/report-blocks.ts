/**
 * The report message of `/vmlocks <instance>`: verdict first, then the instance, the disks, the plan and the
 * buttons. Long reports are summarised to stay within Slack's 50 blocks and 3000 characters per section.
 */
import type { Button, KnownBlock } from '@slack/types';
import { ACTION_IDS } from '../action-ids.js';
import { encodeInstanceButtonValue } from '../button-values.js';
import type { InstanceId } from '../../../core/ids.js';
import { actions, button, context, divider, section, type SlackMessage } from './block-kit.js';
import { renderDisk, summariseDisks } from './disk-section.js';
import { slackDate } from './format.js';
import { code, escapeText, fitLines, plural, truncate, truncateMrkdwn } from './mrkdwn.js';
import { planCommandSummary, planSections } from './plan-lines.js';
import type { ReportView } from './report-view.js';
import { SLACK_LIMITS } from './slack-limits.js';

export const VERDICT_LABEL: Record<ReportView['verdict'], string> = {
  stale: ':warning: *STALE*',
  unknown: ':grey_question: *UNKNOWN*',
  alive: ':large_green_circle: *ALIVE*',
  unlocked: ':white_check_mark: *UNLOCKED*',
};

const MAX_PLAN_SECTIONS = 8;
const MAX_EVIDENCE_SENTENCE = 500;

function hostLine(view: ReportView): string {
  const i = view.instance;
  if (i.host === null) return 'Host: none (not scheduled or shelved)';
  const seen = i.hostSeenAt === null ? '' : `, last heartbeat ${slackDate(i.hostSeenAt)}`;
  const state: Record<ReportView['instance']['hostState'], string> = {
    up: 'nova-compute up',
    down: `:red_circle: nova-compute *down*${seen}`,
    forced_down: `:red_circle: nova-compute *forced down*${seen}`,
    unknown: `nova-compute state unknown${seen}`,
  };
  const status = i.hostStatus ? ` · host_status ${code(i.hostStatus)}` : '';
  const disabled = i.hostDisabledReason ? ` · disabled: ${escapeText(truncate(i.hostDisabledReason, 200))}` : '';
  return `Host ${code(i.host)} — ${state[i.hostState]}${status}${disabled}`;
}

function instanceSection(view: ReportView): KnownBlock {
  const i = view.instance;
  const task = i.taskState ? ` · task ${code(i.taskState)}` : '';
  return section([
    `*Instance* ${code(truncate(i.name, 255))} ${code(i.id)}`,
    `Status ${code(i.status)} · vm_state ${code(i.vmState ?? 'unknown')} · power ${code(i.powerState)}${task}`,
    hostLine(view),
  ].join('\n'));
}

function evidenceSection(view: ReportView): KnownBlock | null {
  if (view.evidence.length === 0) return null;
  const lines = view.evidence.map((e) => `• ${escapeText(truncate(e, MAX_EVIDENCE_SENTENCE))}`);
  return section(fitLines(['*Evidence*', ...lines], SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more sentence')}`));
}

function buttons(view: ReportView): Button[] {
  const value = encodeInstanceButtonValue(view.instance.id as InstanceId);
  if (view.verdict === 'stale') {
    return [button({
      text: 'Request fix',
      actionId: ACTION_IDS.requestFix,
      value,
      style: 'primary',
      confirm: {
        // plain_text: no escaping there, so no tenant-controlled name either
        title: 'Request this fix?',
        text: `A second engineer must approve before anything runs. Then vmlocks runs:\n${planCommandSummary(view.plan, 220)}`,
        confirm: 'Request fix',
        deny: 'Cancel',
      },
    })];
  }
  if (view.verdict === 'unknown') return [button({ text: 'Check again', actionId: ACTION_IDS.checkAgain, value })];
  return [];
}

export function buildReportMessage(view: ReportView): SlackMessage {
  const head: KnownBlock[] = [section(`${VERDICT_LABEL[view.verdict]} — ${code(truncate(view.instance.name, 255))}: ${escapeText(view.summary)}`), instanceSection(view)];
  const evidence = evidenceSection(view);
  if (evidence) head.push(evidence);
  head.push(divider());

  const plan = view.plan.length === 0 ? [] : planSections(
    view.plan, '*Plan* — runs only after a second engineer approves:', MAX_PLAN_SECTIONS, view.instance.id,
  ).map(section);
  const btns = buttons(view);
  const tail: KnownBlock[] = [...plan];
  if (btns.length > 0) tail.push(actions('vmlocks.report_actions', btns));
  tail.push(context(`Observed ${slackDate(view.observedAt)} · ${code(`vmlocks inspect ${view.instance.id} --json`)} shows the same`));

  const room = SLACK_LIMITS.blocksPerMessage - head.length - tail.length;
  const disks = view.disks.length <= room
    ? view.disks.map(renderDisk)
    : [...view.disks.slice(0, room - 1).map(renderDisk), summariseDisks(view.disks.slice(room - 1))];

  const word = view.verdict.toUpperCase();
  return {
    text: truncateMrkdwn(`${word}: ${code(truncate(view.instance.name, 255))}: ${escapeText(view.summary)}`, SLACK_LIMITS.fallbackText),
    blocks: [...head, ...disks.map(section), ...tail],
  };
}
