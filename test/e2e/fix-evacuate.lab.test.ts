// The seed's crash on a host that stays dead, fixed through the running bot by evacuation. A server pinned to
// compute-1 whose root disk is locked by a dead client.nova-old; then the power loss takes compute-1 for good: its
// nova-compute is killed (Nova says down after service_down_time) and so is the VM restarted there (the locked-out
// client.nova-old writer), whose watch expires. Alice asks for the fix, Bob approves; the bot fences, breaks,
// evacuates (no reboot is ever sent to compute-1) and follows the evacuation until the server is ACTIVE on compute-2.
// compute-1 is started again in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminBlocklist, adminLocks, adminWatchers, waitUntil } from '../support/ceph-admin-view.js';
import { cephLab } from '../support/ceph-lab.js';
import { seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { USERS } from '../support/bot-process.js';
import { stopCompute } from '../support/nova-lab.js';
import { bootServer, instanceActions, serverState, type LabServer } from './support/fix-lab.js';
import { clickOnApproval, incidentPosts, requestFixAs, textOf, type Requested } from './support/fix-slack.js';
import { auditCli, httpOf, stepTimings, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

let suite: FixSuite;
let server: LabServer;
let crash: SeedCrashScenario;
let requested: Requested;

beforeAll(async () => {
  suite = await startFixSuite();
  server = await bootServer(suite.lab, 'vmlt-e2e-evac', suite.booted);
  crash = await seedCrash({ spec: server.spec, user: 'nova-old' });
  // the power loss: the VM restarted on compute-1 dies too, and compute-1's nova-compute stops reporting
  await crash.newWriter.kill('SIGKILL');
  await Promise.all([
    stopCompute(suite.lab, 'compute-1'),
    waitUntil(`the watch of ${crash.newWriter.address} expired`, async () => (await adminWatchers(server.spec)).length === 0, cephLab().watchTimeoutSeconds * 4_000 + 30_000),
  ]);
});
afterAll(async () => {
  await suite?.stop({ computes: true });
});

describe("the seed's crash on a dead host, fixed by evacuation", () => {
  it('plans an evacuation, not a reboot, after the fence and the lock removal', async () => {
    requested = await requestFixAs(suite, USERS.alice, server.name);
    const request = await suite.store.get(requested.requestId);
    expect(request?.plan.map((s) => s.step)).toEqual(['reinspect', 'fence', 'break', 'evacuate', 'wait', 'confirm']);
    expect(request?.plan.find((s) => s.step === 'evacuate')).toMatchObject({
      sourceHost: 'compute-1', request: { method: 'POST', path: `/servers/${server.id}/action`, body: { evacuate: {} } },
    });
    // the approval message shows the evacuation with its exact request
    expect(incidentPosts(suite, requested.requestId).map((c) => textOf(c.args)).some((t) => t.includes(`Evacuate ${server.name} from compute-1`) && t.includes(`POST /servers/${server.id}/action`))).toBe(true);
  });

  it('fences and breaks the dead lock, evacuates to compute-2 when bob approves, and Nova shows no reboot', async () => {
    const t0 = Date.now();
    await clickOnApproval(suite, requested.approval, USERS.bob);
    const done = await waitForState(suite.store, requested.requestId, ['succeeded', 'failed', 'aborted'], 240_000);
    expect(done, done.outcome ?? '').toMatchObject({ state: 'succeeded', lastStep: 'confirm' });
    expect(done.outcome).toMatch(/unlocked and .* evacuated from compute-1 to compute-2 in /);

    expect(await adminBlocklist()).toContain(crash.deadOwner.address);
    expect(await adminLocks(server.spec)).toEqual([]);
    expect(await serverState(suite.lab, server.id)).toMatchObject({ status: 'ACTIVE', taskState: null, powerState: 1 });
    const host = await suite.lab.admin.call('GET', `/servers/${server.id}`);
    expect(JSON.stringify(host.json)).toContain('"OS-EXT-SRV-ATTR:host":"compute-2"');

    const actions = await instanceActions(suite.lab, server.id);
    expect(actions.map((a) => a.action)).not.toContain('reboot');
    const evacuations = actions.filter((a) => a.action === 'evacuate');
    expect(evacuations).toHaveLength(1);
    const http = (await httpOf(suite.store, requested.requestId)).map((e) => e.http);
    expect(http).toEqual([expect.objectContaining({ method: 'POST', path: `/servers/${server.id}/action`, status: 200, body: { evacuate: {} }, durationMs: expect.any(Number) })]);
    expect(evacuations[0]?.request_id).toBe(http[0]?.requestId);

    const timings = await stepTimings(suite.store, requested.requestId);
    expect(timings.map((t) => `${t.step}:${t.status}`)).toEqual(['reinspect:ok', 'fence:ok', 'break:ok', 'repair:skipped', 'evacuate:ok', 'wait:ok', 'confirm:ok']);
    console.info(`evacuation fix ${requested.requestId} in ${Date.now() - t0} ms: ${timings.map((t) => `${t.step} ${t.ms} ms`).join(', ')}; POST evacuate ${http[0]?.status} in ${http[0]?.durationMs} ms`);
  });

  it('tells the incident channel each step and the new host, and vmlocks audit shows the evacuation request', async () => {
    await suite.slack.waitForCall((c) => c.method === 'chat.postMessage' && textOf(c.args).includes(requested.requestId) && textOf(c.args).includes('Succeeded'), 30_000);
    const posts = incidentPosts(suite, requested.requestId).map((c) => textOf(c.args));
    for (const step of ['fence', 'break', 'evacuate', 'wait', 'confirm']) {
      expect(posts.some((t) => t.includes(`step \`${step}\` ok`)), `step ${step} posted`).toBe(true);
    }
    expect(posts.some((t) => t.includes('compute-2'))).toBe(true);
    const cli = await auditCli(suite.bot.dbPath, requested.requestId);
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain(`POST /servers/${server.id}/action → 200`);
  });
});
