// Twenty Approve clicks at the same instant on one host batch, shared between two replicas of the bot on one
// database: one batch run, each instance fixed once (rbd lock rm counted where the bots spawn it, reboots counted in
// Nova's instance actions), the nineteen other clickers told it was already approved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { seedCrash } from '../support/ceph-scenarios.js';
import { startBot, USERS } from '../support/bot-process.js';
import { sendTogether } from '../support/sign-slack-request.js';
import { batchApprovalOf, clickRequestBatch, waitForBatch, type BatchApproval } from './support/batch-slack.js';
import { bootServer, installRbdCounter, isLockRm, rebootActions, type LabServer, type RbdCounter } from './support/fix-lab.js';
import { prepareClick, textOf, type SlackSide } from './support/fix-slack.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const GROUP = 'S0ONCALL01';
const GROUP_MEMBERS = Array.from({ length: 17 }, (_, i) => `U0GROUP${String(i + 1).padStart(3, '0')}`);
const CLICKERS = [...GROUP_MEMBERS, USERS.alice, USERS.bob, USERS.carol];

let suite: FixSuite;
let counter: RbdCounter;
let replica: SlackSide;
let servers: LabServer[];
let approval: BatchApproval;

beforeAll(async () => {
  counter = installRbdCounter();
  const env = { ...counter.env, VMLOCKS_APPROVER_GROUP: GROUP };
  suite = await startFixSuite({ env, slack: { usergroups: { [GROUP]: GROUP_MEMBERS } } });
  const second = await startBot({ slackApiUrl: suite.slack.apiUrl, dbPath: suite.bot.dbPath, env });
  suite.extraBots.push(second);
  replica = { bot: second, slack: suite.slack };
  servers = await Promise.all([0, 1, 2].map((i) => bootServer(suite.lab, `vmlt-batch-race-${i}`, suite.booted, 'compute-1')));
  await Promise.all(servers.map((s) => seedCrash({ spec: s.spec, user: 'nova-old' })));
  // mallory (an operator, not an approver) asks, so that every clicker may approve
  const requested = await clickRequestBatch(suite, USERS.mallory, 'compute-1');
  if (requested.batchId === null) throw new Error(`no batch: ${textOf(requested.answer.body)}`);
  approval = await batchApprovalOf(suite, requested.batchId);
});
afterAll(async () => {
  await suite?.stop();
});

describe('twenty Approve clicks at the same instant on a host batch', () => {
  it('start one batch run across two replicas: each instance fixed once, the other nineteen clickers told it was already approved', async () => {
    const clicks = CLICKERS.map((user, i) => ({
      user,
      ...prepareClick(i % 2 === 0 ? suite : replica, { actionId: ACTION_IDS.approveBatch, value: approval.approveValue, user, channel: approval.channel, messageTs: approval.ts }),
    }));
    const acks = await sendTogether(clicks.map((c) => c.request));
    expect(acks.map((a) => a.status)).toEqual(CLICKERS.map(() => 200));

    const done = await waitForBatch(suite.store, approval.batchId, ['finished', 'paused', 'interrupted']);
    expect(done.state).toBe('finished');
    const approvals = (await suite.store.list({ requestId: approval.batchId })).filter((e) => e.action === 'batch_approve');
    expect(approvals).toHaveLength(1);
    const winner = approvals[0]?.actor;
    expect(done.decidedBy).toBe(winner);

    const losers = clicks.filter((c) => c.user !== winner);
    await Promise.all(losers.map((c) => suite.slack.waitForResponse((r) => r.id === c.responseId, 30_000)));
    for (const c of losers) {
      const answer = suite.slack.responses.filter((r) => r.id === c.responseId);
      expect(answer, c.user).toHaveLength(1);
      expect(textOf(answer[0]?.body ?? {})).toContain(`<@${winner ?? ''}> already approved this batch request`);
    }
    expect((await suite.store.list({ requestId: approval.batchId })).filter((e) => e.action === 'batch_refuse')).toHaveLength(losers.length);

    for (const s of servers) {
      const item = done.items.find((i) => i.instanceId === s.id);
      expect(item?.status, `${s.name}: ${item?.reason ?? ''}`).toBe('done');
      expect(counter.invocations().filter((argv) => isLockRm(argv, s.spec)), s.name).toHaveLength(1);
      expect(await rebootActions(suite.lab, s.id), s.name).toHaveLength(1);
    }
    // one fix request per instance, all from this batch
    const runs = done.items.map((i) => i.requestId).filter((id) => id !== null);
    expect(new Set(runs).size).toBe(done.items.filter((i) => i.status === 'done').length);
  });
});
