// The seed's crash, fixed through the running bot: a server pinned to compute-1 whose root disk is locked by a dead
// client.nova-old (its new client.nova-old writer is locked out: it cannot blocklist the owner). Alice asks for the
// fix from the report, Bob approves, and the bot fences, breaks, hard-reboots and confirms, telling everyone and
// auditing every command. Outcomes are read from the labs as admin, the fake Slack API and the bot's database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { startWriter } from '../support/ceph-writer.js';
import { INCIDENT_CHANNEL, USERS } from '../support/bot-process.js';
import { bootServer, rebootActions, serverState, type LabServer } from './support/fix-lab.js';
import {
  actionIdsOf, approvalUpdates, clickOnApproval, incidentPosts, ONCALL_CHANNEL, requestFixAs, textOf, waitForTold, type Requested,
} from './support/fix-slack.js';
import { argvHas, auditCli, commandsOf, httpOf, stepTimings, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

let suite: FixSuite;
let server: LabServer;
let crash: SeedCrashScenario;
let requested: Requested;

beforeAll(async () => {
  suite = await startFixSuite();
  server = await bootServer(suite.lab, 'vmlt-e2e-seed', suite.booted);
  crash = await seedCrash({ spec: server.spec, user: 'nova-old' });
});
afterAll(async () => {
  await suite?.stop();
});

describe("the seed's crash, fixed through Slack", () => {
  it('posts an approval message with Approve and Deny to the incident channel when alice requests the fix from the stale report', async () => {
    requested = await requestFixAs(suite, USERS.alice, server.name);
    expect(textOf(requested.answer.body)).toContain('waiting for a second engineer');
    expect(requested.approval.channel).toBe(INCIDENT_CHANNEL);
    const request = await suite.store.get(requested.requestId);
    expect(request).toMatchObject({ state: 'pending', instanceId: server.id, requestedBy: USERS.alice, approvalMessage: { channel: INCIDENT_CHANNEL, ts: requested.approval.ts } });
    expect(request?.approvedLocks).toEqual([{ image: server.spec, id: crash.deadOwner.lockId, locker: crash.deadOwner.locker, address: crash.deadOwner.address }]);
    // nothing runs before a second person approves
    expect(await commandsOf(suite.store, requested.requestId)).toEqual([]);
    expect(await adminBlocklist()).not.toContain(crash.deadOwner.address);
  });

  it("fences the dead owner, removes its lock and hard-reboots the server when bob approves, and a new client.nova-old writer then takes the lock", async () => {
    const rebootsBefore = (await rebootActions(suite.lab, server.id)).length;
    await clickOnApproval(suite, requested.approval, USERS.bob);
    const done = await waitForState(suite.store, requested.requestId, ['succeeded', 'failed', 'aborted'], 150_000);
    expect(done).toMatchObject({ state: 'succeeded', decidedBy: USERS.bob, lastStep: 'confirm' });

    expect(await adminBlocklist()).toContain(crash.deadOwner.address);
    expect((await adminLocks(server.spec)).map((l) => l.address)).not.toContain(crash.deadOwner.address);
    const reboots = await rebootActions(suite.lab, server.id);
    expect(reboots).toHaveLength(rebootsBefore + 1);
    const rebootHttp = (await httpOf(suite.store, requested.requestId)).map((e) => e.http);
    expect(reboots.map((a) => a.request_id)).toContain(rebootHttp[0]?.requestId);
    expect(await serverState(suite.lab, server.id)).toMatchObject({ status: 'ACTIVE', taskState: null, powerState: 1 });

    const next = await startWriter(server.spec, 'nova-old');
    expect(await next.writeOutcome(60_000)).toEqual({ event: 'locked' });
    expect(await adminLocks(server.spec)).toEqual([expect.objectContaining({ locker: next.client, address: next.address })]);
  });

  it('tells the incident channel the request, the decision, each step and the result, updates the approval message in place and tells alice', async () => {
    // the run records its outcome, then tells Slack (through a serial queue): wait for the last messages
    const { slack } = suite;
    const { approval, requestId } = requested;
    await slack.waitForCall((c) => c.method === 'chat.postMessage' && textOf(c.args).includes(requestId) && textOf(c.args).includes('Succeeded'), 30_000);
    await slack.waitForCall((c) => c.method === 'chat.update' && c.args.ts === approval.ts && textOf(c.args).includes('*Fixed*'), 30_000);
    const posts = incidentPosts(suite, requested.requestId).map((c) => textOf(c.args));
    expect(posts.some((t) => t.includes('requested fix'))).toBe(true);
    expect(posts.some((t) => t.includes(`<@${USERS.bob}> approved fix`))).toBe(true);
    for (const step of ['reinspect', 'fence', 'break', 'reboot', 'wait', 'confirm']) {
      expect(posts.some((t) => t.includes(`step \`${step}\` ok`)), `step ${step} posted`).toBe(true);
    }
    expect(posts.at(-1)).toContain('Succeeded');

    const updates = approvalUpdates(suite, requested.approval);
    expect(updates.length).toBeGreaterThan(1);
    const last = updates.at(-1);
    expect(textOf(last?.args ?? {})).toContain('*Fixed*');
    expect(actionIdsOf(last?.args.blocks)).toEqual([]);

    const told = await waitForTold(suite, USERS.alice, (t) => t.includes(requested.requestId) && t.includes('succeeded'));
    expect(told.method).toBe('chat.postEphemeral');
    expect(told.args.channel).toBe(ONCALL_CHANNEL);
  });

  it('audits the blocklist and lock commands and the reboot request with exit codes, statuses and durations, and vmlocks audit prints them', async () => {
    const { deadOwner } = crash;
    const commands = (await commandsOf(suite.store, requested.requestId)).map((e) => e.command);
    const fence = commands.find((c) => c !== undefined && argvHas(c.argv, ['osd', 'blocklist', 'add', deadOwner.address]));
    const lockRm = commands.find((c) => c !== undefined && argvHas(c.argv, ['lock', 'rm', server.spec, deadOwner.lockId, deadOwner.locker]));
    expect(fence).toMatchObject({ exitCode: 0, durationMs: expect.any(Number) });
    expect(fence?.argv[0]).toBe('ceph');
    expect(lockRm).toMatchObject({ exitCode: 0, durationMs: expect.any(Number) });
    expect(lockRm?.argv[0]).toBe('rbd');
    const reboot = (await httpOf(suite.store, requested.requestId)).map((e) => e.http);
    expect(reboot).toEqual([expect.objectContaining({ method: 'POST', path: `/servers/${server.id}/action`, status: 202, durationMs: expect.any(Number), body: { reboot: { type: 'HARD' } } })]);

    const timings = await stepTimings(suite.store, requested.requestId);
    expect(timings.map((t) => `${t.step}:${t.status}`)).toEqual(['reinspect:ok', 'fence:ok', 'break:ok', 'repair:skipped', 'reboot:ok', 'wait:ok', 'confirm:ok']);
    console.info(`step timings of the seed's-crash fix ${requested.requestId}: ${timings.map((t) => `${t.step} ${t.ms} ms`).join(', ')}`);

    const cli = await auditCli(suite.bot.dbPath, requested.requestId);
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain(`osd blocklist add ${deadOwner.address} 604800 → exit 0`);
    expect(cli.stdout).toContain(`lock rm ${server.spec} ${deadOwner.lockId} ${deadOwner.locker} → exit 0`);
    expect(cli.stdout).toContain(`POST /servers/${server.id}/action → 202`);
    expect(cli.stdout).toMatch(new RegExp(`${USERS.bob}\\s+approve`));
  });
});

describe('the bot while it fixed', () => {
  it('logged no error and no failed notification', () => {
    const bad = suite.bot.logs().filter((l) => (typeof l.level === 'number' && l.level >= 40) || l.event === 'notify_failed');
    expect(bad).toEqual([]);
  });
});
