// The safety brakes of the fix, through the running bot on the real labs: one open fix per instance (even for two
// requests at the same instant), and the fix brake: after ten real fixes in ten minutes (the defaults) the
// eleventh approval is refused as a likely mass event, and still after a restart on the same database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/adapters/store/index.js';
import { TERMINAL_STATES, type FixRequest } from '../../src/core/fix-request.js';
import { INCIDENT_CHANNEL, startBot, USERS, type BotProcess } from '../support/bot-process.js';
import { adminLocks } from '../support/ceph-admin-view.js';
import type { LockOwner } from '../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { sendSlackRequest, sendTogether } from '../support/sign-slack-request.js';
import { createLabServers, type LabServer, type LabServers } from './support/limits-lab-servers.js';
import { answerText, approveClick, finalAnswer, limitHits, requestFixClick } from './support/limits-slack.js';
import { openBotStore, runsStartedWithin, waitForRequestState } from './support/limits-store.js';

/** The defaults of VMLOCKS_FIX_BRAKE and VMLOCKS_FIX_BRAKE_WINDOW, set explicitly so that the test says them. */
const BRAKE_ENV = { VMLOCKS_FIX_BRAKE: '10', VMLOCKS_FIX_BRAKE_WINDOW: '10m' };
const WINDOW_MS = 10 * 60_000;
const APPROVERS = [USERS.alice, USERS.bob, USERS.carol];
/** Requesters of a wave of five fixes, spread so that nobody nears the per-user command limit. */
const REQUESTERS = [USERS.mallory, USERS.alice, USERS.bob, USERS.carol, USERS.mallory];
const SENT = /is waiting for a second engineer/;
const ALREADY_OPEN = /is already open/;

function approverOtherThan(...users: string[]): string {
  const approver = APPROVERS.find((a) => !users.includes(a));
  if (approver === undefined) throw new Error(`no approver other than ${users.join(', ')}`);
  return approver;
}

function requestIdIn(text: string): string {
  const id = /\b(fx-[0-9a-f]+)\b/.exec(text)?.[1];
  if (id === undefined) throw new Error(`no request id in "${text}"`);
  return id;
}

describe('the safety brakes of the fix', () => {
  let slack: FakeSlackApi;
  let bot: BotProcess;
  let lab: LabServers;
  let store: Store;
  /** Fixed twice each: ten real fixes. */
  let wave: LabServer[];
  /** Kept stale: the one-open-request guard, then the eleventh fix. */
  let guarded: LabServer;
  let guardedOwner: LockOwner;
  let seq = 0;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    lab = await createLabServers();
    const servers = await lab.boot('limits-brake', 6);
    wave = servers.slice(0, 5);
    guarded = servers[5] as LabServer;
    const owners = await Promise.all(servers.map((s) => lab.makeStaleShutoff(s)));
    guardedOwner = owners[5] as LockOwner;
    bot = await startBot({ slackApiUrl: slack.apiUrl, env: BRAKE_ENV });
    store = await openBotStore(bot.dbPath);
  });

  afterAll(async () => {
    store?.close();
    await bot?.stop();
    await slack?.close();
    await lab?.cleanup();
  });

  async function requestFix(user: string, server: LabServer): Promise<{ text: string; id: string }> {
    const id = `request-${++seq}`;
    expect((await sendSlackRequest(requestFixClick(bot, slack, { user, instanceId: server.id, id }))).status).toBe(200);
    return { text: answerText(await finalAnswer(slack, id)), id };
  }

  async function approve(user: string, requestId: string): Promise<string> {
    const id = `approve-${++seq}`;
    expect((await sendSlackRequest(approveClick(bot, slack, { user, requestId, id }))).status).toBe(200);
    return id;
  }

  /** Five real fixes at once: request (one engineer), approve (another), wait until each run ends. */
  async function fixWave(): Promise<FixRequest[]> {
    return Promise.all(wave.map(async (server, i) => {
      const requester = REQUESTERS[i] ?? USERS.mallory;
      const asked = await requestFix(requester, server);
      expect(asked.text, server.name).toMatch(SENT);
      const requestId = requestIdIn(asked.text);
      const approvers = APPROVERS.filter((a) => a !== requester);
      await approve(approvers[i % approvers.length] ?? USERS.alice, requestId);
      return waitForRequestState(store, requestId, TERMINAL_STATES, 150_000);
    }));
  }

  it('points a second Request fix for the same instance at the pending one, even when two arrive at the same instant', async () => {
    const ids = ['guard-alice', 'guard-bob'];
    const acks = await sendTogether([
      requestFixClick(bot, slack, { user: USERS.alice, instanceId: guarded.id, id: ids[0] ?? '' }),
      requestFixClick(bot, slack, { user: USERS.bob, instanceId: guarded.id, id: ids[1] ?? '' }),
    ]);
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    const texts = await Promise.all(ids.map(async (id) => answerText(await finalAnswer(slack, id))));
    const open = await store.findOpen(guarded.id as FixRequest['instanceId']);
    expect(open?.state).toBe('pending');
    const openId = open?.id ?? '';
    expect(texts.filter((t) => SENT.test(t))).toHaveLength(1);
    expect(texts.filter((t) => ALREADY_OPEN.test(t))).toHaveLength(1);
    for (const t of texts) expect(t).toContain(openId);
    const all = (await store.listByState(['pending', 'approved', 'running', ...TERMINAL_STATES])).filter((r) => r.instanceId === guarded.id);
    expect(all.map((r) => r.id)).toEqual([openId]);
    expect(await limitHits(bot, 'instance_busy')).toBe(1);

    // A later request, once the approval message is out, links to it.
    const later = await requestFix(USERS.carol, guarded);
    expect(later.text).toMatch(ALREADY_OPEN);
    expect(later.text).toContain(openId);
    const ts = open?.approvalMessage?.ts ?? (await store.get(openId))?.approvalMessage?.ts ?? '';
    expect(later.text).toContain(`/archives/${INCIDENT_CHANNEL}/p${ts.replace('.', '')}`);
    const approvalPosts = slack.callsTo('chat.postMessage')
      .filter((c) => JSON.stringify(c.args.blocks ?? []).includes('vmlocks.approve_fix') && JSON.stringify(c.args.blocks).includes(openId));
    expect(approvalPosts).toHaveLength(1);
    expect(await limitHits(bot, 'instance_busy')).toBe(2);
  });

  it('refuses the eleventh fix in ten minutes with the brake message, keeps the request pending, and still refuses it after a restart', async () => {
    for (const round of [1, 2]) {
      if (round === 2) await Promise.all(wave.map((s) => lab.makeStaleShutoff(s)));
      const finished = await fixWave();
      expect(finished.map((r) => [r.instanceName, r.state, r.outcome])).toEqual(wave.map((s) => [s.name, 'succeeded', expect.any(String)]));
    }
    expect(await runsStartedWithin(store, WINDOW_MS)).toBe(10);
    for (const s of wave) expect(await adminLocks(s.spec), s.name).toEqual([]);

    const pending = await store.findOpen(guarded.id as FixRequest['instanceId']) ??
      await store.get(requestIdIn((await requestFix(USERS.carol, guarded)).text));
    if (pending === null) throw new Error('no pending request for the eleventh fix');
    const approvers = [approverOtherThan(pending.requestedBy)];
    approvers.push(approverOtherThan(pending.requestedBy, approvers[0] ?? ''));

    for (const [i, approver] of approvers.entries()) {
      if (i === 1) {
        // The same database after a restart: the count of runs comes from the store, not from memory.
        await bot.stop();
        bot = await startBot({ slackApiUrl: slack.apiUrl, dbPath: store.location, env: BRAKE_ENV });
      }
      const answer = await finalAnswer(slack, await approve(approver, pending.id), 30_000);
      expect(answer.body.response_type).toBe('ephemeral');
      const text = answerText(answer);
      expect(text).toContain('10 fixes ran in the last 10 min across the cluster');
      expect(text).toContain('this looks like a mass event (a rack or a power feed)');
      expect(text).toContain('Stop fixing VM by VM: check the Ceph cluster and the compute hosts');
      expect(text).toContain('raise VMLOCKS_FIX_BRAKE if you are sure');
      const notices = await slack.waitForCalls((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL &&
        /Fix brake: 10 fixes started in the last 10 min[^(]*\(limit 10\)/.test(String(c.args.text)) && String(c.args.text).includes(pending.id), i + 1, 15_000);
      expect(notices).toHaveLength(i + 1);
      expect(await limitHits(bot, 'fix_brake')).toBe(1);
      expect(await store.get(pending.id)).toMatchObject({ state: 'pending', decidedBy: null });
      expect(await runsStartedWithin(store, WINDOW_MS)).toBe(10);
      // nothing ran: the dead owner still holds the guarded disk's lock
      expect((await adminLocks(guarded.spec)).map((l) => l.address)).toEqual([guardedOwner.address]);
    }
  }, 600_000);
});
