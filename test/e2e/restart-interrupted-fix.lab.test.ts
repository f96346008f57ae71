// The bot dies (SIGKILL) in the middle of a fix, while it waits for the hard reboot (DESIGN.md §4: a fix that dies
// half way is found at the next start and reported as interrupted, with the step it reached; never silently resumed
// or forgotten). The wait is made long by killing compute-1's nova-compute first: Nova accepts the reboot, and the
// server stays HARD_REBOOT until the compute is back. compute-1 is restored afterwards, whatever happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { INCIDENT_CHANNEL, startBot, USERS } from '../support/bot-process.js';
import { startCompute, stopCompute } from '../support/nova-lab.js';
import { bootServer, rebootActions, serverState, type LabServer } from './support/fix-lab.js';
import { actionIdsOf, clickOnApproval, requestFixAs, textOf, waitForTold, type Requested } from './support/fix-slack.js';
import { argvHas, commandsOf, httpOf, waitForRequest, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

let suite: FixSuite;
let server: LabServer;
let crash: SeedCrashScenario;
let requested: Requested;
const LEASE = { VMLOCKS_RUN_LEASE: '3s' };

beforeAll(async () => {
  suite = await startFixSuite({ env: LEASE });
  server = await bootServer(suite.lab, 'vmlt-e2e-restart', suite.booted);
  crash = await seedCrash({ spec: server.spec });
  requested = await requestFixAs(suite, USERS.alice, server.name);
});
afterAll(async () => {
  await suite?.stop({ computes: true });
});

describe('a bot killed during the reboot wait', () => {
  it('is found at the next start and reported interrupted at step wait, to the incident channel, the approval message and alice, and is not resumed', async () => {
    const { requestId, approval } = requested;
    await stopCompute(suite.lab, server.host, 60_000, { waitDown: false }); // the reboot stays queued; Nova's down verdict is not needed
    await clickOnApproval(suite, approval, USERS.bob);
    const waiting = await waitForRequest(suite.store, requestId, (r) => r.lastStep === 'wait' || (r.state !== 'running' && r.state !== 'pending'), 'at step wait', 60_000);
    expect(waiting).toMatchObject({ state: 'running', lastStep: 'wait' });
    expect(await serverState(suite.lab, server.id)).toMatchObject({ status: 'HARD_REBOOT' });

    await suite.bot.kill();
    // the dead process left the run as it was: running, at step wait, the steps before it done
    expect(await suite.store.get(requestId)).toMatchObject({ state: 'running', lastStep: 'wait', finishedAt: null });
    const commands = (await commandsOf(suite.store, requestId)).map((e) => e.command?.argv ?? []);
    expect(commands.filter((a) => argvHas(a, ['osd', 'blocklist', 'add']))).toHaveLength(1);
    expect(commands.filter((a) => argvHas(a, ['lock', 'rm']))).toHaveLength(1);
    expect(await adminBlocklist()).toContain(crash.deadOwner.address);
    expect(await adminLocks(server.spec)).toEqual([]);
    expect(await rebootActions(suite.lab, server.id)).toHaveLength(1);

    // the restarted bot reports the run once its lease lapsed (3 s here), by the database's clock
    const restarted = await startBot({ slackApiUrl: suite.slack.apiUrl, dbPath: suite.bot.dbPath, env: LEASE });
    suite.extraBots.push(restarted);
    const interrupted = await waitForState(suite.store, requestId, ['interrupted'], 30_000);
    expect(interrupted).toMatchObject({ lastStep: 'wait', decidedBy: USERS.bob });
    expect(interrupted.outcome).toMatch(/^interrupted at step wait: .* It was NOT resumed/);
    const entry = (await suite.store.list({ requestId })).filter((e) => e.action === 'interrupted');
    expect(entry).toHaveLength(1);

    const post = await suite.slack.waitForCall((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL &&
      textOf(c.args).includes(requestId) && textOf(c.args).includes('was interrupted at step `wait`'), 30_000);
    expect(textOf(post.args)).toContain('It is not resumed');
    const update = await suite.slack.waitForCall((c) => c.method === 'chat.update' && c.args.channel === approval.channel &&
      c.args.ts === approval.ts && textOf(c.args).includes('*Interrupted* at step `wait`'), 30_000);
    // no Approve/Deny any more; only the remaining restart, as its own request that needs a second person
    expect(actionIdsOf(update.args.blocks)).toEqual(['vmlocks.request_restart']);
    await waitForTold(suite, USERS.alice, (t) => t.includes(requestId) && t.includes('interrupted at step wait'));

    // not resumed: the compute comes back, the reboot Nova queued completes, and nothing else is sent
    await startCompute(suite.lab, server.host);
    await suite.lab.admin.waitServer(server.id, 'ACTIVE', 120_000);
    expect(await rebootActions(suite.lab, server.id)).toHaveLength(1);
    expect(await httpOf(suite.store, requestId)).toHaveLength(1);
    expect((await commandsOf(suite.store, requestId)).map((e) => e.command?.argv ?? [])).toEqual(commands);
    expect(await suite.store.get(requestId)).toMatchObject({ state: 'interrupted' });
    expect(restarted.logs().some((l) => l.event === 'fix_interrupted' && l.requestId === requestId)).toBe(true);
  });
});
