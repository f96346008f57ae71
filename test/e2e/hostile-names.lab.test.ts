// A tenant names a VM to make vmlocks ping the channel, link to a fake approval page and mention the boss. The seed's
// crash is on its disk; alice checks it and asks for the fix, bob approves, the bot fixes it through the running
// process. Meanwhile mallory (an engineer, not an approver) floods the approval message with 100 clicks in 10 s.
// Every field of every Slack call the bot made (Web API calls and response_url posts) is then read: no live mention,
// link or special mention that came from the name, the name still shown (in code spans), nothing of mallory's in the
// incident channel, and the fix's own posts all there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstanceId } from '../../src/core/ids.js';
import { INCIDENT_CHANNEL, USERS } from '../support/bot-process.js';
import { diskSpecFor, seedCrash } from '../support/ceph-scenarios.js';
import { sendSlackRequest } from '../support/sign-slack-request.js';
import type { LabServer } from './support/fix-lab.js';
import { clickOnApproval, incidentPosts, prepareClick, requestFixAs, textOf, type Requested } from './support/fix-slack.js';
import { waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';

const HOSTILE = '<!channel> <https://evil.example/x|Approve here> <@U0BOSS0001> *b* _i_ ~s~ &amp;';
/** How the name must read in mrkdwn: escaped, in a code span. */
const SHOWN = '`&lt;!channel&gt; &lt;https://evil.example/x|Approve here&gt; &lt;@U0BOSS0001&gt; *b* _i_ ~s~ &amp;amp;`';

let suite: FixSuite;
let server: LabServer;
let requested: Requested;

beforeAll(async () => {
  suite = await startFixSuite();
  const raw = await suite.lab.admin.bootServer(HOSTILE, 'compute-1', suite.lab.imageId);
  suite.booted.push(raw);
  await suite.lab.admin.waitServer(raw, 'ACTIVE', 120_000);
  const id = parseInstanceId(raw);
  if (!id.ok) throw new Error(id.error);
  server = { id: id.value, name: HOSTILE, host: 'compute-1', spec: diskSpecFor(raw) };
  await seedCrash({ spec: server.spec, user: 'nova-old' });
});
afterAll(async () => {
  await suite?.stop();
});

/** Every string in a recorded call or post, JSON strings (form-encoded blocks) opened too. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value);
    if (/^[[{]/.test(value)) {
      try { stringsIn(JSON.parse(value), out); } catch { /* plain text */ }
    }
  } else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** mrkdwn text objects anywhere in a payload. */
function mrkdwnObjects(value: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try { mrkdwnObjects(JSON.parse(value), out); } catch { /* plain text */ }
  } else if (Array.isArray(value)) for (const v of value) mrkdwnObjects(v, out);
  else if (typeof value === 'object' && value !== null) {
    const o = Object.fromEntries(Object.entries(value));
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o);
    for (const v of Object.values(o)) mrkdwnObjects(v, out);
  }
  return out;
}

const KNOWN_USERS = new Set<string>(Object.values(USERS));
/** The only Slack tokens the bot may write: mentions of the users who acted, dates, channels, its own permalinks. */
function isAllowedToken(token: string): boolean {
  const user = /^<@([UW][A-Z0-9]+)>$/.exec(token);
  if (user) return KNOWN_USERS.has(user[1] ?? '');
  return /^<!date\^\d+\^[^|>]*\|[^>]*>$/.test(token) || /^<#C[A-Z0-9]+>$/.test(token) ||
    /^<https:\/\/vmlocks-test\.slack\.com\/archives\/C[A-Z0-9]+\/p\d+\|open it>$/.test(token);
}

function everything(): unknown[] {
  return [...suite.slack.calls.map((c) => c.args), ...suite.slack.responses.map((r) => r.body)];
}

describe('a VM whose name is Slack markup', () => {
  it('is requested, approved and fixed while mallory floods the approval message with 100 clicks in 10 s', async () => {
    requested = await requestFixAs(suite, USERS.alice, server.id);
    await clickOnApproval(suite, requested.approval, USERS.bob);
    const flood = Array.from({ length: 100 }, (_, i) => new Promise<number>((resolve, reject) => {
      setTimeout(() => {
        const { request } = prepareClick(suite, {
          actionId: ACTION_IDS.approveFix, value: requested.approval.approveValue, user: USERS.mallory,
          channel: requested.approval.channel, messageTs: requested.approval.ts,
        });
        sendSlackRequest(request).then((r) => resolve(r.status), reject);
      }, i * 100);
    }));
    expect(new Set(await Promise.all(flood))).toEqual(new Set([200]));
    const done = await waitForState(suite.store, requested.requestId, ['succeeded', 'failed', 'aborted'], 150_000);
    expect(done).toMatchObject({ state: 'succeeded', decidedBy: USERS.bob, instanceName: HOSTILE });
    await suite.slack.waitForCall((c) => c.method === 'chat.postMessage' && textOf(c.args).includes(requested.requestId) && textOf(c.args).includes('Succeeded'), 30_000);
  });

  it('never sends a live mention, link or special mention in any field of any Slack call', () => {
    const tokens = everything().flatMap((v) => stringsIn(v)).flatMap((s) => s.match(/<[^<>]*>/g) ?? []);
    expect(tokens.length).toBeGreaterThan(0); // the bot's own mentions and dates are there
    expect(tokens.filter((t) => !isAllowedToken(t))).toEqual([]);
    const all = everything().flatMap((v) => stringsIn(v)).join('\n');
    expect(all).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U0BOSS0001>|<https:\/\/evil\.example/);
  });

  it('shows the name readably, escaped in a code span, in the report, the approval message and the incident channel', () => {
    const reports = suite.slack.responses.filter((r) => r.body.response_type === 'in_channel').map((r) => textOf(r.body));
    expect(reports.some((t) => t.includes(SHOWN))).toBe(true);
    const approval = suite.slack.callsTo('chat.update').filter((c) => c.args.ts === requested.approval.ts).map((c) => textOf(c.args));
    expect(approval.at(-1)).toContain(SHOWN);
    const posts = incidentPosts(suite, requested.requestId).map((c) => textOf(c.args));
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((t) => t.includes(SHOWN))).toBe(true);
  });

  it('marks every mrkdwn text that shows the name verbatim, so that its plain URL is not linked', () => {
    const objects = everything().flatMap((v) => mrkdwnObjects(v)).filter((o) => String(o.text).includes('evil.example'));
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.verbatim !== true)).toEqual([]);
  });

  it('posts nothing of mallory\'s 100 clicks to the incident channel, answers her at most 6 times, and keeps every step of the fix', async () => {
    const incident = suite.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL);
    expect(incident.filter((c) => textOf(c.args).includes(USERS.mallory))).toEqual([]);
    // every incident post is about the fix: requested, approved, its steps, its result
    expect(incident.filter((c) => !textOf(c.args).includes(requested.requestId))).toEqual([]);
    const posts = incidentPosts(suite, requested.requestId).map((c) => textOf(c.args));
    for (const step of ['reinspect', 'fence', 'break', 'reboot', 'wait', 'confirm']) {
      expect(posts.some((t) => t.includes(`step \`${step}\` ok`)), `step ${step} posted`).toBe(true);
    }
    const toMallory = suite.bot.logs().filter((l) => l.event === 'limit_hit' && l.user === USERS.mallory);
    expect(toMallory.length).toBeGreaterThanOrEqual(90);
    const refusals = (await suite.store.list({ requestId: requested.requestId })).filter((e) => e.action === 'refuse' && e.actor === USERS.mallory);
    expect(refusals.length).toBeLessThanOrEqual(10);
  });
});
