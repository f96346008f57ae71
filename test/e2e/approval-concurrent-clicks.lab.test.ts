// Twenty approvers click Approve at the same instant (DESIGN.md §5: a decision is taken once, whatever the double
// clicks, concurrent approvers and replicas). Three are listed in VMLOCKS_APPROVERS, seventeen are members of
// VMLOCKS_APPROVER_GROUP, read from Slack at click time. The clicks are shared between two replicas of the bot on one
// database. The bots' `rbd` is a counting wrapper first on their PATH, so the commands are counted where they are
// spawned, besides the audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { INCIDENT_CHANNEL, startBot, USERS } from '../support/bot-process.js';
import { sendTogether } from '../support/sign-slack-request.js';
import { bootServer, installRbdCounter, isLockRm, rebootActions, serverState, type LabServer, type RbdCounter } from './support/fix-lab.js';
import { prepareClick, requestFixAs, textOf, type Requested, type SlackSide } from './support/fix-slack.js';
import { argvHas, commandsOf, httpOf, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const GROUP = 'S0ONCALL01';
const GROUP_MEMBERS = Array.from({ length: 17 }, (_, i) => `U0GROUP${String(i + 1).padStart(3, '0')}`);
// Group members first: their clicks read the request, then wait for Slack's usergroups.users.list (100 ms in the
// fake), while the listed approvers' clicks are decided at once. The waiting clicks then hold a stale `pending`, and
// only the store's compare-and-set stops them (checked: with the compare-and-set widened to also accept `running`,
// this test sees 11 approvals instead of 1).
const CLICKERS = [...GROUP_MEMBERS, USERS.alice, USERS.bob, USERS.carol];

let suite: FixSuite;
let counter: RbdCounter;
let server: LabServer;
let crash: SeedCrashScenario;
let requested: Requested;
let replica: SlackSide;

beforeAll(async () => {
  counter = installRbdCounter();
  const env = { ...counter.env, VMLOCKS_APPROVER_GROUP: GROUP };
  suite = await startFixSuite({ env, slack: { usergroups: { [GROUP]: GROUP_MEMBERS } } });
  const second = await startBot({ slackApiUrl: suite.slack.apiUrl, dbPath: suite.bot.dbPath, env });
  suite.extraBots.push(second);
  replica = { bot: second, slack: suite.slack };
  server = await bootServer(suite.lab, 'vmlt-e2e-race', suite.booted);
  crash = await seedCrash({ spec: server.spec });
  // anyone may ask for a fix; mallory (no approver) asks, so that every clicker may approve
  requested = await requestFixAs(suite, USERS.mallory, server.name);
});
afterAll(async () => {
  await suite?.stop();
});

describe('twenty Approve clicks at the same instant', () => {
  it('run the fix once across two replicas: one decision, one rbd lock rm, one reboot; the other nineteen clickers hear it was already approved', async () => {
    // (reads go through librados, not rbd: the wrapper sees the fix's writes, counted below)
    const { approval, requestId } = requested;
    const clicks = CLICKERS.map((user, i) => ({
      user,
      ...prepareClick(i % 2 === 0 ? suite : replica, { actionId: ACTION_IDS.approveFix, value: approval.approveValue, user, channel: approval.channel, messageTs: approval.ts }),
    }));
    const acks = await sendTogether(clicks.map((c) => c.request));
    expect(acks.map((a) => a.status)).toEqual(CLICKERS.map(() => 200));

    const done = await waitForState(suite.store, requestId, ['succeeded', 'failed', 'aborted'], 150_000);
    expect(done.state).toBe('succeeded');
    const approvals = (await suite.store.list({ requestId })).filter((e) => e.action === 'approve');
    expect(approvals).toHaveLength(1);
    const winner = approvals[0]?.actor;
    expect(done.decidedBy).toBe(winner);
    expect(CLICKERS).toContain(winner);
    // the group was read from Slack at click time (the listed approvers need no lookup)
    expect(suite.slack.callsTo('usergroups.users.list').length).toBeGreaterThan(0);

    // every loser is told, only them, that it was already approved; the winner gets no refusal
    const losers = clicks.filter((c) => c.user !== winner);
    await Promise.all(losers.map((c) => suite.slack.waitForResponse((r) => r.id === c.responseId, 30_000)));
    for (const c of losers) {
      const answer = suite.slack.responses.filter((r) => r.id === c.responseId);
      expect(answer, c.user).toHaveLength(1);
      expect(answer[0]?.body.response_type).toBe('ephemeral');
      expect(textOf(answer[0]?.body ?? {})).toContain(`<@${winner ?? ''}> already approved this request`);
    }
    expect(suite.slack.responses.filter((r) => r.id === clicks.find((c) => c.user === winner)?.responseId)).toEqual([]);
    const refusals = (await suite.store.list({ requestId })).filter((e) => e.action === 'refuse');
    expect(refusals.map((e) => e.actor).sort()).toEqual(losers.map((c) => c.user).sort());
    expect(refusals.every((e) => e.detail.startsWith('already_decided: '))).toBe(true);

    // one run: one blocklist add, one lock rm (audited and spawned), one reboot in Nova
    const commands = (await commandsOf(suite.store, requestId)).map((e) => e.command?.argv ?? []);
    expect(commands.filter((argv) => argvHas(argv, ['lock', 'rm']))).toHaveLength(1);
    expect(commands.filter((argv) => argvHas(argv, ['osd', 'blocklist', 'add']))).toHaveLength(1);
    expect(counter.invocations().filter((argv) => isLockRm(argv, server.spec))).toHaveLength(1);
    expect(await httpOf(suite.store, requestId)).toHaveLength(1);
    expect(await rebootActions(suite.lab, server.id)).toHaveLength(1);
    expect(await serverState(suite.lab, server.id)).toMatchObject({ status: 'ACTIVE' });
    expect(await adminBlocklist()).toContain(crash.deadOwner.address);
    expect((await adminLocks(server.spec)).map((l) => l.address)).not.toContain(crash.deadOwner.address);

    // and one decision in the incident channel
    await suite.slack.waitForCall((c) => c.method === 'chat.postMessage' && textOf(c.args).includes(requestId) && textOf(c.args).includes('Succeeded'), 30_000);
    const approvedPosts = suite.slack.callsTo('chat.postMessage')
      .filter((c) => c.args.channel === INCIDENT_CHANNEL && textOf(c.args).includes(requestId) && textOf(c.args).includes(' approved fix '));
    expect(approvedPosts).toHaveLength(1);
  });
});
