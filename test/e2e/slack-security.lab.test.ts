// What reaches the running bot over HTTP and what it does with it: requests not signed with the app's secret, or
// signed too long ago (a replay), are refused with 401 before any handler runs; bad input gets a short usage message
// only to the user and starts no Ceph or Nova call. The proof of "no call" is at the process boundary: counting
// wrappers of `rbd` and `ceph` first on the bot's PATH; and in the bot's own metrics for Nova. A last test shows
// that a valid command is counted by both, so that the checks above can fail.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startBot, USERS, type BotProcess } from '../support/bot-process.js';
import { assertCephLabUp, sleep } from '../support/ceph-lab.js';
import { cleanupScenarios, unlockedImage } from '../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { findNovaLab } from '../support/nova-lab.js';
import { prepareSlackRequest, sendSlackRequest, slashCommandBody, slackSignature, type PreparedRequest } from '../support/sign-slack-request.js';
import { createCountingPath, type CountingPath } from './support/diagnosis-counting-path.js';
import { expectSlackReport } from './support/diagnosis-expect.js';
import { readMetrics, total } from './support/diagnosis-metrics.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { askVmlocks, blocksTextOf, buttonsOf, messageTextOf } from './support/diagnosis-slack.js';
import { Timings } from './support/diagnosis-timings.js';

const timings = new Timings('security and input checks');
let slack: FakeSlackApi;
let bot: BotProcess;
let nova: NovaSetup;
let counting: CountingPath;
let server: LabServer;

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  const [booted] = await nova.boot([{ prefix: 'e2e-sec', host: 'compute-2' }]);
  if (booted === undefined) throw new Error('no server');
  server = booted;
  await unlockedImage({ spec: server.disk });
  slack = await startFakeSlackApi();
  // Reads through the CLIs, so that every Ceph call of the bot is a process the counting wrappers see (the
  // metrics count Ceph calls on both read paths; inspect-cli.lab.test.ts proves the librados path starts none).
  counting = createCountingPath();
  bot = await startBot({ slackApiUrl: slack.apiUrl, env: { PATH: counting.PATH, VMLOCKS_USER_COMMANDS: '100', VMLOCKS_CEPH_READS: 'cli' } });
});

afterAll(async () => {
  timings.print();
  try {
    await bot?.stop();
    await slack?.close();
    counting?.remove();
    await cleanupScenarios();
  } finally {
    await nova?.restore();
  }
});

interface Observed { cephProcesses: number; cephCalls: number; novaCalls: number; inspections: number; verdicts: number; slackPosts: number; slackCalls: number }

async function observe(): Promise<Observed> {
  const m = await readMetrics(bot);
  return {
    cephProcesses: counting.calls().length,
    cephCalls: total(m, 'vmlocks_external_calls_total', { system: 'ceph' }),
    novaCalls: total(m, 'vmlocks_external_calls_total', { system: 'nova' }),
    inspections: total(m, 'vmlocks_commands_total', { kind: 'inspect' }),
    verdicts: total(m, 'vmlocks_verdicts_total'),
    slackPosts: slack.responses.length,
    // the operator check reads users.info (cached): the other Web API calls are what bad input must not make
    slackCalls: slack.calls.filter((c) => c.method !== 'users.info').length,
  };
}

/** A slash command for the test server whose response_url is unique, prepared but not sent. */
function command(text: string, opts: { timestampSec?: number; forge?: boolean } = {}): { req: PreparedRequest; responseId: string } {
  const responseId = `sec-${randomUUID()}`;
  const body = slashCommandBody({ text, userId: USERS.mallory, responseUrl: slack.responseUrl(responseId) });
  const req = prepareSlackRequest(bot.eventsUrl, body, {
    signingSecret: SIGNING_SECRET,
    ...(opts.timestampSec === undefined ? {} : { timestampSec: opts.timestampSec }),
    ...(opts.forge ? { forgeSignature: true } : {}),
  });
  return { req, responseId };
}

/** Sends a request the bot must refuse; checks 401 and, after a quiet second, that nothing at all was done. */
async function expectRefused(req: PreparedRequest, responseId: string): Promise<void> {
  const before = await observe();
  const logsBefore = bot.logs().length;
  const res = await sendSlackRequest(req);
  expect(res.status).toBe(401);
  await sleep(1500); // room for a wrong implementation to act on the request after all
  expect(await observe()).toEqual(before);
  expect(slack.responses.filter((r) => r.id === responseId)).toEqual([]);
  const logged = bot.logs().slice(logsBefore).map((l) => JSON.stringify(l)).join('\n');
  expect(logged).toMatch(/Failed to verify authenticity/);
  expect(logged).not.toContain(server.name); // the request's text went nowhere, not even into the log
}

describe('requests that are not from Slack', () => {
  it('refuses a slash command signed with another secret with 401, answering nothing and calling nothing', async () => {
    const { req, responseId } = command(server.name, { forge: true });
    await expectRefused(req, responseId);
  });

  it('refuses a validly signed request whose body was changed afterwards', async () => {
    const { req, responseId } = command(server.name);
    const tampered = { ...req, body: req.body.replace(encodeURIComponent(USERS.mallory), encodeURIComponent(USERS.alice)) };
    expect(tampered.body).not.toBe(req.body);
    await expectRefused(tampered, responseId);
  });

  it('refuses a correctly signed request older than five minutes (a replay) with 401', async () => {
    const { req, responseId } = command(server.name, { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 });
    await expectRefused(req, responseId);
  });

  it('refuses a request without Slack\'s signature headers with 401', async () => {
    const { req, responseId } = command(server.name);
    const { 'X-Slack-Signature': _signature, ...headers } = req.headers;
    await expectRefused({ ...req, headers }, responseId);
  });

  it('refuses a signature made over the right body with a timestamp other than the one sent', async () => {
    const { req, responseId } = command(server.name);
    const ts = Math.floor(Date.now() / 1000);
    const moved = { ...req, headers: { ...req.headers, 'X-Slack-Request-Timestamp': String(ts - 1), 'X-Slack-Signature': slackSignature(SIGNING_SECRET, ts, req.body) } };
    await expectRefused(moved, responseId);
  });
});

// [what, text, the problem the answer names]
const BAD_INPUTS: Array<[string, string, RegExp]> = [
  ['an empty text', '', /give an instance name or UUID/],
  ['blanks only', '   ', /give an instance name or UUID/],
  ['a shell command after a name', 'vm-1; rm -rf /', /"vm-1; rm -rf \/" is not a valid instance name/],
  ['a command substitution', '$(reboot)', /"\$\(reboot\)" is not a valid instance name/],
  ['backticks', '`reboot`', /is not a valid instance name/],
  ['a pipe', 'vm-1|cat /etc/passwd', /is not a valid instance name/],
  ['a 300-character name', `vm-${'x'.repeat(297)}`, /an instance name has at most 255 characters/],
  ['a UUID one digit short', '0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e0', /"0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e0" is not a valid UUID/],
  ['an option', '--id=admin', /is not a valid instance name/],
  ['a path', '../../etc/ceph/ceph.client.admin.keyring', /is not a valid instance name/],
  ['a Slack mention', '<!channel> vm-1', /"&lt;!channel&gt; vm-1" is not a valid instance name/],
  ['a new line', 'vm-1\nrbd lock rm', /is not a valid instance name/],
];

const USAGE = 'Usage: `/vmlocks &lt;instance name or UUID&gt;` or `/vmlocks help`';

describe('bad input', () => {
  it.each(BAD_INPUTS)('answers %s with a short usage message only to the user, and calls neither Ceph nor Nova', async (what, text, problem) => {
    const before = await observe();
    const a = await askVmlocks(bot, slack, text, { user: USERS.mallory });
    timings.add({ scenario: `bad input: ${what}`, ackMs: a.ackMs, answerMs: a.answerMs });
    expect(a.posts).toHaveLength(1);
    expect(a.answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const shown = blocksTextOf(a.answer.body);
    expect(shown).toMatch(problem);
    expect(shown).toContain(USAGE);
    expect(shown.length).toBeLessThan(500);
    expect(`${messageTextOf(a.answer.body)}\n${shown}`).not.toContain('<!channel>'); // the user's mark-up is escaped, never rendered
    expect(buttonsOf(a.answer.body)).toEqual([]);
    const after = await observe();
    expect({ ...after, slackPosts: 0 }).toEqual({ ...before, slackPosts: 0 });
    expect(after.slackPosts).toBe(before.slackPosts + 1);
  });
});

describe('help', () => {
  it('answers /vmlocks help with the commands and verdicts, only to the user, and calls neither Ceph nor Nova', async () => {
    const before = await observe();
    const a = await askVmlocks(bot, slack, 'help');
    expect(a.answer.body.response_type).toBe('ephemeral');
    const shown = blocksTextOf(a.answer.body);
    expect(shown).toContain('`/vmlocks &lt;instance name or UUID&gt;`');
    expect(shown).toMatch(/STALE[\s\S]*ALIVE[\s\S]*UNKNOWN[\s\S]*UNLOCKED/);
    const after = await observe();
    expect([after.cephProcesses, after.cephCalls, after.novaCalls, after.verdicts])
      .toEqual([before.cephProcesses, before.cephCalls, before.novaCalls, before.verdicts]);
  });
});

describe('the counting itself', () => {
  it('sees the rbd and ceph processes and the Nova calls of a valid /vmlocks, so that "no call" above means none', async () => {
    const before = await observe();
    const a = await askVmlocks(bot, slack, server.name);
    timings.add({ scenario: '/vmlocks valid name (control)', ackMs: a.ackMs, answerMs: a.answerMs });
    expectSlackReport(a, { verdict: 'unlocked', name: server.name });
    const after = await observe();
    expect(after.novaCalls).toBeGreaterThan(before.novaCalls);
    expect(after.cephCalls).toBeGreaterThan(before.cephCalls);
    expect(after.inspections).toBe(before.inspections + 1);
    const started = counting.calls().slice(before.cephProcesses);
    expect(started.some((argv) => argv[0] === 'rbd' && argv.includes('lock') && argv.includes(server.disk))).toBe(true);
  });
});
