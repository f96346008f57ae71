// A whole host at once, the seed's case (host up): four servers on compute-1 in the seed's crash and one with a live
// writer. Alice clicks "Request fix for all 4 stale" on the host view; one approval message lists them (the planned
// steps in its thread, the count in Approve's confirm dialog); Bob's one approval fences, breaks and hard-reboots each
// stale one once, leaves the live one alone, updates one progress message in place and posts one summary, with no
// per-step posts to the incident channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { liveWriter, seedCrash, type LiveWriterScenario, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { INCIDENT_CHANNEL, USERS } from '../support/bot-process.js';
import { batchApprovalOf, clickRequestBatch, waitForBatch, type BatchApproval } from './support/batch-slack.js';
import { bootServer, installRbdCounter, isLockRm, rebootActions, serverState, type LabServer, type RbdCounter } from './support/fix-lab.js';
import { actionIdsOf, click, textOf } from './support/fix-slack.js';
import { argvHas, commandsOf } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const STALE = 4;

let suite: FixSuite;
let counter: RbdCounter;
let stale: LabServer[];
let live: LabServer;
let crashes: SeedCrashScenario[];
let writer: LiveWriterScenario;
let approval: BatchApproval;

beforeAll(async () => {
  counter = installRbdCounter();
  suite = await startFixSuite({ env: counter.env });
  const servers = await Promise.all(Array.from({ length: STALE + 1 }, (_, i) => bootServer(suite.lab, `vmlt-batch-${i}`, suite.booted, 'compute-1')));
  stale = servers.slice(0, STALE);
  live = servers[STALE] as LabServer;
  crashes = await Promise.all(stale.map((s) => seedCrash({ spec: s.spec, user: 'nova-old' })));
  writer = await liveWriter({ spec: live.spec, user: 'nova' });
});
afterAll(async () => {
  await suite?.stop();
});

describe('one request and one approval for every stale instance of compute-1', () => {
  it('posts one approval message listing the stale instances, the count in the confirm dialog and every plan in its thread', async () => {
    const requested = await clickRequestBatch(suite, USERS.alice, 'compute-1');
    expect(requested.batchId, textOf(requested.answer.body)).not.toBeNull();
    approval = await batchApprovalOf(suite, requested.batchId ?? '');
    expect(approval.channel).toBe(INCIDENT_CHANNEL);
    const batch = await suite.store.getBatch(approval.batchId);
    const mine = new Set(stale.map((s) => s.id));
    expect(batch?.items.filter((i) => mine.has(i.instanceId)).map((i) => i.status)).toEqual(stale.map(() => 'pending'));
    expect(batch?.items.map((i) => i.instanceId)).not.toContain(live.id);
    expect(batch?.excluded.find((e) => e.instanceId === live.id)?.verdict).toBe('alive');
    const n = batch?.items.filter((i) => i.status === 'pending').length ?? 0;
    expect(approval.confirmTitle).toBe(`Fix ${n} instances on compute-1?`);
    const thread = suite.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === approval.ts);
    expect(thread.length).toBeGreaterThan(0);
    for (const s of stale) expect(thread.some((c) => textOf(c.args).includes(s.id) && textOf(c.args).includes('lock rm'))).toBe(true);
    // nothing runs before a second person approves
    expect(counter.invocations().filter((argv) => stale.some((s) => isLockRm(argv, s.spec)))).toEqual([]);
  });

  it('fixes each stale instance once when bob approves: fenced, lock removed, hard-rebooted once, ACTIVE; the live one untouched', async () => {
    const rebootsBefore = await Promise.all(stale.map(async (s) => (await rebootActions(suite.lab, s.id)).length));
    await click(suite, { actionId: ACTION_IDS.approveBatch, value: approval.approveValue, user: USERS.bob, channel: approval.channel, messageTs: approval.ts });
    const done = await waitForBatch(suite.store, approval.batchId, ['finished', 'paused', 'interrupted']);
    const mine = done.items.filter((i) => stale.some((s) => s.id === i.instanceId));
    expect(done.state, JSON.stringify(done.items)).toBe('finished');
    expect(mine.map((i) => i.status)).toEqual(stale.map(() => 'done'));

    const blocklist = await adminBlocklist();
    for (const [k, s] of stale.entries()) {
      const crash = crashes[k] as SeedCrashScenario;
      expect(blocklist).toContain(crash.deadOwner.address);
      expect((await adminLocks(s.spec)).map((l) => l.address)).not.toContain(crash.deadOwner.address);
      expect(await rebootActions(suite.lab, s.id)).toHaveLength((rebootsBefore[k] ?? 0) + 1);
      expect(await serverState(suite.lab, s.id)).toMatchObject({ status: 'ACTIVE', powerState: 1 });
      expect(counter.invocations().filter((argv) => isLockRm(argv, s.spec))).toHaveLength(1);
      // audited as a fix of its own
      const requestId = mine.find((i) => i.instanceId === s.id)?.requestId ?? '';
      expect((await commandsOf(suite.store, requestId)).filter((e) => argvHas(e.command?.argv ?? [], ['lock', 'rm']))).toHaveLength(1);
    }
    // the live writer's lock stays, its owner is not blocklisted, it was not rebooted
    expect(await adminLocks(live.spec)).toEqual([expect.objectContaining({ address: writer.lock.address })]);
    expect(blocklist).not.toContain(writer.lock.address);
    expect(await rebootActions(suite.lab, live.id)).toEqual([]);
    expect(counter.invocations().filter((argv) => isLockRm(argv, live.spec))).toEqual([]);
  });

  it('updates one progress message in place and posts one summary; no per-step posts for the batch instances', async () => {
    const { slack } = suite;
    await slack.waitForCall((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && textOf(c.args).includes(approval.batchId) && textOf(c.args).includes('finished'), 30_000);
    await slack.waitForCall((c) => c.method === 'chat.update' && c.args.ts === approval.ts && textOf(c.args).includes('*Finished*'), 30_000);
    const updates = slack.callsTo('chat.update').filter((c) => c.args.ts === approval.ts);
    expect(updates.length).toBeGreaterThan(1);
    expect(textOf(updates.at(-1)?.args ?? {})).toMatch(/\*Finished\*.*\d+ fixed, 0 failed/);
    expect(actionIdsOf(updates.at(-1)?.args.blocks)).toEqual([]);
    const incident = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === undefined);
    const summaries = incident.filter((c) => textOf(c.args).includes(approval.batchId) && c.args.ts !== approval.ts && !hasButtons(c));
    expect(summaries).toHaveLength(1);
    // no "step … ok" posts for any instance of the batch
    expect(incident.filter((c) => /step `\w+` ok/.test(textOf(c.args)) && stale.some((s) => textOf(c.args).includes(s.id)))).toEqual([]);
    console.info(`batch ${approval.batchId}: ${updates.length} progress updates, ${incident.length} incident-channel posts`);
  });
});

/** The approval message itself is posted with buttons; the summary has none. */
function hasButtons(c: { args: { blocks?: unknown } }): boolean {
  return actionIdsOf(c.args.blocks).length > 0;
}
