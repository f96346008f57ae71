// The seed's unit of failure, end to end in one chain: three servers of compute-1 in the seed's crash (librbd owner
// killed, lock left) and one with a live writer; the bot watches the hosts. compute-1 loses power (its nova-compute
// SIGKILLed): one "down" post. It comes back: one "back up" post carrying the host's view and "Request fix for all 3
// stale". Alice clicks that button on the announcement itself, Bob approves the batch: each stale server is fenced,
// its lock broken and hard-rebooted once on compute-1 (no evacuate), ACTIVE there; the live writer's server is left
// alone. The incident channel gets the batch's progress and one summary; the audit names alice and bob.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { INCIDENT_CHANNEL, USERS } from '../support/bot-process.js';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { cleanupScenarios, liveWriter, seedCrash, type LiveWriterScenario, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import type { RecordedCall } from '../support/fake-slack-api.js';
import { ensureComputesUp, findNovaLab, pollUntil, startCompute, stopCompute, type NovaLab } from '../support/nova-lab.js';
import { batchApprovalOf, waitForBatch, type BatchApproval } from './support/batch-slack.js';
import { bootServer, instanceActions, serverState, type LabServer } from './support/fix-lab.js';
import { actionIdsOf, answerTo, click, textOf } from './support/fix-slack.js';
import { startFixSuite, type FixSuite } from './support/fix-suite.js';

const STALE = 3;
const WATCH_ENV = { VMLOCKS_WATCH_HOSTS: 'on', VMLOCKS_WATCH_INTERVAL: '2s', VMLOCKS_WATCH_SETTLE: '8s' };
const Accessory = z.object({ accessory: z.object({ action_id: z.string(), value: z.string() }) });
const Button = z.object({ action_id: z.string(), value: z.string(), text: z.object({ text: z.string() }) });
const Actions = z.object({ type: z.literal('actions'), elements: z.array(z.unknown()) });
const ServerHost = z.object({ server: z.object({ 'OS-EXT-SRV-ATTR:host': z.string().nullable() }) });

let lab: NovaLab | undefined;
let suite: FixSuite | undefined;
let stale: LabServer[] = [];
let live: LabServer;
let crashes: SeedCrashScenario[] = [];
let writer: LiveWriterScenario;
let back: RecordedCall;
let approval: BatchApproval;

function on(): FixSuite {
  if (suite === undefined) throw new Error('the bot did not start');
  return suite;
}

/** The bot's successful watch polls so far, from its /metrics. */
async function polls(): Promise<number> {
  const text = await (await fetch(`${on().bot.metricsUrl}/metrics`)).text();
  return Number(/^vmlocks_host_watch_polls_total\{outcome="ok"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Waits for `more` further polls: a duplicate announcement would have been posted by then. */
async function morePolls(more: number): Promise<void> {
  const start = await polls();
  await pollUntil(`${more} more host watch polls`, 60_000, async () => (await polls()) >= start + more);
}

const announcements = (sentence: RegExp): RecordedCall[] => on().slack.callsTo('chat.postMessage')
  .filter((c) => c.args.channel === INCIDENT_CHANNEL && sentence.test(String(c.args.text)));

function buttons(blocks: unknown, actionId: string): z.infer<typeof Button>[] {
  return (Array.isArray(blocks) ? blocks : []).flatMap((b) => Actions.safeParse(b).data?.elements ?? [])
    .flatMap((e) => { const p = Button.safeParse(e); return p.success && p.data.action_id === actionId ? [p.data] : []; });
}

function requestFixValues(blocks: unknown): string[] {
  return (Array.isArray(blocks) ? blocks : []).flatMap((b) => {
    const a = Accessory.safeParse(b);
    return a.success && a.data.accessory.action_id === ACTION_IDS.requestFix ? [a.data.accessory.value] : [];
  });
}

async function hostOf(id: string): Promise<string | null> {
  return ServerHost.parse((await on().lab.admin.call('GET', `/servers/${id}`)).json).server['OS-EXT-SRV-ATTR:host'];
}

beforeAll(async () => {
  lab = await findNovaLab();
  await startCompute(lab, 'compute-1'); // idempotent: the watch must first see it up
  suite = await startFixSuite({ env: WATCH_ENV });
  const s = suite;
  const servers = await Promise.all(Array.from({ length: STALE + 1 }, (_, i) => bootServer(s.lab, `vmlt-chain-${i}`, s.booted, 'compute-1')));
  stale = servers.slice(0, STALE);
  live = servers[STALE] as LabServer;
  crashes = await Promise.all(stale.map((v) => seedCrash({ spec: v.spec, user: 'nova-old' })));
  writer = await liveWriter({ spec: live.spec, user: 'nova' });
  await morePolls(2); // the watch has recorded compute-1 up
}, 600_000);

afterAll(async () => {
  // computes first (a server on a dead compute cannot be deleted), then the bot, the writers, the images, the servers
  if (suite !== undefined) await suite.stop({ computes: true });
  else if (lab !== undefined) await Promise.all([ensureComputesUp(lab), cleanupScenarios()]);
}, 600_000);

describe('compute-1 loses power and comes back: announced, then one batch fixes its stale instances in place', () => {
  it('announces compute-1 down once', async () => {
    expect(announcements(/compute-1/)).toEqual([]);
    await stopCompute(on().lab, 'compute-1');
    const down = await on().slack.waitForCall((c) => c.method === 'chat.postMessage' && /`compute-1` is down/.test(String(c.args.text)), 60_000);
    expect(down.args.channel).toBe(INCIDENT_CHANNEL);
    await morePolls(3);
    expect(announcements(/`compute-1` is down/)).toHaveLength(1);
    expect(announcements(/`compute-1` is back up/)).toEqual([]);
  });

  it('announces compute-1 back up once, with its view and "Request fix for all 3 stale"', async () => {
    await startCompute(on().lab, 'compute-1');
    back = await on().slack.waitForCall((c) => c.method === 'chat.postMessage' && /`compute-1` is back up/.test(String(c.args.text)), 60_000);
    expect(back.args.channel).toBe(INCIDENT_CHANNEL);
    const text = textOf(back.args);
    for (const v of [...stale, live]) expect(text).toContain(v.id);
    const batch = buttons(back.args.blocks, ACTION_IDS.requestBatch);
    expect(batch.map((b) => [b.text.text, b.value])).toEqual([[`Request fix for all ${STALE} stale`, JSON.stringify({ host: 'compute-1' })]]);
    expect(requestFixValues(back.args.blocks).sort()).toEqual(stale.map((v) => JSON.stringify({ instanceId: v.id })).sort());
    await morePolls(3);
    expect(announcements(/`compute-1` is back up/)).toHaveLength(1);
    expect(announcements(/compute-1/)).toHaveLength(2);
  });

  it('alice clicks the button on the announcement: one pending batch of the three, the live one left out', async () => {
    const where = z.object({ channel: z.string(), ts: z.string() }).parse(back.response);
    const value = buttons(back.args.blocks, ACTION_IDS.requestBatch)[0]?.value ?? '';
    const responseId = await click(on(), { actionId: ACTION_IDS.requestBatch, value, user: USERS.alice, channel: where.channel, messageTs: where.ts });
    const answer = await answerTo(on(), responseId, 120_000);
    const batchId = /hb-[0-9a-f]{10}/.exec(textOf(answer.body))?.[0];
    expect(batchId, textOf(answer.body)).toBeDefined();
    approval = await batchApprovalOf(on(), batchId ?? '');
    expect(approval.channel).toBe(INCIDENT_CHANNEL);
    const batch = await on().store.getBatch(approval.batchId);
    expect(batch?.requestedBy).toBe(USERS.alice);
    expect(batch?.items.map((i) => [i.instanceId, i.status]).sort()).toEqual(stale.map((v) => [v.id, 'pending']).sort());
    expect(batch?.excluded.find((e) => e.instanceId === live.id)?.verdict).toBe('alive');
    for (const item of batch?.items ?? []) {
      expect(item.plan.map((p) => p.step)).toContain('reboot');
      expect(item.plan.map((p) => p.step)).not.toContain('evacuate');
    }
  });

  it('bob approves: each stale server fenced, unlocked, hard-rebooted once on compute-1 and ACTIVE; the live one untouched', async () => {
    await click(on(), { actionId: ACTION_IDS.approveBatch, value: approval.approveValue, user: USERS.bob, channel: approval.channel, messageTs: approval.ts });
    const done = await waitForBatch(on().store, approval.batchId, ['finished', 'paused', 'interrupted']);
    expect(done.state, JSON.stringify(done.items)).toBe('finished');
    expect(done.items.map((i) => [i.instanceId, i.status]).sort()).toEqual(stale.map((v) => [v.id, 'done']).sort());
    const blocklist = await adminBlocklist();
    for (const [k, v] of stale.entries()) {
      const dead = (crashes[k] as SeedCrashScenario).deadOwner.address;
      expect(blocklist).toContain(dead);
      expect((await adminLocks(v.spec)).map((l) => l.address)).not.toContain(dead);
      const actions = (await instanceActions(on().lab, v.id)).map((a) => a.action);
      expect(actions.filter((a) => a === 'reboot')).toHaveLength(1);
      expect(actions).not.toContain('evacuate');
      expect(await serverState(on().lab, v.id)).toMatchObject({ status: 'ACTIVE', powerState: 1 });
      expect(await hostOf(v.id)).toBe('compute-1');
    }
    expect(await adminLocks(live.spec)).toEqual([expect.objectContaining({ address: writer.lock.address })]);
    expect(blocklist).not.toContain(writer.lock.address);
    expect((await instanceActions(on().lab, live.id)).map((a) => a.action)).not.toContain('reboot');
    expect(await hostOf(live.id)).toBe('compute-1');
  });

  it('posts the progress in place and one summary to the incident channel; the audit names alice and bob', async () => {
    const { slack, store } = on();
    await slack.waitForCall((c) => c.method === 'chat.update' && c.args.ts === approval.ts && textOf(c.args).includes('*Finished*'), 30_000);
    const updates = slack.callsTo('chat.update').filter((c) => c.args.channel === INCIDENT_CHANNEL && c.args.ts === approval.ts);
    expect(textOf(updates.at(-1)?.args ?? {})).toMatch(new RegExp(`\\*Finished\\*.*${STALE} fixed, 0 failed`));
    await slack.waitForCall((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === undefined && textOf(c.args).includes(approval.batchId) && actionIdsOf(c.args.blocks).length === 0, 30_000);
    const incident = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === undefined);
    // down, back up, the batch's approval (its progress, updated in place), one summary: no per-step posts
    const kind = (c: RecordedCall): string => /`compute-1` is down/.test(String(c.args.text)) ? 'down'
      : /`compute-1` is back up/.test(String(c.args.text)) ? 'back'
        : !textOf(c.args).includes(approval.batchId) ? 'other' : c.response.ts === approval.ts ? 'approval' : actionIdsOf(c.args.blocks).length === 0 ? 'summary' : 'other';
    expect(incident.map(kind)).toEqual(['down', 'back', 'approval', 'summary']);
    const audit = await store.list({ requestId: approval.batchId });
    const who = (action: string): string[] => audit.filter((e) => e.action === action).map((e) => e.actor);
    expect(who('batch_request')).toEqual([USERS.alice]);
    expect(who('batch_approve')).toEqual([USERS.bob]);
    expect(who('batch_finish')).toEqual(['system']);
    console.info(`batch ${approval.batchId}: ${updates.length} progress updates, ${incident.length} incident-channel posts`);
  });
});
