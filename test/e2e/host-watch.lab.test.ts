// The bot watches the hosts (issue 9): two bot processes share one SQLite file (two replicas), both watching Nova's
// compute services every 2 s. compute-1 "loses power" (its nova-compute is SIGKILLed; the lab's Nova says down after
// service_down_time = 20 s): the incident channel gets exactly one "compute-1 is down" post, with the host's view (a
// server of compute-1 in the seed's crash listed stale, with its Request fix button and the batch's "Request fix for
// all N stale"). compute-1 comes back: exactly one "compute-1 is back up". compute-1 is left running whatever happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { INCIDENT_CHANNEL, startBot, tempDbPath, type BotProcess } from '../support/bot-process.js';
import { cleanupScenarios, seedCrash } from '../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../support/fake-slack-api.js';
import { ensureComputesUp, findNovaLab, pollUntil, startCompute, stopCompute, type NovaLab } from '../support/nova-lab.js';
import { bootServer, type LabServer } from './support/fix-lab.js';
import { buttonValue, textOf } from './support/fix-slack.js';

const WATCH_ENV = { VMLOCKS_WATCH_HOSTS: 'on', VMLOCKS_WATCH_INTERVAL: '2s', VMLOCKS_WATCH_SETTLE: '8s' };
const Accessory = z.object({ accessory: z.object({ action_id: z.string(), value: z.string() }) });

let lab: NovaLab;
let slack: FakeSlackApi;
let replicas: BotProcess[] = [];
const booted: string[] = [];
let crashed: LabServer;

/** The successful polls a bot made so far, from its /metrics. */
async function polls(bot: BotProcess): Promise<number> {
  const text = await (await fetch(`${bot.metricsUrl}/metrics`)).text();
  return Number(/^vmlocks_host_watch_polls_total\{outcome="ok"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Waits until every replica has made `more` further polls: any duplicate post would have been made by then. */
async function morePolls(more: number): Promise<void> {
  const start = await Promise.all(replicas.map(polls));
  await pollUntil(`${more} more polls by each replica`, 60_000, async () => {
    const now = await Promise.all(replicas.map(polls));
    return now.every((n, i) => n >= (start[i] ?? 0) + more);
  });
}

const announcements = (sentence: RegExp): RecordedCall[] =>
  slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL && sentence.test(String(c.args.text)));

function requestFixValues(blocks: unknown): string[] {
  return (Array.isArray(blocks) ? blocks : []).flatMap((b) => {
    const a = Accessory.safeParse(b);
    return a.success && a.data.accessory.action_id === ACTION_IDS.requestFix ? [a.data.accessory.value] : [];
  });
}

beforeAll(async () => {
  lab = await findNovaLab();
  await startCompute(lab, 'compute-1'); // idempotent: the watch must see it up first
  crashed = await bootServer(lab, 'e2e-watch-seed', booted, 'compute-1');
  await seedCrash({ spec: crashed.spec, user: 'nova-old' });
  slack = await startFakeSlackApi();
  const dbPath = tempDbPath();
  replicas = await Promise.all([0, 1].map(() => startBot({ slackApiUrl: slack.apiUrl, dbPath, env: WATCH_ENV })));
  await morePolls(2); // both replicas have recorded compute-1 up
});

afterAll(async () => {
  try {
    await Promise.all(replicas.map((b) => b.stop()));
    await slack?.close();
  } finally {
    try {
      if (lab !== undefined) await ensureComputesUp(lab);
      await cleanupScenarios();
    } finally {
      if (booted.length > 0) await lab.admin.deleteServers(booted);
    }
  }
});

describe('the bot watches the compute hosts', () => {
  it('announces at start nothing about hosts that are simply up', () => {
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL)).toEqual([]);
  });

  it('announces compute-1 down by itself, once across two replicas, with the host view listing the crashed server stale', async () => {
    await stopCompute(lab, 'compute-1');
    const post = await slack.waitForCall((c) => c.method === 'chat.postMessage' && /`compute-1` is down/.test(String(c.args.text)), 60_000);
    expect(post.args.channel).toBe(INCIDENT_CHANNEL);
    const text = textOf(post.args);
    expect(text).toMatch(/:red_circle: `compute-1` \*is down\*/);
    expect(text).toMatch(/`compute-1` is \*down\*/);
    expect(text).toContain(crashed.id);
    expect(requestFixValues(post.args.blocks)).toContain(JSON.stringify({ instanceId: crashed.id }));
    expect(buttonValue(post.args.blocks, ACTION_IDS.requestBatch)).toBe(JSON.stringify({ host: 'compute-1' }));
    await morePolls(3);
    expect(announcements(/`compute-1` is down/)).toHaveLength(1);
    const downLogs = replicas.flatMap((b) => b.logs().filter((l) => l.event === 'host_down' && l.host === 'compute-1'));
    expect(downLogs).toHaveLength(1);
  });

  it('announces compute-1 back up once when its nova-compute returns, with the view', async () => {
    await startCompute(lab, 'compute-1');
    const post = await slack.waitForCall((c) => c.method === 'chat.postMessage' && /`compute-1` is back up/.test(String(c.args.text)), 60_000);
    expect(post.args.channel).toBe(INCIDENT_CHANNEL);
    expect(textOf(post.args)).toContain(crashed.id);
    await morePolls(3);
    expect(announcements(/`compute-1` is back up/)).toHaveLength(1);
    expect(announcements(/compute-1/)).toHaveLength(2);
    expect(replicas.flatMap((b) => b.logs().filter((l) => l.event === 'host_up' && l.host === 'compute-1'))).toHaveLength(1);
  });
});
