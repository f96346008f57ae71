/**
 * The host watch's announcement in the incident channel: one sentence saying what happened to the host, then the
 * host's view exactly as `/vmlocks host` shows it (instances worst first, with their buttons), or why it could not
 * be read. Host names come from Nova: escaped like every other outside string.
 */
import type { KnownBlock } from '@slack/types';
import type { HostAnnouncement } from '../../../core/host-watch.js';
import type { HostSummary } from '../../../core/host-summary.js';
import type { Result } from '../../../core/result.js';
import { context, section, type SlackMessage } from './block-kit.js';
import { slackDate } from './format.js';
import { buildHostMessage } from './host-blocks.js';
import { code, escapeMrkdwn, plural, truncate, truncateMrkdwn } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';

/** The headline in plain words (for the fallback text) and its mrkdwn form. */
function headline(a: HostAnnouncement): { plain: string; mrkdwn: string } {
  const host = truncate(a.host, 100);
  const since = slackDate(a.since);
  const flapping = a.changes > 2 ? ` It changed state ${a.changes} times since the last announcement: it may be flapping.` : '';
  if (a.state === 'down') {
    const what = a.previous === 'down' ? 'is down again' : 'is down';
    return {
      plain: `${host} ${what}`,
      mrkdwn: `:red_circle: *${escapeMrkdwn(host)} ${what}*: its nova-compute has not reported since ${since}. Locks of its instances whose owners died with it are stale once their watches expired; they are listed below.${flapping}`,
    };
  }
  const what = a.previous === 'up' ? 'went down and is back up' : 'is back up';
  return {
    plain: `${host} ${what}`,
    mrkdwn: `:large_green_circle: *${escapeMrkdwn(host)} ${what}* (nova-compute reporting since ${since}). Instances that crashed with it may still hold their dead owners' locks:${flapping}`,
  };
}

export function buildHostAnnouncementMessage(a: HostAnnouncement, view: Result<HostSummary, string>): SlackMessage {
  const head = headline(a);
  const footer = context(`vmlocks · host watch · ${code(`/vmlocks host ${a.host}`)} shows the host again`);
  if (!view.ok) {
    return {
      text: truncateMrkdwn(escapeMrkdwn(`${head.plain}: ${view.error}`), SLACK_LIMITS.fallbackText),
      blocks: [section(head.mrkdwn), section(`:warning: ${escapeMrkdwn(truncate(view.error, 1000))} Run ${code(`/vmlocks host ${a.host}`)} in a minute.`), footer],
    };
  }
  const hostView = buildHostMessage({ kind: 'host_report', summary: view.value });
  const room = SLACK_LIMITS.blocksPerMessage - 2;
  const blocks: KnownBlock[] = [section(head.mrkdwn), ...hostView.blocks.slice(0, room), footer];
  const stale = view.value.counts.stale;
  const text = `${head.plain}: ${plural(view.value.instances.length, 'instance')}${stale > 0 ? `, ${stale} stale` : ''}`;
  return { text: truncateMrkdwn(escapeMrkdwn(text), SLACK_LIMITS.fallbackText), blocks };
}
