/**
 * The full per-instance list of a host batch with its planned steps, posted in the approval message's thread: one
 * section per instance (its exact commands), as many thread replies as Slack's 50 blocks per message need.
 */
import type { KnownBlock } from '@slack/types';
import type { BatchItem, HostBatch } from '../../../core/host-batch.js';
import { section, type SlackMessage } from './block-kit.js';
import { code, escapeText, plural, truncate } from './mrkdwn.js';
import { planSections, toPlanLines } from './plan-lines.js';
import { SLACK_LIMITS } from './slack-limits.js';

/** Sections per thread reply, under the 50-block limit. */
const SECTIONS_PER_REPLY = 45;

function itemSections(i: BatchItem, n: number, total: number): string[] {
  const heading = `*${n}/${total} ${code(truncate(i.instanceName, 80))}* ${code(i.instanceId)}${i.status === 'skipped' ? ` — skipped: ${escapeText(truncate(i.reason ?? '', 200))}` : ''}`;
  return planSections(toPlanLines(i.plan), heading, 2, i.instanceId);
}

export function buildBatchPlanThread(b: HostBatch): SlackMessage[] {
  const sections: string[] = b.items.flatMap((i, k) => itemSections(i, k + 1, b.items.length));
  const replies: SlackMessage[] = [];
  for (let start = 0; start < sections.length; start += SECTIONS_PER_REPLY) {
    const part = sections.slice(start, start + SECTIONS_PER_REPLY);
    const blocks: KnownBlock[] = part.map(section);
    const text = `Planned steps of the ${plural(b.items.length, 'instance')} of batch ${b.id} (${start + 1}–${start + part.length} of ${sections.length} sections)`;
    replies.push({ text: text.slice(0, SLACK_LIMITS.fallbackText), blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) });
  }
  return replies;
}
