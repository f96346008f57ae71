import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildHostAnnouncementMessage } from '../../src/adapters/slack/blocks/host-announcement-blocks.js';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { createSlackNotifier } from '../../src/adapters/slack/notifier.js';
import type { HostAnnouncement } from '../../src/core/host-watch.js';
import { summariseHost, type HostInstanceResult } from '../../src/core/host-summary.js';
import { parseInstanceId, type InstanceId } from '../../src/core/ids.js';
import { err, ok } from '../../src/core/result.js';
import type { ComputeServiceView } from '../../src/core/snapshot.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { captureLogger, createMetrics, webClientOn } from './helpers.js';
import { disk, liveLock, report, rootDisk, staleLock } from './samples.js';
import { slackLimitViolations } from './slack-limits-check.js';

const at = '2026-11-25T02:20:00Z';
const down: ComputeServiceView = { host: 'compute-1', state: 'down', status: 'enabled', forcedDown: false, updatedAt: '2026-11-25T02:14:07Z', disabledReason: null };
const wentDown: HostAnnouncement = { host: 'compute-1', state: 'down', since: '2026-11-25T02:14:07.000Z', previous: 'up', changes: 1 };

function id(n: number): InstanceId {
  const r = parseInstanceId(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function instances(stale: number, name = 'web'): HostInstanceResult[] {
  const out: HostInstanceResult[] = Array.from({ length: stale }, (_, n) => ({ id: id(n), name: `${name}-${n}`, status: 'ACTIVE', report: ok(report('stale', [disk(rootDisk, [staleLock()])])) }));
  out.push({ id: id(900), name: 'db-1', status: 'ACTIVE', report: ok(report('alive', [disk(rootDisk, [liveLock()])])) });
  return out;
}

const texts = (blocks: unknown): string => JSON.stringify(blocks);

/** Every mrkdwn text of a message (Slack parses `<!channel>` and `<@U…>` there; plain_text shows them as typed). */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (typeof value !== 'object' || value === null) return [];
  const own = 'type' in value && value.type === 'mrkdwn' && 'text' in value && typeof value.text === 'string' ? [value.text] : [];
  return [...own, ...Object.values(value).flatMap(mrkdwnTexts)];
}

describe('the host announcement', () => {
  it('says the host is down since its last heartbeat, then shows its view with the stale instances\' buttons', () => {
    const msg = buildHostAnnouncementMessage(wentDown, ok({ summary: summariseHost('compute-1', ok(down), instances(2), at) }));
    expect(msg.text).toBe('`compute-1` is down: 3 instances, 2 stale');
    expect(texts(msg.blocks[0])).toMatch(/:red_circle: `compute-1` \*is down\*: its nova-compute has not reported since <!date\^1795572847\^/);
    expect(texts(msg.blocks)).toContain('`compute-1` is *down*');
    const buttons = msg.blocks.flatMap((b) => ('accessory' in b && b.accessory && 'action_id' in b.accessory ? [b.accessory.action_id] : []));
    expect(buttons).toEqual([ACTION_IDS.requestFix, ACTION_IDS.requestFix]);
    // the batch's "Request fix for all 2 stale", as in /vmlocks host
    expect(texts(msg.blocks)).toContain(`"action_id":"${ACTION_IDS.requestBatch}"`);
    expect(texts(msg.blocks)).toContain('Request fix for all 2 stale');
    expect(slackLimitViolations(msg)).toEqual([]);
  });

  it.each([
    [{ state: 'up', previous: 'down', changes: 1 }, /`compute-1` \*is back up\*/],
    [{ state: 'up', previous: 'up', changes: 2 }, /`compute-1` \*went down and is back up\*/],
    [{ state: 'down', previous: 'down', changes: 2 }, /`compute-1` \*is down again\*/],
    [{ state: 'down', previous: 'up', changes: 5 }, /changed state 5 times since the last announcement: it may be flapping/],
  ] as const)('words %o as %s', (change, sentence) => {
    const msg = buildHostAnnouncementMessage({ ...wentDown, ...change }, ok({ summary: summariseHost('compute-1', ok(down), instances(0), at) }));
    expect(texts(msg.blocks[0])).toMatch(sentence);
  });

  it('escapes a host name and instance names from Nova everywhere, the fallback text included', () => {
    const host = '<!channel> & co';
    const msg = buildHostAnnouncementMessage({ ...wentDown, host }, ok({ summary: summariseHost(host, ok({ ...down, host }), instances(1, '<@U0EVIL>'), at) }));
    const shown = [msg.text, ...mrkdwnTexts(msg.blocks)];
    expect(shown.length).toBeGreaterThan(5);
    for (const t of shown) expect(t).not.toMatch(/<!channel>|<@U0EVIL>/);
    expect(msg.text).toContain('`&lt;!channel&gt; &amp; co` is down');
  });

  it('says why the view is missing and what to run instead', () => {
    const msg = buildHostAnnouncementMessage(wentDown, err("could not read the host's instances: Nova <timed out>"));
    expect(texts(msg.blocks[1])).toContain('Nova &lt;timed out&gt;');
    expect(texts(msg.blocks[1])).toContain('`/vmlocks host compute-1`');
  });

  it('stays within Slack\'s limits for a host of 300 instances', () => {
    const msg = buildHostAnnouncementMessage(wentDown, ok({ summary: summariseHost('compute-1', ok(down), instances(299), at) }));
    expect(slackLimitViolations(msg)).toEqual([]);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('posting the announcement', () => {
  let fake: FakeSlackApi;
  beforeEach(async () => { fake = await startFakeSlackApi({ delayMs: 20 }); });
  afterEach(async () => fake.close());

  it('posts to the incident channel only, even when approvals go elsewhere, and throws when Slack refuses', async () => {
    const log = captureLogger();
    const metrics = createMetrics();
    const n = createSlackNotifier({ client: webClientOn(fake, log.logger, metrics), incidentChannel: 'C0INCIDENT', approvalsChannel: 'C0APPROVALS', logger: log.logger, metrics, postIntervalMs: 10 });
    await n.announceHost(wentDown, ok({ summary: summariseHost('compute-1', ok(down), instances(1), at) }));
    expect(fake.callsTo('chat.postMessage').map((c) => [c.args.channel, c.args.text])).toEqual([['C0INCIDENT', '`compute-1` is down: 2 instances, 1 stale']]);
    fake.failNext('chat.postMessage', 'channel_not_found');
    await expect(n.announceHost(wentDown, err('x'))).rejects.toThrow(/channel_not_found/);
    await n.stop();
  });
});
