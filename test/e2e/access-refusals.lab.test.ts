// Who may see (issue 11, bar 2), through the running bot in http mode, signed requests and the fake Slack Web API
// (whose users.info says who is a guest) against the real labs: a member who is not an operator, a guest and an
// ultra-restricted guest (both listed as operators), and an operator in a payload of another team or of another
// enterprise are refused `/vmlocks <uuid>`, `/vmlocks host <host>`, Check again and Request fix, only to themselves,
// with no Ceph or Nova call. Calls are counted outside the bot: OpenStack requests by a forwarder in front of the real
// Keystone and Nova (counting-openstack.ts), Ceph calls as rbd/ceph processes by counting wrappers on the bot's PATH
// (reads through the CLIs, VMLOCKS_CEPH_READS=cli). The control: the operator's identical requests are counted by the
// same counters. And an operator in a channel outside VMLOCKS_CHANNELS gets the report ephemeral, nothing in-channel.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { ACCESS_REFUSED_TEXT } from '../../src/adapters/slack/handlers/admit.js';
import { SIGNING_SECRET, startBot, USERS, type BotProcess } from '../support/bot-process.js';
import { assertCephLabUp, sleep } from '../support/ceph-lab.js';
import { cleanupScenarios, seedCrash } from '../support/ceph-scenarios.js';
import { startCountingOpenStack, type CountingOpenStack } from '../support/counting-openstack.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedResponse } from '../support/fake-slack-api.js';
import { findNovaLab } from '../support/nova-lab.js';
import { prepareSlackRequest, sendSlackRequest, slashCommandBody } from '../support/sign-slack-request.js';
import { createCountingPath, type CountingPath } from './support/diagnosis-counting-path.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { messageTextOf } from './support/diagnosis-slack.js';
import { answerTo, buttonValue, click, ONCALL_CHANNEL, textOf, type SlackSide } from './support/fix-slack.js';

const NOBODY = 'U0NOBODY005';
const GUEST = 'U0GUEST0006';
const ULTRA = 'U0ULTRA0007';
/** A channel that is neither the incident channel nor one of VMLOCKS_CHANNELS. */
const ELSEWHERE = 'C0ELSEWHERE1';

interface Actor { who: string; user: string; reason: string; teamId?: string; enterpriseId?: string }
const REFUSED: Actor[] = [
  { who: 'a member who is not an operator', user: NOBODY, reason: 'not_operator' },
  { who: 'a guest (is_restricted) listed as an operator', user: GUEST, reason: 'guest' },
  { who: 'an ultra-restricted guest listed as an operator', user: ULTRA, reason: 'guest' },
  { who: 'an operator in a payload of another team', user: USERS.mallory, teamId: 'T0OTHERTEAM', reason: 'foreign_team' },
  { who: 'an operator in a payload of another enterprise', user: USERS.mallory, enterpriseId: 'E0OTHERORG1', reason: 'foreign_enterprise' },
];
const OPERATOR: Actor = { who: 'mallory, an operator', user: USERS.mallory, reason: '' };

let slack: FakeSlackApi;
let bot: BotProcess;
let side: SlackSide;
let nova: NovaSetup;
let ceph: CountingPath;
let openstack: CountingOpenStack;
let server: LabServer;
let report: RecordedResponse;
let instanceValue: string;

function counted() {
  return {
    nova: openstack.requests('nova').length, keystone: openstack.requests('keystone').length,
    cephProcesses: ceph.calls().length, posts: slack.callsTo('chat.postMessage').length,
  };
}

/** `/vmlocks <text>` as the actor, signed; resolves with the id of its response_url. */
async function command(actor: Actor, text: string, channelId = ONCALL_CHANNEL): Promise<string> {
  const id = `access-${randomUUID()}`;
  const body = slashCommandBody({
    text, userId: actor.user, channelId, responseUrl: slack.responseUrl(id),
    ...(actor.teamId ? { teamId: actor.teamId } : {}), ...(actor.enterpriseId ? { enterpriseId: actor.enterpriseId } : {}),
  });
  const res = await sendSlackRequest(prepareSlackRequest(bot.eventsUrl, body, { signingSecret: SIGNING_SECRET }));
  expect(res.status).toBe(200);
  return id;
}

/** The four entry points, as the actor; resolves with each one's response_url id. */
function everyEntryPoint(actor: Actor): Promise<string[]> {
  const payload = { user: actor.user, ...(actor.teamId ? { teamId: actor.teamId } : {}), ...(actor.enterpriseId ? { enterpriseId: actor.enterpriseId } : {}) };
  return Promise.all([
    command(actor, server.id), command(actor, `host ${server.host}`),
    // the report's buttons carry the same value, {instanceId}: Check again is shown on unknown verdicts
    click(side, { actionId: ACTION_IDS.checkAgain, value: instanceValue, ...payload }),
    click(side, { actionId: ACTION_IDS.requestFix, value: instanceValue, ...payload }),
  ]);
}

/** The final answer on a response_url: anything but the "Checking…" note. */
const finalAnswer = (id: string) => slack.waitForResponse((r) => r.id === id && !/^:mag: Checking /.test(messageTextOf(r.body)), 60_000);

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  const [booted] = await nova.boot([{ prefix: 'e2e-access', host: 'compute-2' }]);
  if (booted === undefined) throw new Error('no server');
  server = booted;
  await seedCrash({ spec: server.disk });
  slack = await startFakeSlackApi({ users: { [GUEST]: { restricted: true }, [ULTRA]: { restricted: true, ultraRestricted: true } } });
  ceph = createCountingPath();
  openstack = await startCountingOpenStack();
  bot = await startBot({
    slackApiUrl: slack.apiUrl,
    env: {
      ...openstack.env, PATH: ceph.PATH, VMLOCKS_CEPH_READS: 'cli', VMLOCKS_USER_COMMANDS: '100',
      VMLOCKS_OPERATORS: `${USERS.mallory},${GUEST},${ULTRA}`,
    },
  });
  side = { bot, slack };
});

afterAll(async () => {
  try {
    await bot?.stop();
    await slack?.close();
    await openstack?.close();
    ceph?.remove();
    await cleanupScenarios();
  } finally {
    await nova?.restore();
  }
});

describe('an operator (the control: the counters see her calls)', () => {
  it('gets the STALE report in the on-call channel, and Nova and Ceph were called for it', async () => {
    const before = counted();
    report = await finalAnswer(await command(OPERATOR, server.id));
    expect(report.body.response_type).toBe('in_channel');
    expect(textOf(report.body)).toContain(server.name);
    instanceValue = buttonValue(report.body.blocks, ACTION_IDS.requestFix) ?? '';
    expect(JSON.parse(instanceValue)).toEqual({ instanceId: server.id });
    const after = counted();
    expect(after.nova).toBeGreaterThan(before.nova);
    expect(after.cephProcesses).toBeGreaterThan(before.cephProcesses);
  });
});

describe('refused: no Ceph or Nova call, a refusal only to them that reveals nothing', () => {
  it.each(REFUSED)('$who', async (actor) => {
    const logsBefore = bot.logs().length;
    const before = counted();
    const ids = await everyEntryPoint(actor);
    for (const id of ids) {
      const answer = await answerTo(side, id);
      expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(textOf(answer.body)).toContain(ACCESS_REFUSED_TEXT);
      for (const secret of [server.name, server.host, 'vms/', 'STALE']) expect(textOf(answer.body)).not.toContain(secret);
    }
    await sleep(1500); // room for a wrong implementation to go on after its refusal
    expect(counted()).toEqual(before);
    for (const id of ids) expect(slack.responses.filter((r) => r.id === id)).toHaveLength(1);
    const refusals = bot.logs().slice(logsBefore).filter((l) => l.event === 'access_refused');
    expect(refusals.map((l) => [l.userId, l.reason])).toEqual(ids.map(() => [actor.user, actor.reason]));
  });
});

describe('the operator\'s identical requests (the control, continued)', () => {
  const clickAs = async (actionId: string) => answerTo(side, await click(side, { actionId, value: instanceValue, user: OPERATOR.user }), 60_000);
  it.each([
    { what: '/vmlocks host', run: async () => finalAnswer(await command(OPERATOR, `host ${server.host}`)), shows: /STALE/ },
    { what: 'Check again', run: () => clickAs(ACTION_IDS.checkAgain), shows: /STALE/ },
    { what: 'Request fix', run: () => clickAs(ACTION_IDS.requestFix), shows: /fx-[0-9a-f]{10}/ },
  ])('$what calls Nova and Ceph, counted by the same counters', async ({ run, shows }) => {
    const before = counted();
    const answer = await run();
    expect(textOf(answer.body)).toMatch(shows);
    const after = counted();
    expect(after.nova).toBeGreaterThan(before.nova);
    expect(after.cephProcesses).toBeGreaterThan(before.cephProcesses);
  });
});

describe('an operator in a channel outside VMLOCKS_CHANNELS', () => {
  it('gets the report only for herself (ephemeral), and nothing is posted in that channel', async () => {
    const before = counted();
    const id = await command(OPERATOR, server.id, ELSEWHERE);
    const answer = await finalAnswer(id);
    expect(textOf(answer.body)).toContain(server.name);
    expect(slack.responses.filter((r) => r.id === id).map((r) => r.body.response_type)).toEqual(['ephemeral', 'ephemeral']);
    expect(slack.calls.filter((c) => c.args.channel === ELSEWHERE)).toEqual([]);
    expect(counted().posts).toBe(before.posts);
  });
});
