// Who may not decide a fix, and when nobody may: the requester, an engineer who is not an approver, a second
// request for an instance that already has one, a denial through the modal, and a request left past its TTL.
// Each refusal is answered to the clicker alone, audited, and runs nothing: the dead owner's lock stays where it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/adapters/store/index.js';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { INCIDENT_CHANNEL, startBot, USERS } from '../support/bot-process.js';
import { bootServer, rebootActions, type LabServer } from './support/fix-lab.js';
import {
  actionIdsOf, answerTo, approvalUpdates, clickOnApproval, openDenyModal, requestFixAs, runVmlocks,
  submitDenyModal, textOf, waitForTold, buttonValue, click, type Requested, type SlackSide,
} from './support/fix-slack.js';
import { commandsOf, openStore, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';

let suite: FixSuite;
let server: LabServer;
let crash: SeedCrashScenario;
let requested: Requested;

beforeAll(async () => {
  suite = await startFixSuite();
  server = await bootServer(suite.lab, 'vmlt-e2e-refuse', suite.booted);
  crash = await seedCrash({ spec: server.spec });
  requested = await requestFixAs(suite, USERS.alice, server.name);
});
afterAll(async () => {
  await suite?.stop();
});

/** Nothing of the plan ran for this request: no command, no reboot, the dead owner neither fenced nor unlocked. */
async function expectNothingRan(store: Store, requestId: string): Promise<void> {
  expect(await commandsOf(store, requestId)).toEqual([]);
  expect((await store.list({ requestId })).filter((e) => e.http !== undefined)).toEqual([]);
  expect(await adminBlocklist()).not.toContain(crash.deadOwner.address);
  expect(await adminLocks(server.spec)).toEqual([{ id: crash.deadOwner.lockId, locker: crash.deadOwner.locker, address: crash.deadOwner.address }]);
  expect(await rebootActions(suite.lab, server.id)).toEqual([]);
}

async function refusalsIn(store: Store, requestId: string, actor: string): Promise<string[]> {
  return (await store.list({ requestId })).filter((e) => e.action === 'refuse' && e.actor === actor).map((e) => e.detail);
}

describe('refused decisions', () => {
  it('refuses alice approving her own request, telling only her, and runs nothing', async () => {
    const answer = await answerTo(suite, await clickOnApproval(suite, requested.approval, USERS.alice));
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(textOf(answer.body)).toContain('You requested this fix; a second engineer must approve it.');
    expect(await refusalsIn(suite.store, requested.requestId, USERS.alice)).toEqual([expect.stringMatching(/^self_approval: /)]);
    expect(await suite.store.get(requested.requestId)).toMatchObject({ state: 'pending', decidedBy: null });
    await expectNothingRan(suite.store, requested.requestId);
  });

  it('refuses mallory, who is not an approver, and runs nothing', async () => {
    const answer = await answerTo(suite, await clickOnApproval(suite, requested.approval, USERS.mallory));
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(answer.body)).toContain('You are not an approver of vmlocks fixes');
    expect(await refusalsIn(suite.store, requested.requestId, USERS.mallory)).toEqual([expect.stringMatching(/^not_authorised: /)]);
    expect(await suite.store.get(requested.requestId)).toMatchObject({ state: 'pending', decidedBy: null });
    await expectNothingRan(suite.store, requested.requestId);
  });

  it('points a second request for the same instance to the pending one instead of opening another', async () => {
    const report = await runVmlocks(suite, USERS.carol, server.name);
    const value = buttonValue(report.body.blocks, ACTION_IDS.requestFix);
    expect(value).not.toBeNull();
    const answer = await answerTo(suite, await click(suite, { actionId: ACTION_IDS.requestFix, value: value ?? '', user: USERS.carol }), 60_000);
    const text = textOf(answer.body);
    expect(text).toContain('is already open');
    expect(text).toContain(requested.requestId);
    expect(text).toContain(`<#${INCIDENT_CHANNEL}>`);
    expect(text).toContain(`/archives/${INCIDENT_CHANNEL}/p${requested.approval.ts.replace('.', '')}`);
    expect((await suite.store.findOpen(server.id))?.id).toBe(requested.requestId);
    const approvalPosts = suite.slack.callsTo('chat.postMessage').filter((c) => buttonValue(c.args.blocks, ACTION_IDS.approveFix) !== null);
    expect(approvalPosts).toHaveLength(1);
  });

  it('refuses a denial by mallory, who is not an approver, inside the modal', async () => {
    const opened = await openDenyModal(suite, requested.approval, USERS.mallory);
    const submitted = await submitDenyModal(suite, opened, USERS.mallory, 'looks fine to me');
    expect(submitted.status).toBe(200);
    expect(JSON.parse(submitted.body)).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(submitted.body).toContain('Only an approver or the requester can deny this fix.');
    expect(await suite.store.get(requested.requestId)).toMatchObject({ state: 'pending', denyReason: null });
    expect(await refusalsIn(suite.store, requested.requestId, USERS.mallory)).toContainEqual(expect.stringMatching(/^not_authorised: Only an approver/));
  });

  it('denies the request with the reason bob gives in the modal, updates the approval message without buttons and tells alice', async () => {
    const reason = 'the host is coming back; its VMs recover by themselves';
    const opened = await openDenyModal(suite, requested.approval, USERS.bob);
    expect(opened.response.ok).toBe(true);
    expect(JSON.stringify(opened.args.view)).toContain(requested.requestId);
    const submitted = await submitDenyModal(suite, opened, USERS.bob, reason);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBe('');

    expect(await waitForState(suite.store, requested.requestId, ['denied'], 15_000)).toMatchObject({ decidedBy: USERS.bob, denyReason: reason });
    const update = await suite.slack.waitForCall((c) => c.method === 'chat.update' && c.args.ts === requested.approval.ts && textOf(c.args).includes('*Denied*'), 15_000);
    expect(update.args.channel).toBe(requested.approval.channel);
    expect(textOf(update.args)).toContain(reason);
    expect(actionIdsOf(update.args.blocks)).toEqual([]);
    await waitForTold(suite, USERS.alice, (t) => t.includes(requested.requestId) && t.includes('was denied by') && t.includes(reason));
    await suite.slack.waitForCall((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && textOf(c.args).includes('denied fix'), 15_000);
    expect((await suite.store.list({ requestId: requested.requestId })).filter((e) => e.action === 'deny').map((e) => e.actor)).toEqual([USERS.bob]);
    await expectNothingRan(suite.store, requested.requestId);
  });
});

describe('with an approval TTL of 5 s', () => {
  let side: SlackSide;
  let store: Store;

  beforeAll(async () => {
    const bot = await startBot({ slackApiUrl: suite.slack.apiUrl, env: { VMLOCKS_APPROVAL_TTL: '5s' } });
    suite.extraBots.push(bot);
    side = { bot, slack: suite.slack };
    store = await openStore(bot.dbPath);
  });
  afterAll(() => store?.close());

  it('expires a request nobody decided, removes its buttons, tells alice, and refuses a later approval', async () => {
    const late = await requestFixAs(side, USERS.alice, server.name);
    expect(await waitForState(store, late.requestId, ['expired'], 30_000)).toMatchObject({ decidedBy: null, outcome: 'expired without a decision' });
    const update = await side.slack.waitForCall((c) => c.method === 'chat.update' && c.args.ts === late.approval.ts && textOf(c.args).includes('*Expired*'), 15_000);
    expect(update.args.channel).toBe(late.approval.channel);
    expect(actionIdsOf(update.args.blocks)).toEqual([]);
    expect(approvalUpdates(side, late.approval).every((u) => !textOf(u.args).includes('*Approved*'))).toBe(true);
    await waitForTold(side, USERS.alice, (t) => t.includes(late.requestId) && t.includes('expired without a decision'));
    await side.slack.waitForCall((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && textOf(c.args).includes(late.requestId) && textOf(c.args).includes('expired at'), 15_000);

    const answer = await answerTo(side, await clickOnApproval(side, late.approval, USERS.bob));
    expect(textOf(answer.body)).toContain('This request expired at');
    expect(await refusalsIn(store, late.requestId, USERS.bob)).toEqual([expect.stringMatching(/^expired: /)]);
    expect(await store.get(late.requestId)).toMatchObject({ state: 'expired' });
    await expectNothingRan(store, late.requestId);
  });
});
