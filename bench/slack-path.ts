/**
 * The Slack path through the real bot process: the ack (HTTP answer to the signed slash command, Slack wants it
 * within 3 s) and the answer (the report posted to response_url), one at a time and 50 at once.
 */
import { SIGNING_SECRET, type BotProcess } from '../test/support/bot-process.js';
import type { FakeSlackApi } from '../test/support/fake-slack-api.js';
import { prepareSlackRequest, sendSlackRequest, sendTogether, slashCommandBody } from '../test/support/sign-slack-request.js';
import { median, quantile } from './stats.js';
import type { BenchServer } from './fixtures.js';

export interface SlackRow { name: string; n: number; ackP50: number; ackP95: number; answerP50: number; answerP95: number; allAnsweredMs: number }

let seq = 0;

function isReport(body: Record<string, unknown>): boolean {
  const text = JSON.stringify(body);
  return !text.includes('Checking') && (body.replace_original !== undefined || body.response_type !== undefined || 'blocks' in body);
}

async function oneRound(bot: BotProcess, slack: FakeSlackApi, servers: BenchServer[], n: number, together: boolean): Promise<{ acks: number[]; answers: number[]; allMs: number }> {
  const ids = Array.from({ length: n }, () => `bench-${++seq}`);
  // distinct users: the per-user limit (10 a minute) is not what is measured here
  const reqs = ids.map((id, i) => prepareSlackRequest(bot.eventsUrl, slashCommandBody({
    text: servers[i % servers.length]?.name ?? '', userId: `U0BENCH${String(i).padStart(4, '0')}`, responseUrl: slack.responseUrl(id),
  }), { signingSecret: SIGNING_SECRET }));
  const acks: number[] = [];
  const answers: number[] = [];
  const t0 = performance.now();
  const starts: number[] = [];
  if (together) {
    // sendTogether gives no per-request time: every ack counts as the time until the last one arrived
    const s = performance.now();
    ids.forEach(() => starts.push(s));
    const res = await sendTogether(reqs, 30_000);
    const all = performance.now() - s;
    if (res.some((r) => r.status !== 200)) throw new Error(`not every command was acked: ${res.map((r) => r.status).join(',')}`);
    res.forEach(() => acks.push(all));
  } else {
    for (const [i, req] of reqs.entries()) {
      const s = performance.now();
      starts.push(s);
      await sendSlackRequest(req, 30_000);
      acks.push(performance.now() - s);
      await slack.waitForResponse((r) => r.id === ids[i] && isReport(r.body), 60_000);
    }
  }
  await Promise.all(ids.map(async (id, i) => {
    const r = await slack.waitForResponse((x) => x.id === id && isReport(x.body), 120_000);
    answers.push(r.at - (performance.timeOrigin + (starts[i] ?? t0)));
  }));
  return { acks, answers, allMs: performance.now() - t0 };
}

export async function benchSlack(bot: BotProcess, slack: FakeSlackApi, servers: BenchServer[]): Promise<SlackRow[]> {
  await oneRound(bot, slack, servers, 2, false); // warm-up
  const rows: SlackRow[] = [];
  for (const [name, n, together] of [['one at a time', 20, false], ['50 at the same instant', 50, true]] as const) {
    const r = await oneRound(bot, slack, servers, n, together);
    rows.push({
      name, n, ackP50: median(r.acks), ackP95: quantile(r.acks, 0.95),
      answerP50: median(r.answers), answerP95: quantile(r.answers, 0.95), allAnsweredMs: r.allMs,
    });
  }
  return rows;
}
