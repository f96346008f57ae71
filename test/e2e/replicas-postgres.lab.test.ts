// Two bot processes on one PostgreSQL (issue 14): the replicas a team runs across hosts. Twenty simultaneous Approve
// clicks split across them give one run, one `rbd lock rm`, one reboot; then the replica that runs a second fix is
// SIGKILLed during the reboot wait, and the other one reports that run interrupted, once, within the lease bound,
// never resumes it, and keeps the instance guarded until an operator clears it with `vmlocks clear-run`.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { seedCrash } from '../support/ceph-scenarios.js';
import { CLI, labEnv, startBot, USERS, type BotProcess } from '../support/bot-process.js';
import { startCompute, stopCompute } from '../support/nova-lab.js';
import { freshPgSchema, type PgSchema } from '../support/pg-lab.js';
import { sendTogether } from '../support/sign-slack-request.js';
import { bootServer, installRbdCounter, isLockRm, rebootActions, type LabServer, type RbdCounter } from './support/fix-lab.js';
import { clickOnApproval, prepareClick, requestFixAs, type SlackSide } from './support/fix-slack.js';
import { argvHas, commandsOf, httpOf, waitForRequest, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const LEASE_S = 3;
let schema: PgSchema;
let suite: FixSuite;
let counter: RbdCounter;
let second: BotProcess;
let replica: SlackSide;

beforeAll(async () => {
  schema = await freshPgSchema('e2e');
  counter = installRbdCounter();
  const env = { ...counter.env, VMLOCKS_RUN_LEASE: `${LEASE_S}s` };
  suite = await startFixSuite({ env, dbPath: schema.url });
  second = await startBot({ slackApiUrl: suite.slack.apiUrl, dbPath: schema.url, env });
  suite.extraBots.push(second);
  replica = { bot: second, slack: suite.slack };
});
afterAll(async () => {
  await suite?.stop({ computes: true });
  await schema?.drop();
});

describe('two replicas on one PostgreSQL', () => {
  let server: LabServer;

  it('run one fix for 20 simultaneous Approve clicks split across them: one decision, one rbd lock rm, one reboot', async () => {
    server = await bootServer(suite.lab, 'vmlt-e2e-pg-race', suite.booted);
    await seedCrash({ spec: server.spec });
    const { approval, requestId } = await requestFixAs(suite, USERS.mallory, server.name);
    const clickers = [USERS.alice, USERS.bob, USERS.carol];
    const clicks = Array.from({ length: 20 }, (_, i) => prepareClick(i % 2 === 0 ? suite : replica, {
      actionId: ACTION_IDS.approveFix, value: approval.approveValue, user: clickers[i % 3] ?? USERS.bob, channel: approval.channel, messageTs: approval.ts,
    }));
    const acks = await sendTogether(clicks.map((c) => c.request));
    expect(acks.map((a) => a.status)).toEqual(clicks.map(() => 200));

    const done = await waitForState(suite.store, requestId, ['succeeded', 'failed', 'aborted'], 150_000);
    expect(done.state).toBe('succeeded');
    expect((await suite.store.list({ requestId })).filter((e) => e.action === 'approve')).toHaveLength(1);
    expect((await suite.store.listDecisions(requestId)).filter((d) => d.decision !== 'refused')).toEqual([expect.objectContaining({ decision: 'approved' })]);
    const commands = (await commandsOf(suite.store, requestId)).map((e) => e.command?.argv ?? []);
    expect(commands.filter((argv) => argvHas(argv, ['lock', 'rm']))).toHaveLength(1);
    expect(counter.invocations().filter((argv) => isLockRm(argv, server.spec))).toHaveLength(1);
    expect(await httpOf(suite.store, requestId)).toHaveLength(1);
    expect(await rebootActions(suite.lab, server.id)).toHaveLength(1);
  });

  it('report a SIGKILLed runner\'s fix interrupted once, from the other replica, never resume it, and keep the instance guarded until clear-run', async () => {
    const victim = await bootServer(suite.lab, 'vmlt-e2e-pg-kill', suite.booted);
    await seedCrash({ spec: victim.spec });
    const { approval, requestId } = await requestFixAs(suite, USERS.alice, victim.name);
    await stopCompute(suite.lab, victim.host, 60_000, { waitDown: false }); // the reboot stays queued: a long wait
    await clickOnApproval(suite, approval, USERS.bob);
    const waiting = await waitForRequest(suite.store, requestId, (r) => r.lastStep === 'wait' || !['pending', 'running'].includes(r.state), 'at step wait', 90_000);
    expect(waiting).toMatchObject({ state: 'running', lastStep: 'wait' });
    const runner = [suite.bot, second].find((b) => b.logs().some((l) => l.event === 'started' && l.runnerId === waiting.runnerId));
    const survivor = runner === suite.bot ? second : suite.bot;
    if (runner === undefined) throw new Error(`no bot logged runner id ${waiting.runnerId ?? 'none'}`);
    const commandsBefore = (await commandsOf(suite.store, requestId)).map((e) => e.command?.argv ?? []);

    await runner.kill();
    const interrupted = await waitForState(suite.store, requestId, ['interrupted'], (LEASE_S * 2 + 5) * 1000);
    expect(interrupted.outcome).toMatch(/^interrupted at step wait: its runner .* stopped renewing its lease\. It was NOT resumed\./);
    expect((await suite.store.list({ requestId })).filter((e) => e.action === 'interrupted')).toHaveLength(1);
    expect(survivor.logs().filter((l) => l.event === 'fix_interrupted' && l.requestId === requestId)).toHaveLength(1);

    // the guard holds: no new request for the instance until an operator clears the run
    expect((await suite.store.findOpen(victim.id))?.id).toBe(requestId);
    const cleared = await execa('node', [CLI, 'clear-run', requestId, '--reason', 'replica killed by the test'], {
      env: { ...labEnv(), VMLOCKS_DB: schema.url }, reject: false, timeout: 30_000, stdin: 'ignore',
    });
    expect(cleared.exitCode, cleared.stderr).toBe(0);
    expect(await suite.store.findOpen(victim.id)).toBeNull();
    expect((await suite.store.list({ requestId })).filter((e) => e.action === 'clear')).toHaveLength(1);

    // never resumed: the compute comes back, Nova finishes its queued reboot, and no replica sends anything more
    await startCompute(suite.lab, victim.host);
    await suite.lab.admin.waitServer(victim.id, 'ACTIVE', 120_000);
    expect(await rebootActions(suite.lab, victim.id)).toHaveLength(1);
    expect(await httpOf(suite.store, requestId)).toHaveLength(1);
    expect((await commandsOf(suite.store, requestId)).map((e) => e.command?.argv ?? [])).toEqual(commandsBefore);
    expect((await suite.store.get(requestId))?.state).toBe('interrupted');
  });
});
