// The fix brake's last place raced by two bot processes on one PostgreSQL: the brake allows one fix per window, two
// stale instances (the seed crash) each have a pending request, and the two Approve clicks arrive at the same instant,
// one on each replica. Exactly one run starts (one `osd blocklist add`, one `rbd lock rm`, one reboot in Nova); the
// other approval is refused by the brake with the README's message, the request stays pending, its dead owner keeps
// its lock, and the audit and the decisions say so. Which replica wins is the database's choice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { adminBlocklist, adminLocks, waitUntil } from '../support/ceph-admin-view.js';
import { seedCrash } from '../support/ceph-scenarios.js';
import { INCIDENT_CHANNEL, startBot, USERS } from '../support/bot-process.js';
import { freshPgSchema, type PgSchema } from '../support/pg-lab.js';
import { sendTogether } from '../support/sign-slack-request.js';
import { bootServer, installRbdCounter, isLockRm, rebootActions, type RbdCounter } from './support/fix-lab.js';
import { answerTo, prepareClick, requestFixAs, textOf, type Requested, type SlackSide } from './support/fix-slack.js';
import { argvHas, commandsOf, httpOf } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const ENDED = ['succeeded', 'failed', 'aborted', 'interrupted'];
const BRAKE_ENV = { VMLOCKS_FIX_BRAKE: '1', VMLOCKS_FIX_BRAKE_WINDOW: '10m' };
const BRAKE_MESSAGE = '1 fix ran in the last 10 min across the cluster: this looks like a mass event (a rack or a power feed)';
let schema: PgSchema;
let suite: FixSuite;
let counter: RbdCounter;
let replica: SlackSide;

beforeAll(async () => {
  schema = await freshPgSchema('e2e_brake');
  counter = installRbdCounter();
  const env = { ...counter.env, ...BRAKE_ENV };
  suite = await startFixSuite({ env, dbPath: schema.url });
  const second = await startBot({ slackApiUrl: suite.slack.apiUrl, dbPath: schema.url, env });
  suite.extraBots.push(second);
  replica = { bot: second, slack: suite.slack };
});
afterAll(async () => {
  await suite?.stop();
  await schema?.drop();
});

describe('two replicas on one PostgreSQL, the brake at one fix per window', () => {
  it('start one run for two approvals clicked at the same instant on each replica; the brake refuses the other', async () => {
    const servers = await Promise.all(['vmlt-e2e-pg-brake-a', 'vmlt-e2e-pg-brake-b'].map((p) => bootServer(suite.lab, p, suite.booted)));
    const crashes = await Promise.all(servers.map((s) => seedCrash({ spec: s.spec })));
    const sides: SlackSide[] = [suite, replica];
    const requests: Requested[] = [];
    for (const [i, s] of servers.entries()) requests.push(await requestFixAs(sides[i] ?? suite, USERS.mallory, s.name));
    const approvers = [USERS.alice, USERS.bob];
    const clicks = requests.map((r, i) => prepareClick(sides[i] ?? suite, {
      actionId: ACTION_IDS.approveFix, value: r.approval.approveValue, user: approvers[i] ?? USERS.carol, channel: r.approval.channel, messageTs: r.approval.ts,
    }));
    const acks = await sendTogether(clicks.map((c) => c.request));
    expect(acks.map((a) => a.status)).toEqual([200, 200]);

    // each request either runs to its end or is refused (an audited `refuse`, the request still pending)
    const ended = async (requestId: string): Promise<boolean> =>
      ENDED.includes((await suite.store.get(requestId))?.state ?? 'pending') || (await suite.store.list({ requestId })).some((e) => e.action === 'refuse');
    await waitUntil('one run ended and one approval refused', async () => (await Promise.all(requests.map((r) => ended(r.requestId)))).every(Boolean), 150_000);
    const settled = await Promise.all(requests.map(async (r) => ({ r: await suite.store.get(r.requestId) })));
    const winnerAt = settled.findIndex((s) => s.r?.state !== 'pending');
    const loserAt = 1 - winnerAt;
    expect(settled.map((s) => s.r?.state).sort()).toEqual(['pending', 'succeeded']);
    const [winner, loser] = [requests[winnerAt], requests[loserAt]];
    const [winnerServer, loserServer] = [servers[winnerAt], servers[loserAt]];
    if (!winner || !loser || !winnerServer || !loserServer) throw new Error('no winner and loser');

    // the loser: the brake's answer to its clicker, on the replica that got the click; a refusal in the audit and decisions
    const answer = await answerTo(sides[loserAt] ?? suite, clicks[loserAt]?.responseId ?? '', 30_000);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(textOf(answer.body)).toContain(BRAKE_MESSAGE);
    expect(textOf(answer.body)).toContain('raise VMLOCKS_FIX_BRAKE if you are sure');
    const loserAudit = await suite.store.list({ requestId: loser.requestId });
    expect(loserAudit.filter((e) => e.action === 'refuse').map((e) => e.detail)).toEqual([expect.stringContaining(BRAKE_MESSAGE)]);
    expect(loserAudit.filter((e) => e.action === 'approve' || e.command !== undefined || e.http !== undefined)).toEqual([]);
    expect((await suite.store.listDecisions(loser.requestId)).map((d) => d.decision)).toEqual(['refused']);
    expect(await suite.store.get(loser.requestId)).toMatchObject({ state: 'pending', decidedBy: null });
    await suite.slack.waitForCall((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL &&
      /Fix brake: 1 fix started in the last 10 min[^(]*\(limit 1\)/.test(String(c.args.text)) && String(c.args.text).includes(loser.requestId), 15_000);
    const brakeHits = [suite.bot, replica.bot].map((b) => b.logs().filter((l) => l.event === 'limit_hit' && l.limit === 'fix_brake').length);
    expect(brakeHits[loserAt]).toBe(1);
    expect(brakeHits[winnerAt]).toBe(0);

    // the winner: one run, one fence, one lock rm, one reboot; nothing touched the loser's instance
    expect(await suite.store.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(1);
    expect((await suite.store.listDecisions(winner.requestId)).map((d) => d.decision)).toEqual(['approved']);
    const argvs = (await commandsOf(suite.store, winner.requestId)).map((e) => e.command?.argv ?? []);
    expect(argvs.filter((a) => argvHas(a, ['osd', 'blocklist', 'add']))).toHaveLength(1);
    expect(argvs.filter((a) => argvHas(a, ['lock', 'rm']))).toHaveLength(1);
    expect(counter.invocations().filter((a) => isLockRm(a, winnerServer.spec))).toHaveLength(1);
    expect(counter.invocations().filter((a) => isLockRm(a, loserServer.spec))).toEqual([]);
    expect(await httpOf(suite.store, winner.requestId)).toHaveLength(1);
    expect(await rebootActions(suite.lab, winnerServer.id)).toHaveLength(1);
    expect(await rebootActions(suite.lab, loserServer.id)).toEqual([]);
    const loserOwner = crashes[loserAt]?.deadOwner;
    expect((await adminLocks(loserServer.spec)).map((l) => l.address)).toEqual([loserOwner?.address]);
    expect((await adminBlocklist()).some((entry) => entry.includes(String(loserOwner?.address)))).toBe(false);
  });
});
