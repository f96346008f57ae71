// `/vmlocks host <compute-host>`: the first look after a power loss. Two servers on compute-2 (one in the seed's
// crash, one with a live writer): the answer lists the stale one first with its own Request fix button, which opens
// a normal request (re-inspected, approval message posted); `vmlocks host --json` agrees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { labEnv, startBot, USERS, type BotProcess } from '../support/bot-process.js';
import { cleanupScenarios, liveWriter, seedCrash } from '../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { findNovaLab, type NovaLab } from '../support/nova-lab.js';
import { runCli } from './support/diagnosis-cli.js';
import { bootServer, type LabServer } from './support/fix-lab.js';
import { answerTo, approvalMessageOf, click, runVmlocks, textOf } from './support/fix-slack.js';

const Accessory = z.object({ accessory: z.object({ action_id: z.string(), value: z.string() }) });

/** The values of the Request fix buttons placed beside sections (the host view's per-instance buttons). */
function requestFixValues(blocks: unknown): string[] {
  return (Array.isArray(blocks) ? blocks : []).flatMap((b) => {
    const a = Accessory.safeParse(b);
    return a.success && a.data.accessory.action_id === ACTION_IDS.requestFix ? [a.data.accessory.value] : [];
  });
}

let lab: NovaLab;
let slack: FakeSlackApi;
let bot: BotProcess;
const booted: string[] = [];
let stale: LabServer;
let alive: LabServer;

beforeAll(async () => {
  lab = await findNovaLab();
  [stale, alive] = await Promise.all([bootServer(lab, 'e2e-host-stale', booted, 'compute-2'), bootServer(lab, 'e2e-host-alive', booted, 'compute-2')]);
  await Promise.all([seedCrash({ spec: stale.spec, user: 'nova-old' }), liveWriter({ spec: alive.spec, user: 'nova' })]);
  slack = await startFakeSlackApi();
  bot = await startBot({ slackApiUrl: slack.apiUrl });
});

afterAll(async () => {
  try {
    await bot?.stop();
    await slack?.close();
    await cleanupScenarios();
  } finally {
    if (booted.length > 0) await lab.admin.deleteServers(booted);
  }
});

describe('/vmlocks host <compute-host>', () => {
  it('lists every instance of the host, the stale one first with its own Request fix button, the live one as alive', async () => {
    const answer = await runVmlocks({ bot, slack }, USERS.alice, 'host compute-2');
    const text = textOf(answer.body);
    expect(text).toMatch(/`compute-2` is up/);
    expect(text.indexOf(stale.id)).toBeGreaterThan(-1);
    expect(text.indexOf(stale.id)).toBeLessThan(text.indexOf(alive.id));
    expect(text).toMatch(new RegExp(`ALIVE[^]*${alive.id}`));
    expect(requestFixValues(answer.body.blocks)).toEqual([JSON.stringify({ instanceId: stale.id })]);
  });

  it('turns a click on that button into a normal fix request with its approval message', async () => {
    const answer = await runVmlocks({ bot, slack }, USERS.alice, 'host compute-2');
    const [value] = requestFixValues(answer.body.blocks);
    if (value === undefined) throw new Error('no Request fix button');
    const responseId = await click({ bot, slack }, { actionId: ACTION_IDS.requestFix, value, user: USERS.alice });
    const reply = textOf((await answerTo({ bot, slack }, responseId, 60_000)).body);
    const requestId = /fx-[0-9a-f]{10}/.exec(reply)?.[0];
    expect(requestId, reply).toBeDefined();
    const approval = await approvalMessageOf({ bot, slack }, requestId ?? '');
    expect(approval.approveValue).toBe(JSON.stringify({ requestId }));
  });

  it('gives the same verdicts on the command line (vmlocks host --json), exit 0', async () => {
    const r = await runCli(['host', 'compute-2', '--json'], labEnv());
    expect(r.exitCode).toBe(0);
    const summary = z.object({ host: z.string(), instances: z.array(z.object({ id: z.string(), verdict: z.string() })) }).parse(JSON.parse(r.stdout));
    const verdicts = Object.fromEntries(summary.instances.filter((i) => i.id === stale.id || i.id === alive.id).map((i) => [i.id, i.verdict]));
    expect(verdicts).toEqual({ [stale.id]: 'stale', [alive.id]: 'alive' });
  });

  it('answers "not found" for a host Nova does not know, exit 2 on the command line', async () => {
    const answer = await runVmlocks({ bot, slack }, USERS.alice, 'host compute-99');
    expect(textOf(answer.body)).toContain('NOT FOUND: no compute host `compute-99`');
    expect((await runCli(['host', 'compute-99'], labEnv())).exitCode).toBe(2);
  });
});
