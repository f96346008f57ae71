// The bot in Socket Mode, its production default (`npm start`): the real process connects to a fake Slack Socket Mode
// endpoint (a WebSocket server on 127.0.0.1) with the URL that the fake Web API's apps.connections.open gave for its
// app-level token. Slack's side then pushes envelopes: a `/vmlocks` with bad input (acked, answered with the usage,
// and no Ceph or Nova call, counted at the process boundary and in the bot's metrics), a `/vmlocks` for a real Nova
// instance whose disk is in the seed's crash (acked, answered with the STALE report), and a click on the report's
// Request fix button (acked, the approval message posted). Then Slack recycles the connection, and SIGTERM closes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { startBot, INCIDENT_CHANNEL, USERS, type BotProcess } from '../support/bot-process.js';
import { assertCephLabUp } from '../support/ceph-lab.js';
import { cleanupScenarios, seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { startFakeSocketMode, type FakeSocketMode } from '../support/fake-socket-mode.js';
import { findNovaLab } from '../support/nova-lab.js';
import { createCountingPath, type CountingPath } from './support/diagnosis-counting-path.js';
import { readMetrics, total } from './support/diagnosis-metrics.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { blocksTextOf, buttonsOf, messageTextOf } from './support/diagnosis-slack.js';
import { Timings } from './support/diagnosis-timings.js';
import { approvalMessageOf, buttonValue, textOf } from './support/fix-slack.js';
import { ACK_DEADLINE_MS, clickOverSocket, slashOverSocket, type SocketSide } from './support/socket-mode-slack.js';

const timings = new Timings('Socket Mode (ack = envelope to its ack on the WebSocket, answer = envelope to the response_url post)');
let slack: FakeSlackApi;
let socket: FakeSocketMode;
let bot: BotProcess;
let nova: NovaSetup;
let counting: CountingPath;
let server: LabServer;
let crash: SeedCrashScenario;
let side: SocketSide;

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  const [booted] = await nova.boot([{ prefix: 'e2e-socket', host: 'compute-2' }]);
  if (booted === undefined) throw new Error('no server');
  server = booted;
  crash = await seedCrash({ spec: server.disk });
  slack = await startFakeSlackApi();
  socket = await startFakeSocketMode();
  slack.attachSocketMode(socket);
  side = { slack, socket };
  // Reads through the CLIs, so that every Ceph call of the bot is a process the counting wrappers see (the
  // metrics count Ceph calls on both read paths; inspect-cli.lab.test.ts proves the librados path starts none).
  counting = createCountingPath();
  bot = await startBot({ slackApiUrl: slack.apiUrl, socketMode: { appToken: socket.appToken }, env: { PATH: counting.PATH, VMLOCKS_USER_COMMANDS: '100', VMLOCKS_CEPH_READS: 'cli' } });
});

afterAll(async () => {
  timings.print();
  try {
    if (bot?.exit() === null) await bot.stop();
    await slack?.close();
    await socket?.close();
    counting?.remove();
    await cleanupScenarios();
  } finally {
    await nova?.restore();
  }
});

async function observe(): Promise<{ cephProcesses: number; cephCalls: number; novaCalls: number; inspections: number }> {
  const m = await readMetrics(bot);
  return {
    cephProcesses: counting.calls().length,
    cephCalls: total(m, 'vmlocks_external_calls_total', { system: 'ceph' }),
    novaCalls: total(m, 'vmlocks_external_calls_total', { system: 'nova' }),
    inspections: total(m, 'vmlocks_commands_total', { kind: 'inspect' }),
  };
}

describe('the bot started in Socket Mode', () => {
  it('connects with the URL that apps.connections.open gave for its app-level token, and serves no HTTP endpoint for Slack', async () => {
    const opens = slack.callsTo('apps.connections.open');
    expect(opens.map((c) => [c.token, c.response.ok])).toEqual([[socket.appToken, true]]);
    const [connection] = socket.connections;
    expect(socket.connections).toHaveLength(1);
    expect(String(opens[0]?.response.url)).toContain(`ticket=${connection?.ticket}`);
    expect(connection?.closedAt).toBeNull();
    expect(bot.logs().some((l) => l.msg === 'Slack app connected (Socket Mode)')).toBe(true);
    // no Request URL in Socket Mode: nothing listens on PORT, and METRICS_PORT serves health and metrics only
    const form = { method: 'POST', body: 'payload=%7B%7D', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    await expect(fetch(bot.eventsUrl, form)).rejects.toThrow(/fetch failed/);
    expect((await fetch(`${bot.metricsUrl}/slack/events`, form)).status).toBe(404);
    expect((await fetch(`${bot.metricsUrl}/readyz`)).status).toBe(200);
  });

  it('acks a /vmlocks envelope with bad input and answers the usage only to the user, calling neither Ceph nor Nova', async () => {
    const before = await observe();
    const d = await slashOverSocket(side, '$(reboot)', USERS.mallory);
    expect(d.ack).toMatchObject({ connection: 1, payload: {} }); // an empty ack: the answer goes to the response_url
    expect(d.ack.afterMs).toBeLessThan(ACK_DEADLINE_MS);
    const answer = await slack.waitForResponse((r) => r.id === d.responseId, 15_000);
    timings.add({ scenario: '/vmlocks $(reboot)', ackMs: d.ack.afterMs ?? undefined, answerMs: answer.at - d.sentAt });
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(blocksTextOf(answer.body)).toMatch(/"\$\(reboot\)" is not a valid instance name/);
    expect(blocksTextOf(answer.body)).toContain('Usage: `/vmlocks &lt;instance name or UUID&gt;`');
    expect(buttonsOf(answer.body)).toEqual([]);
    expect(await observe()).toEqual(before);
    expect(slack.responses.filter((r) => r.id === d.responseId)).toHaveLength(1);
  });
});

describe('a real instance in the seed\'s crash', () => {
  let reportBlocks: unknown;

  it('acks the /vmlocks envelope, then posts the STALE report in the channel naming the dead owner\'s lock and offering Request fix', async () => {
    const before = await observe();
    const d = await slashOverSocket(side, server.name, USERS.alice);
    expect(d.ack.payload).toEqual({});
    expect(d.ack.afterMs).toBeLessThan(ACK_DEADLINE_MS);
    const report = await slack.waitForResponse((r) => r.id === d.responseId && r.body.response_type === 'in_channel', 60_000);
    timings.add({ scenario: '/vmlocks <seed crash>', ackMs: d.ack.afterMs ?? undefined, answerMs: report.at - d.sentAt });
    const posts = slack.responses.filter((r) => r.id === d.responseId);
    expect(posts.map((p) => p.body.response_type)).toEqual(['ephemeral', 'in_channel']); // "Checking…" first, only to the user
    expect(messageTextOf(report.body)).toMatch(/^STALE: /);
    const text = blocksTextOf(report.body);
    expect(text).toContain(`*STALE* — \`${server.name}\`: `);
    expect(text).toContain(`Lock \`${crash.deadOwner.lockId}\` held by \`${crash.deadOwner.locker}\` at \`${crash.deadOwner.address}\` — *stale*`);
    expect(text).toContain(`watcher ${crash.newWriter.address} on the same host (new client)`);
    expect(buttonsOf(report.body).map((b) => b.actionId)).toEqual([ACTION_IDS.requestFix]);
    const after = await observe();
    expect(after.inspections).toBe(before.inspections + 1);
    expect(after.novaCalls).toBeGreaterThan(before.novaCalls);
    expect(counting.calls().slice(before.cephProcesses).some((argv) => argv[0] === 'rbd' && argv.includes('lock') && argv.includes(server.disk))).toBe(true);
    reportBlocks = report.body.blocks;
  });

  it('acks a click on Request fix sent as an interactive envelope, posts the approval message and tells the requester', async () => {
    const value = buttonValue(reportBlocks, ACTION_IDS.requestFix);
    if (value === null) throw new Error('the report has no Request fix button');
    const d = await clickOverSocket(side, { actionId: ACTION_IDS.requestFix, value, user: USERS.alice });
    expect(d.ack.payload).toEqual({});
    expect(d.ack.afterMs).toBeLessThan(ACK_DEADLINE_MS);
    const answer = await slack.waitForResponse((r) => r.id === d.responseId, 60_000);
    timings.add({ scenario: 'click Request fix', ackMs: d.ack.afterMs ?? undefined, answerMs: answer.at - d.sentAt });
    expect(answer.body.response_type).toBe('ephemeral');
    const requestId = /fx-[0-9a-f]{10}/.exec(textOf(answer.body))?.[0];
    if (requestId === undefined) throw new Error(`no request id in the answer to Request fix:\n${textOf(answer.body)}`);
    const approval = await approvalMessageOf({ bot, slack }, requestId);
    expect(approval.channel).toBe(INCIDENT_CHANNEL);
  });
});

describe('the WebSocket connection', () => {
  it('is reopened with a new URL when Slack asks for a refresh, and the next command arrives over the new one', async () => {
    const old = socket.sendDisconnect('refresh_requested');
    expect((await socket.waitForClose(old)).clientCloseCode).toBe(1000);
    const renewed = await socket.waitForConnection(old + 1, 30_000);
    expect(slack.callsTo('apps.connections.open').filter((c) => c.response.ok === true)).toHaveLength(2);
    const d = await slashOverSocket(side, 'help', USERS.bob);
    expect(d.ack.connection).toBe(renewed.id);
    const answer = await slack.waitForResponse((r) => r.id === d.responseId, 15_000);
    expect(blocksTextOf(answer.body)).toMatch(/STALE[\s\S]*ALIVE[\s\S]*UNKNOWN[\s\S]*UNLOCKED/);
  });

  it('is closed with a normal close frame when the bot gets SIGTERM, and the process exits with 0', async () => {
    const open = socket.openConnections();
    expect(open).toHaveLength(1);
    await bot.stop();
    expect(bot.exit()).toEqual({ exitCode: 0, signal: undefined });
    const closed = await socket.waitForClose(open[0]?.id ?? -1);
    expect(closed.clientCloseCode).toBe(1000);
    expect(socket.connections.flatMap((c) => c.unexpected)).toEqual([]);
    expect(bot.logs().some((l) => l.event === 'stopping' && l.signal === 'SIGTERM')).toBe(true);
  });
});
