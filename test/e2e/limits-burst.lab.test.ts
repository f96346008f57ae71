// A burst of /vmlocks commands against the running bot on the real labs: every command is acked and answered
// (a report, or the per-user limit's "try again"), and the shared Ceph limiter never lets more than
// VMLOCKS_CEPH_CONCURRENCY rbd/ceph processes run at once, counted by wrappers in front of the real CLIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { sendSlackRequest, sendTogether } from '../support/sign-slack-request.js';
import { createCountingCli, type CountingCli } from './support/limits-counting-cli.js';
import { createLabServers, type LabServer, type LabServers } from './support/limits-lab-servers.js';
import {
  RATE_LIMIT_ANSWER, answerText, commandRequest, finalAnswer, isProgress, limitHits,
} from './support/limits-slack.js';

const CEPH_CONCURRENCY = 4;
const USER_COMMANDS = 10;
/** Four users send 12 commands each (2 over the per-user limit), two send one each: 50 in all. */
const HEAVY_USERS = ['U0HEAVY001', 'U0HEAVY002', 'U0HEAVY003', 'U0HEAVY004'];
const LIGHT_USERS = ['U0LIGHT001', 'U0LIGHT002'];
const PER_HEAVY_USER = 12;

interface Target { server: LabServer; verdict: 'STALE' | 'ALIVE' | 'UNLOCKED' }

describe('a burst of commands against the running bot', () => {
  let slack: FakeSlackApi;
  let bot: BotProcess;
  let cli: CountingCli;
  let lab: LabServers;
  let targets: Target[];

  beforeAll(async () => {
    cli = createCountingCli();
    slack = await startFakeSlackApi();
    lab = await createLabServers();
    const [crashed, live, ...unlocked] = await lab.boot('limits-burst', 4);
    if (crashed === undefined || live === undefined) throw new Error('boot gave fewer servers than asked');
    await Promise.all([lab.crashLikeTheSeed(crashed), lab.holdByLiveWriter(live)]);
    targets = [
      { server: crashed, verdict: 'STALE' },
      { server: live, verdict: 'ALIVE' },
      ...unlocked.map((server) => ({ server, verdict: 'UNLOCKED' as const })),
    ];
    bot = await startBot({
      slackApiUrl: slack.apiUrl,
      env: {
        PATH: cli.pathEnv,
        // The limiter is measured at the process boundary: reads through the CLIs, one process per Ceph call.
        VMLOCKS_CEPH_READS: 'cli',
        // only operators may run /vmlocks (issue 11)
        VMLOCKS_OPERATORS: [...HEAVY_USERS, ...LIGHT_USERS, 'U0SOLO0001', 'U0OTHER002'].join(','),
        VMLOCKS_CEPH_CONCURRENCY: String(CEPH_CONCURRENCY),
        VMLOCKS_USER_COMMANDS: String(USER_COMMANDS),
        VMLOCKS_USER_COMMANDS_WINDOW: '1m',
      },
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await lab?.cleanup();
    cli?.remove();
  });

  it('acks and answers all 50 simultaneous commands while never running more than 4 rbd/ceph processes at once', async () => {
    const plan = [
      ...HEAVY_USERS.flatMap((user) => Array.from({ length: PER_HEAVY_USER }, () => user)),
      ...LIGHT_USERS,
    ].map((user, i) => {
      const target = targets[i % targets.length] as Target;
      // by name and by UUID, as engineers type them
      return { user, target, id: `burst-${i}`, text: i % 2 === 0 ? target.server.name : target.server.id };
    });
    expect(plan).toHaveLength(50);

    const t0 = Date.now();
    const acks = await sendTogether(plan.map((p) => commandRequest(bot, slack, p)), 10_000);
    expect(acks.map((a) => a.status)).toEqual(plan.map(() => 200));
    const answered = await Promise.all(plan.map(async (p) => {
      const answer = await finalAnswer(slack, p.id, 150_000);
      return { ...p, text: answerText(answer), at: answer.at };
    }));
    const allAnsweredMs = Math.max(...answered.map((a) => a.at)) - t0;

    const limited = answered.filter((a) => RATE_LIMIT_ANSWER.test(a.text));
    for (const user of HEAVY_USERS) expect(limited.filter((a) => a.user === user)).toHaveLength(PER_HEAVY_USER - USER_COMMANDS);
    expect(limited.filter((a) => LIGHT_USERS.includes(a.user))).toEqual([]);
    for (const a of answered.filter((x) => !limited.includes(x))) {
      // a real report of the right server, with the verdict its disk's state calls for
      expect(a.text, a.id).toMatch(new RegExp(`^${a.target.verdict}: \`${a.target.server.name}\``));
    }
    // Nothing is answered twice: one final answer per command.
    for (const p of plan) expect(slack.responses.filter((r) => r.id === p.id && !isProgress(r)), p.id).toHaveLength(1);

    const calls = cli.calls();
    const peak = cli.peak();
    console.log(`[limits] 50 commands: ${limited.length} rate-limited, ${calls.length} rbd/ceph processes, ` +
      `peak ${peak} at once (limit ${CEPH_CONCURRENCY}), all answered in ${allAnsweredMs} ms`);
    expect(calls.length).toBeGreaterThanOrEqual(50 - limited.length);
    expect(peak).toBeLessThanOrEqual(CEPH_CONCURRENCY);
    // the wrappers saw calls overlap: not a serial run that respects any bound trivially
    expect(peak).toBeGreaterThan(1);
    expect(await limitHits(bot, 'ceph_queue')).toBeGreaterThan(0);
    expect(await limitHits(bot, 'user_commands')).toBe(limited.length);
  });

  it("refuses a user's eleventh command in the window with a plausible 'try again in N s', and leaves another user unaffected", async () => {
    const [unlocked] = targets.filter((t) => t.verdict === 'UNLOCKED');
    if (unlocked === undefined) throw new Error('no unlocked server');
    const user = 'U0SOLO0001';
    const hitsBefore = await limitHits(bot, 'user_commands');
    const t0 = Date.now();
    const first = Array.from({ length: USER_COMMANDS }, (_, i) => ({ user, text: unlocked.server.name, id: `solo-${i}` }));
    const acks = await sendTogether(first.map((f) => commandRequest(bot, slack, f)));
    expect(acks.every((a) => a.status === 200)).toBe(true);
    const answers = await Promise.all(first.map((f) => finalAnswer(slack, f.id)));
    for (const a of answers) expect(answerText(a)).toMatch(new RegExp(`^UNLOCKED: \`${unlocked.server.name}\``));

    const eleventh = await sendSlackRequest(commandRequest(bot, slack, { user, text: unlocked.server.name, id: 'solo-10' }));
    expect(eleventh.status).toBe(200);
    const refusal = await finalAnswer(slack, 'solo-10', 15_000);
    expect(refusal.body.response_type).toBe('ephemeral');
    const seconds = Number(RATE_LIMIT_ANSWER.exec(answerText(refusal))?.[1]);
    // the window opened at the first command: the wait left is at most a minute, and not less than what remains of it
    const elapsedSec = (refusal.at - t0) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(Math.floor(60 - elapsedSec) - 1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(answerText(refusal)).toContain(`${USER_COMMANDS} commands`);
    // refused before any work: no "Checking" for the eleventh
    expect(slack.responses.filter((r) => r.id === 'solo-10')).toHaveLength(1);
    expect(await limitHits(bot, 'user_commands')).toBe(hitsBefore + 1);

    const other = await sendSlackRequest(commandRequest(bot, slack, { user: 'U0OTHER002', text: unlocked.server.name, id: 'other-0' }));
    expect(other.status).toBe(200);
    expect(answerText(await finalAnswer(slack, 'other-0'))).toMatch(new RegExp(`^UNLOCKED: \`${unlocked.server.name}\``));
    expect(await limitHits(bot, 'user_commands')).toBe(hitsBefore + 1);
  });
});
