/**
 * The answer to `/vmlocks host <compute-host>`: after a power loss, every instance of the host with its verdict,
 * worst first. Stale instances get their own Request fix button (the same action as in a single report: the
 * request re-inspects the instance, and a second engineer approves it as usual).
 */
import type { KnownBlock } from '@slack/types';
import type { HostInstanceLine, HostLineVerdict } from '../../../core/host-summary.js';
import type { HostOutcome } from '../../../services/types.js';
import { ACTION_IDS } from '../action-ids.js';
import { encodeInstanceButtonValue } from '../button-values.js';
import { button, context, divider, section, type SlackMessage } from './block-kit.js';
import { slackDate } from './format.js';
import { VERDICT_LABEL } from './report-blocks.js';
import { code, escapeText, fitLines, plural, truncate } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';
import { buildBatchRequestButton } from './batch-button.js';
import { DEFAULT_BATCH_MAX } from '../../../core/host-batch.js';

export { buildBatchRequestButton } from './batch-button.js';

// the single report's labels, plus one for an instance that could not be read
const LABEL: Record<HostLineVerdict, string> = { ...VERDICT_LABEL, error: ':x: *NOT READ*' };
const HOST_STATE: Record<string, string> = { up: 'up', down: '*down*', forced_down: '*forced down*', unknown: 'state unknown' };
/** Stale instances shown with their own button; the rest of them are listed in one section. */
const MAX_STALE_BUTTONS = 20;

function line(i: HostInstanceLine): string {
  const locks = i.locks === 0 ? 'no lock' : `${plural(i.locks, 'lock')}${i.staleLocks > 0 ? ` (${i.staleLocks} stale)` : ''}`;
  return `• ${code(truncate(i.name, 80))} ${code(i.id)} · ${code(i.status)} · ${locks}${i.reason ? ` — ${escapeText(truncate(i.reason, 160))}` : ''}`;
}

function staleBlock(i: HostInstanceLine): KnownBlock {
  return {
    ...section(line(i)),
    accessory: button({
      text: 'Request fix', actionId: ACTION_IDS.requestFix, value: encodeInstanceButtonValue(i.id), style: 'primary',
      confirm: { title: 'Request this fix?', text: 'vmlocks inspects it again and asks a second engineer to approve; nothing runs before that.', confirm: 'Request fix', deny: 'Cancel' },
    }),
  };
}

function listSection(verdict: HostLineVerdict, items: HostInstanceLine[]): KnownBlock {
  const text = `${LABEL[verdict]} (${items.length})\n${items.map(line).join('\n')}`;
  return section(fitLines(text.split('\n'), SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more instance')}`));
}

export function buildHostMessage(outcome: HostOutcome): SlackMessage {
  if (outcome.kind === 'host_not_found') {
    return {
      text: `NOT FOUND: no compute host ${code(outcome.host)}`,
      blocks: [section(`:mag: *NOT FOUND* — Nova has no nova-compute service and no instance on host ${code(outcome.host)}.`), context(`Host names as in ${code('openstack compute service list')}.`)],
    };
  }
  const s = outcome.summary;
  const counts = (['stale', 'unknown', 'error', 'alive', 'unlocked'] as const).filter((v) => s.counts[v] > 0).map((v) => `${s.counts[v]} ${v === 'error' ? 'not read' : v}`);
  const head = `:desktop_computer: ${code(s.host)} is ${HOST_STATE[s.hostState] ?? s.hostState} · ${plural(s.instances.length, 'instance')}${counts.length ? `: ${counts.join(', ')}` : ''}`;
  const blocks: KnownBlock[] = [section(head)];
  if (s.evidence.length > 0) blocks.push(context(escapeText(s.evidence.join(' · '))));
  const stale = s.instances.filter((i) => i.verdict === 'stale');
  if (stale.length > 0) {
    blocks.push(divider(), section(`${LABEL.stale} — ${plural(stale.length, 'instance')} with a dead lock owner: request them all at once, or each fix on its own (a second engineer approves).`));
    const all = buildBatchRequestButton(s.host, outcome.batch?.instances.length ?? stale.length, outcome.batch?.max ?? DEFAULT_BATCH_MAX);
    if (all) blocks.push(all);
    blocks.push(...stale.slice(0, MAX_STALE_BUTTONS).map(staleBlock));
    if (stale.length > MAX_STALE_BUTTONS) blocks.push(listSection('stale', stale.slice(MAX_STALE_BUTTONS)));
  }
  const rest = (['unknown', 'error', 'alive', 'unlocked'] as const).map((v) => [v, s.instances.filter((i) => i.verdict === v)] as const).filter(([, items]) => items.length > 0);
  if (rest.length > 0) blocks.push(divider(), ...rest.map(([v, items]) => listSection(v, items)));
  blocks.push(context(`Observed ${slackDate(s.observedAt)} · ${code('/vmlocks <uuid>')} shows the evidence of one instance; unknown ones: check again in a minute.`));
  return { text: `${code(s.host)}: ${plural(s.instances.length, 'instance')}${counts.length ? ` (${counts.join(', ')})` : ''}`, blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) };
}
