// The run does what the approved plan says and nothing else, on the real labs (issue 10's bar): a server whose root
// disk is left locked by a dead client (the seed's crash) and whose second disk `<uuid>_disk.eph0` is held by a LIVE
// writer and has an invalid object map. (The Nova lab has no Cinder, so `volumes_attached` is always []: the disk
// with the live owner is a sibling ephemeral disk, which the diagnosis and the plan treat like an attached volume.)
// Bob approves 50 ms after the approval message appears in Slack, while Slack's answer to chat.postMessage is held
// back, so the bot does not know the message's channel/ts yet. The fence expiry is configured (2 days).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { parseImageSpec, type ImageSpec } from '../../src/core/ids.js';
import type { FixRequest } from '../../src/core/fix-request.js';
import { USERS } from '../support/bot-process.js';
import { adminLocks, adminWatchers } from '../support/ceph-admin-view.js';
import { adminRun, createImage, invalidateObjectMap, removeImage, sleep } from '../support/ceph-lab.js';
import { liveWriter, seedCrash, type LiveWriterScenario, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import type { RecordedCall } from '../support/fake-slack-api.js';
import { bootServer, type LabServer } from './support/fix-lab.js';
import { actionIdsOf, buttonValue, click, clickOnApproval, runVmlocks, textOf, type ApprovalMessage } from './support/fix-slack.js';
import { commandsOf, waitForState } from './support/fix-store.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const TWO_DAYS_S = 2 * 24 * 3600;

let suite: FixSuite;
let server: LabServer;
let crash: SeedCrashScenario;
let live: LiveWriterScenario;
let eph: ImageSpec;
let before: { locks: unknown; watchers: unknown; flags: string[] };
let approval: ApprovalMessage;
let done: FixRequest;

const Info = z.object({ flags: z.array(z.string()) });
/** The approval message's reference, once the bot stored it (it does when Slack answers the post). */
async function waitForMessageRef(s: FixSuite, requestId: string): Promise<FixRequest['approvalMessage']> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ref = (await s.store.get(requestId))?.approvalMessage ?? null;
    if (ref !== null || Date.now() > deadline) return ref;
    await sleep(100);
  }
}

async function flagsOf(spec: ImageSpec): Promise<string[]> {
  return Info.parse(JSON.parse((await adminRun('rbd', ['info', spec, '--format', 'json'])).stdout)).flags;
}

const Blocklist = z.array(z.object({ addr: z.string(), until: z.string() }));
/** The expiry of `address` in the OSD blocklist, as ms since the epoch ("2026-12-06T17:40:01.123456+0000"). */
async function blocklistUntil(address: string): Promise<number | null> {
  const out = (await adminRun('ceph', ['osd', 'blocklist', 'ls', '--format', 'json'])).stdout.trim();
  const first = /^([\s\S]*\])\s*\[[^[\]]*\]$/.exec(out)?.[1] ?? out;
  const entry = Blocklist.parse(JSON.parse(first)).find((e) => e.addr === address);
  if (!entry) return null;
  const iso = entry.until.replace(/(\.\d{3})\d*/, '$1').replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  return Date.parse(iso);
}

const isApprovalPost = (c: RecordedCall): boolean => c.method === 'chat.postMessage' && buttonValue(c.args.blocks, ACTION_IDS.approveFix) !== null;

beforeAll(async () => {
  suite = await startFixSuite({ env: { VMLOCKS_FENCE_EXPIRY: '2d' } });
  server = await bootServer(suite.lab, 'vmlt-e2e-plan', suite.booted);
  const ephSpec = parseImageSpec(`${server.spec}.eph0`);
  if (!ephSpec.ok) throw new Error(ephSpec.error);
  eph = ephSpec.value;
  await createImage(eph);
  await invalidateObjectMap(eph);
  live = await liveWriter({ spec: eph, user: 'nova' });
  crash = await seedCrash({ spec: server.spec, user: 'nova-old' });
  before = { locks: await adminLocks(eph), watchers: await adminWatchers(eph), flags: await flagsOf(eph) };
});
afterAll(async () => {
  await suite?.stop();
  if (eph !== undefined) await removeImage(eph);
});

describe('a fix beside a live disk with an invalid object map, approved before the bot knows where its message is', () => {
  it('has set up a live owner with an invalid object map on the second disk', () => {
    expect(before.flags).toContain('object map invalid');
    expect(before.locks).toEqual([expect.objectContaining({ locker: live.lock.locker, address: live.lock.address })]);
  });

  it('runs the approved fix when bob approves 50 ms after the approval message appears, before Slack answered the post', async () => {
    suite.slack.answerLate('chat.postMessage', 3_000, { match: (args) => buttonValue(args.blocks, ACTION_IDS.approveFix) !== null });
    const report = await runVmlocks(suite, USERS.alice, server.name);
    const value = buttonValue(report.body.blocks, ACTION_IDS.requestFix);
    if (value === null) throw new Error(`no Request fix button:\n${textOf(report.body)}`);
    expect(textOf(report.body)).toContain(`${TWO_DAYS_S}`);
    const requesting = click(suite, { actionId: ACTION_IDS.requestFix, value, user: USERS.alice });

    const posted = await suite.slack.waitForCall(isApprovalPost, 60_000);
    const where = z.object({ channel: z.string(), ts: z.string() }).parse(posted.response);
    const approveValue = buttonValue(posted.args.blocks, ACTION_IDS.approveFix) ?? '';
    const requestId = z.object({ requestId: z.string() }).parse(JSON.parse(approveValue)).requestId;
    approval = { requestId, channel: where.channel, ts: where.ts, approveValue, denyValue: '' };
    await sleep(50);
    expect((await suite.store.get(requestId))?.approvalMessage).toBeNull();
    await clickOnApproval(suite, approval, USERS.bob);
    await requesting;

    done = await waitForState(suite.store, requestId, ['succeeded', 'failed', 'aborted'], 150_000);
    expect(done).toMatchObject({ state: 'succeeded', decidedBy: USERS.bob });
    // Slack's answer to the post is held back 3 s, so the reference may be stored after the run ended
    const stored = await waitForMessageRef(suite, requestId);
    expect(stored).toEqual({ channel: where.channel, ts: where.ts });
  });

  it('leaves the live disk exactly as it was: same lock, same watcher, same invalid object map, and no command on it', async () => {
    expect(await adminLocks(eph)).toEqual(before.locks);
    expect(await adminWatchers(eph)).toEqual(before.watchers);
    expect(await flagsOf(eph)).toEqual(before.flags);
    expect(done.plan.filter((s) => s.step === 'repair')).toEqual([]);
    const onEph = (await commandsOf(suite.store, done.id)).filter((e) => e.command?.argv.some((a) => a.includes(eph)));
    expect(onEph).toEqual([]);
    expect((await adminLocks(server.spec)).map((l) => l.address)).not.toContain(crash.deadOwner.address);
  });

  it('fences the dead owner for the configured 2 days, as the plan and the audit show', async () => {
    const fence = (await commandsOf(suite.store, done.id)).find((e) => e.command?.argv.includes('blocklist'));
    expect(fence?.command?.argv.slice(-3)).toEqual(['add', crash.deadOwner.address, String(TWO_DAYS_S)]);
    expect(done.plan.find((s) => s.step === 'fence')).toMatchObject({ expirySeconds: TWO_DAYS_S });
    const until = await blocklistUntil(crash.deadOwner.address);
    const fencedAt = Date.parse(fence?.at ?? '');
    expect(until).not.toBeNull();
    // Ceph computes the expiry from its own clock when it applies the command (same host here)
    expect(Math.abs((until ?? 0) - (fencedAt + TWO_DAYS_S * 1000))).toBeLessThan(10_000);
  });

  it('puts the outcome on the approval message, without buttons', async () => {
    const fixed = await suite.slack.waitForCall((c) => c.method === 'chat.update' && c.args.ts === approval.ts && textOf(c.args).includes('*Fixed*'), 30_000);
    expect(actionIdsOf(fixed.args.blocks)).toEqual([]);
    const updates = suite.slack.callsTo('chat.update').filter((c) => c.args.ts === approval.ts);
    expect(textOf(updates.at(-1)?.args ?? {})).toContain('*Fixed*');
    expect(actionIdsOf(updates.at(-1)?.args.blocks)).toEqual([]);
  });
});
