/** Messages for an instance reference that does not name exactly one instance: not found, ambiguous. */
import type { InstanceRef } from '../../../core/ids.js';
import type { InspectOutcome } from '../../../services/types.js';
import { context, section, type SlackMessage } from './block-kit.js';
import { code, fitLines, plural, truncate } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';

type Candidates = Extract<InspectOutcome, { kind: 'ambiguous' }>['candidates'];

export function describeRef(ref: InstanceRef): string {
  return ref.kind === 'uuid' ? ref.id : ref.name;
}

export function buildNotFoundMessage(ref: InstanceRef): SlackMessage {
  const what = ref.kind === 'uuid'
    ? `no instance has the UUID ${code(ref.id)}`
    : `no instance is named ${code(truncate(ref.name, 255))}`;
  const hint = ref.kind === 'uuid'
    ? `Check the UUID (${code('openstack server show <uuid>')}); deleted instances are not listed.`
    : `Check the name, or use the UUID (${code('openstack server list --all-projects --name <name>')}).`;
  return {
    text: `NOT FOUND: ${code(ref.kind === 'uuid' ? ref.id : truncate(ref.name, 255))}`,
    blocks: [section(`:mag: *NOT FOUND* — ${what}.`), context(hint)],
  };
}

export function buildAmbiguousMessage(ref: InstanceRef, candidates: Candidates): SlackMessage {
  const name = truncate(describeRef(ref), 255);
  const lines = candidates.map((c) =>
    `• ${code(c.id)} · host ${c.host === null ? 'none' : code(c.host)} · ${code(c.status)} · ${code(truncate(c.name, 100))}`);
  const list = fitLines(lines, SLACK_LIMITS.sectionText, (n) => `…and ${plural(n, 'more instance')}`);
  return {
    text: `AMBIGUOUS: ${plural(candidates.length, 'instance')} named ${code(name)}; use the UUID`,
    blocks: [
      section(`:twisted_rightwards_arrows: *AMBIGUOUS* — ${plural(candidates.length, 'instance is', 'instances are')} named ${code(name)}; use the UUID:`),
      section(list),
      context(`Run ${code('/vmlocks <uuid>')} with one of these.`),
    ],
  };
}
