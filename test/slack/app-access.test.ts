// Who may see and act, at the Slack app's edge: signed requests into the real Bolt app, the fake Web API answering
// users.info and auth.test. A refused user gets one short ephemeral answer and no service is called.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { encodeInstanceButtonValue, encodeRequestButtonValue } from '../../src/adapters/slack/button-values.js';
import { ACCESS_REFUSED_TEXT } from '../../src/adapters/slack/handlers/admit.js';
import { blockActionPayload } from '../support/sign-slack-request.js';
import { shown, startHarness, type Harness } from './app-harness.js';
import { disk, fixRequest, instanceId, report, rootDisk, stalePlan, staleLock } from './samples.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ users: { U01REQUEST: {}, U0GUEST001: { restricted: true }, U0OTHERORG: { teamId: 'T0ELSEWHERE' } } });
  h.inspect.answer = async () => ({ kind: 'report', report: report('stale', [disk(rootDisk, [staleLock()])]), plan: stalePlan() });
  h.inspect.hostAnswer = async (host) => ({ kind: 'host_not_found', host });
});
afterEach(async () => h.close());

const ENTRIES = [
  ['/vmlocks <instance>', 'command', 'vm-1'],
  ['/vmlocks host', 'command', 'host compute-1'],
  ['Check again', ACTION_IDS.checkAgain, encodeInstanceButtonValue(instanceId)],
  ['Request fix', ACTION_IDS.requestFix, encodeInstanceButtonValue(instanceId)],
  ['Approve', ACTION_IDS.approveFix, encodeRequestButtonValue(fixRequest().id)],
] as const;

const WHO = [
  ['a member who is not an operator', { userId: 'U0NOTOPS01' }],
  ['a guest listed nowhere', { userId: 'U0GUEST001' }],
  ['an operator in a payload of another team', { userId: 'U01REQUEST', teamId: 'T0FOREIGN1' }],
  ['an operator in a payload of another enterprise', { userId: 'U01REQUEST', enterpriseId: 'E0FOREIGN1' }],
] as const;

function send(entry: (typeof ENTRIES)[number], who: { userId: string; teamId?: string; enterpriseId?: string }, id: string) {
  const [, kind, input] = entry;
  if (kind === 'command') return h.send(h.command(input, id, { userId: who.userId, fields: { ...(who.teamId ? { teamId: who.teamId } : {}), ...(who.enterpriseId ? { enterpriseId: who.enterpriseId } : {}) } }));
  const payload = blockActionPayload({ actionId: kind, value: input, userId: who.userId, responseUrl: h.fake.responseUrl(id) });
  return h.send(h.interaction({
    ...payload,
    ...(who.teamId ? { team: { id: who.teamId, domain: 'elsewhere' } } : {}),
    ...(who.enterpriseId ? { enterprise: { id: who.enterpriseId, name: 'Other Org' } } : {}),
  }));
}

describe('refusals', () => {
  for (const [who, actor] of WHO) {
    it.each(ENTRIES.map((e) => [e[0], e] as const))(`refuses ${who} for %s: one short ephemeral answer, no service called`, async (_name, entry) => {
      const res = await send(entry, actor, 'refused');
      expect(res.status).toBe(200);
      const post = await h.fake.waitForResponse((r) => r.id === 'refused');
      expect(post.body).toMatchObject({ response_type: 'ephemeral', text: ACCESS_REFUSED_TEXT });
      await new Promise((r) => setTimeout(r, 300)); // room for a wrong implementation to go on
      expect(h.fake.responses.filter((r) => r.id === 'refused')).toHaveLength(1);
      expect([h.inspect.calls, h.inspect.hostCalls, h.fixes.requestCalls, h.fixes.decideCalls]).toEqual([[], [], [], []]);
    });
  }
});

describe('where reports go', () => {
  it('posts the report in the channel where reports may be posted', async () => {
    await h.send(h.command('vm-1', 'here', { fields: { channelId: 'C0ONCALL' } }));
    const post = await h.fake.waitForResponse((r) => r.id === 'here' && shown(r.body).includes('STALE'));
    expect(post.body.response_type).toBe('in_channel');
  });

  it('answers an operator in any other channel with an ephemeral report', async () => {
    await h.send(h.command('vm-1', 'elsewhere', { fields: { channelId: 'C0RANDOM01' } }));
    const post = await h.fake.waitForResponse((r) => r.id === 'elsewhere' && shown(r.body).includes('STALE'));
    expect(post.body.response_type).toBe('ephemeral');
    expect(h.inspect.calls).toHaveLength(1);
  });
});

describe('decisions per user', () => {
  it('lets 5 Approve clicks of one user in 10 s through, tells them once when to retry and posts nothing to any channel', async () => {
    h.fixes.onDecide = async () => ({ ok: false, error: { code: 'not_authorised', detail: 'You are not an approver.' } });
    const clicks = Array.from({ length: 100 }, (_, i) => h.interaction(blockActionPayload({
      actionId: ACTION_IDS.approveFix, value: encodeRequestButtonValue(fixRequest().id), userId: 'U01REQUEST', responseUrl: h.fake.responseUrl(`flood-${i}`),
    })));
    const answers = await Promise.all(clicks.map((c) => h.send(c)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await h.fake.waitForResponse((r) => shown(r.body).includes('Too many clicks'));
    await new Promise((r) => setTimeout(r, 500));
    expect(h.fixes.decideCalls).toHaveLength(5);
    expect(h.fake.responses.filter((r) => shown(r.body).includes('Too many clicks'))).toHaveLength(1);
    expect(h.fake.responses.every((r) => r.body.response_type === 'ephemeral')).toBe(true);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });
});
