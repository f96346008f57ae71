// The owner is alive again between the request and the approval (DESIGN.md §4.1: re-inspect; anything else than
// what was approved stops the run before it changes anything). Two ways on the real cluster: the frozen owner
// resumes (SIGSTOP, then SIGCONT), and a new live writer takes the lock. Either way: aborted, nothing fenced, nothing
// removed, nothing rebooted, and the approval message says why. The approvers here are members of
// VMLOCKS_APPROVER_GROUP, read from Slack at click time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixRequest } from '../../src/core/fix-request.js';
import { adminBlocklist, adminLocks, adminWatchers } from '../support/ceph-admin-view.js';
import { seedCrash } from '../support/ceph-scenarios.js';
import { startWriter } from '../support/ceph-writer.js';
import { INCIDENT_CHANNEL, USERS } from '../support/bot-process.js';
import { bootServer, rebootActions, type LabServer } from './support/fix-lab.js';
import { frozenOwner, type FrozenOwnerScenario } from './support/fix-scenarios.js';
import { actionIdsOf, answerTo, clickOnApproval, requestFixAs, textOf, waitForTold, type Requested, type SlackSide } from './support/fix-slack.js';
import { commandsOf, httpOf, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const GROUP = 'S0ONCALL02';
const DAVE = 'U0DAVE0005';
const ERIN = 'U0ERIN0006';

let suite: FixSuite;
let frozen: FrozenOwnerScenario | undefined;

beforeAll(async () => {
  suite = await startFixSuite({ env: { VMLOCKS_APPROVERS: '', VMLOCKS_APPROVER_GROUP: GROUP, VMLOCKS_OPERATORS: `${USERS.alice},${USERS.mallory}` }, slack: { usergroups: { [GROUP]: [DAVE, ERIN] } } });
});
afterAll(async () => {
  await frozen?.cleanup();
  await suite?.stop();
});

/** Waits for the run's end, then for the approval message's last update, and returns both. */
async function finished(s: SlackSide & { store: FixSuite['store'] }, r: Requested): Promise<{ request: FixRequest; message: string; buttons: string[] }> {
  const request = await waitForState(s.store, r.requestId, ['succeeded', 'failed', 'aborted'], 120_000);
  const update = await s.slack.waitForCall((c) => c.method === 'chat.update' && c.args.ts === r.approval.ts && textOf(c.args).includes(`state \`${request.state}\``), 30_000);
  return { request, message: textOf(update.args), buttons: actionIdsOf(update.args.blocks) };
}

/** Nothing ran: no command, no HTTP request, no new reboot in Nova. */
async function expectNothingChanged(server: LabServer, r: Requested): Promise<void> {
  expect(await commandsOf(suite.store, r.requestId)).toEqual([]);
  expect(await httpOf(suite.store, r.requestId)).toEqual([]);
  expect(await rebootActions(suite.lab, server.id)).toEqual([]);
}

describe('an owner alive again between request and approval', () => {
  let server: LabServer;
  let requested: Requested;

  beforeAll(async () => {
    server = await bootServer(suite.lab, 'vmlt-e2e-frozen', suite.booted);
    frozen = await frozenOwner(server.spec);
    requested = await requestFixAs(suite, USERS.alice, server.name);
  });

  it('refuses a member removed from VMLOCKS_APPROVER_GROUP since the request, reading the group at click time', async () => {
    suite.slack.setUsergroup(GROUP, [DAVE]);
    const answer = await answerTo(suite, await clickOnApproval(suite, requested.approval, ERIN));
    // no longer an approver, so no longer an operator either (issue 11): refused before the decision, revealing nothing
    expect(textOf(answer.body)).toContain('vmlocks is not available to you');
    expect(await suite.store.get(requested.requestId)).toMatchObject({ state: 'pending' });
    expect(suite.slack.callsTo('usergroups.users.list').length).toBeGreaterThan(0);
  });

  it('aborts at re-inspection when the frozen owner resumed, and never fences the live owner', async () => {
    if (frozen === undefined) throw new Error('no scenario');
    expect((await suite.store.get(requested.requestId))?.approvedLocks).toEqual([{ image: server.spec, ...frozen.lock }]);
    await frozen.resume();

    await clickOnApproval(suite, requested.approval, DAVE);
    const { request, message, buttons } = await finished(suite, requested);
    expect(request).toMatchObject({ state: 'aborted', decidedBy: DAVE, lastStep: 'reinspect' });
    expect(request.outcome).toContain('stopped before changing anything');
    expect(message).toContain('*Aborted*');
    expect(message).toContain(`lock \\"${frozen.lock.id}\\" of ${frozen.lock.locker} (${frozen.lock.address}) on ${server.spec} is gone`);
    expect(buttons).toEqual([]);

    expect(await adminBlocklist()).not.toContain(frozen.lock.address);
    expect((await adminWatchers(server.spec)).map((w) => w.address)).toContain(frozen.lock.address);
    await expectNothingChanged(server, requested);
    await waitForTold(suite, USERS.alice, (t) => t.includes(requested.requestId) && t.includes('aborted'));
  });
});

describe('a new live writer takes the lock between request and approval', () => {
  it('aborts at re-inspection, leaves the live lock in place and says why', async () => {
    const server = await bootServer(suite.lab, 'vmlt-e2e-retaken', suite.booted);
    const crash = await seedCrash({ spec: server.spec });
    const requested = await requestFixAs(suite, USERS.alice, server.name);

    // the VM is started again by someone with the right caps (client.nova, profile rbd): its librbd fences the
    // dead owner itself, breaks its lock and takes the lock, alive, with a watch
    await crash.newWriter.kill('SIGTERM');
    const live = await startWriter(server.spec, 'nova');
    expect(await live.writeOutcome(60_000)).toEqual({ event: 'locked' });
    const liveLock = await adminLocks(server.spec);
    expect(liveLock).toEqual([expect.objectContaining({ locker: live.client, address: live.address })]);

    await clickOnApproval(suite, requested.approval, DAVE);
    const { request, message } = await finished(suite, requested);
    expect(request).toMatchObject({ state: 'aborted', decidedBy: DAVE, lastStep: 'reinspect' });
    expect(message).toContain('*Aborted*');
    expect(message).toContain(`is now locked by ${live.client} at ${live.address}`);
    expect(message).toContain('alive');

    expect(await adminLocks(server.spec)).toEqual(liveLock);
    expect((await adminWatchers(server.spec)).map((w) => w.address)).toContain(live.address);
    expect(await adminBlocklist()).not.toContain(live.address);
    await expectNothingChanged(server, requested);
    const aborted = await suite.slack.waitForCall((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL &&
      textOf(c.args).includes(requested.requestId) && textOf(c.args).includes('Aborted (nothing was changed)'), 30_000);
    expect(textOf(aborted.args)).toContain('is gone');
  });
});
