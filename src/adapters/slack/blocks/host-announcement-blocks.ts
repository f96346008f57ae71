/**
 * The host watch's announcement in the incident channel: one sentence saying what happened to the host, then the
 * host's view exactly as `/vmlocks host` shows it (instances worst first, the "Request fix for all N stale" button
 * and each stale instance's own), or why it could not be read. Host names come from Nova: shown in code spans and
 * escaped like every other outside string.
 */
import type { KnownBlock } from '@slack/types';
import type { HostAnnouncement } from '../../../core/host-watch.js';
import type { Result } from '../../../core/result.js';
import type { HostView } from '../../../ports.js';
import { context, section, type SlackMessage } from './block-kit.js';
import { slackDate } from './format.js';
import { buildHostMessage } from './host-blocks.js';
import { code, escapeText, plural, truncate, truncateMrkdwn } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';

/** The headline: a short form for the fallback text and the full sentence; the host name (from Nova) in a code span. */
function headline(a: HostAnnouncement): { short: string; full: string } {
  const host = code(truncate(a.host, 100));
  const since = slackDate(a.since);
  const flapping = a.changes > 2 ? ` It changed state ${a.changes} times since the last announcement: it may be flapping.` : '';
  if (a.state === 'down') {
    const what = a.previous === 'down' ? 'is down again' : 'is down';
    return {
      short: `${host} ${what}`,
      full: `:red_circle: ${host} *${what}*: its nova-compute has not reported since ${since}. Locks of its instances whose owners died with it are stale once their watches expired; they are listed below.${flapping}`,
    };
  }
  const what = a.previous === 'up' ? 'went down and is back up' : 'is back up';
  return {
    short: `${host} ${what}`,
    full: `:large_green_circle: ${host} *${what}* (nova-compute reporting since ${since}). Instances that crashed with it may still hold their dead owners' locks:${flapping}`,
  };
}

export function buildHostAnnouncementMessage(a: HostAnnouncement, view: Result<HostView, string>): SlackMessage {
  const head = headline(a);
  const footer = context(`vmlocks · host watch · ${code(`/vmlocks host ${a.host}`)} shows the host again`);
  if (!view.ok) {
    return {
      text: truncateMrkdwn(`${head.short}: ${escapeText(view.error)}`, SLACK_LIMITS.fallbackText),
      blocks: [section(head.full), section(`:warning: ${escapeText(truncate(view.error, 1000))} Run ${code(`/vmlocks host ${a.host}`)} in a minute.`), footer],
    };
  }
  const hostView = buildHostMessage({ kind: 'host_report', ...view.value });
  const room = SLACK_LIMITS.blocksPerMessage - 2;
  const blocks: KnownBlock[] = [section(head.full), ...hostView.blocks.slice(0, room), footer];
  const { summary } = view.value;
  const stale = summary.counts.stale;
  const text = `${head.short}: ${plural(summary.instances.length, 'instance')}${stale > 0 ? `, ${stale} stale` : ''}`;
  return { text: truncateMrkdwn(text, SLACK_LIMITS.fallbackText), blocks };
}
