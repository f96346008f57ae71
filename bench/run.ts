/**
 * `npm run bench`: performance on the real labs, as ratios against baselines measured in the same run
 * (the manual runbook, a sequential loop). Needs the labs up (`npm run lab:up`) and dist/ built (the script
 * builds it). Prints a table and writes bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/adapters/observability/logger.js';
import { createMetrics } from '../src/adapters/observability/metrics.js';
import { buildPorts } from '../src/build-ports.js';
import { loadBaseConfig } from '../src/config.js';
import { createInspectService } from '../src/services/inspect-instance.js';
import { CLI, labEnv, startBot } from '../test/support/bot-process.js';
import { startFakeSlackApi } from '../test/support/fake-slack-api.js';
import { benchDiagnose, benchMany, type Row } from './diagnose.js';
import { setUpServers } from './fixtures.js';
import { benchSlack, type SlackRow } from './slack-path.js';
import { ms, ratio } from './stats.js';

const reps = Number(process.env.BENCH_REPS ?? 5);

function printRows(title: string, rows: Row[], baseline: Row): void {
  console.log(`\n### ${title}\n| what | runs | p50 | p95 | vs ${baseline.name} (p50) |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.name} | ${r.runs} | ${ms(r.p50)} | ${ms(r.p95)} | ${r === baseline ? 'baseline' : `${ratio(baseline.p50, r.p50)} faster`} |`);
}

function printSlack(rows: SlackRow[]): void {
  console.log('\n### Slack path (signed HTTP into the bot process, fake Slack Web API answering in ~100 ms)\n| what | n | ack p50 | ack p95 | answer p50 | answer p95 | all answered |\n|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.n} | ${ms(r.ackP50)} | ${ms(r.ackP95)} | ${ms(r.answerP50)} | ${ms(r.answerP95)} | ${ms(r.allAnsweredMs)} |`);
  const [one, many] = rows;
  if (one && many) console.log(`\n50 at once answered in ${ms(many.allAnsweredMs)}; the same 50 one at a time would take ~${ms(one.answerP50 * 50)} (${ratio(one.answerP50 * 50, many.allAnsweredMs)}).`);
}

async function main(): Promise<void> {
  const env = { ...process.env, ...labEnv() } as Record<string, string>;
  const cfg = loadBaseConfig(env);
  if (!cfg.ok) throw new Error(cfg.error);
  const metrics = createMetrics();
  const ports = await buildPorts(cfg.value, metrics);
  const service = createInspectService({ ...ports, novaPool: cfg.value.novaPool, cinderPools: cfg.value.cinderPools, clock: { now: () => new Date() }, metrics });
  console.log('setting up 8 servers with disks in the incident\'s lock states…');
  const fixtures = await setUpServers(8);
  const results: Record<string, unknown> = { at: new Date().toISOString(), reps };
  try {
    const seed = fixtures.servers.find((s) => s.state === 'seed_crash') ?? fixtures.servers[0];
    if (seed === undefined) throw new Error('no server');
    const one = await benchDiagnose(seed, env, service, CLI, reps);
    printRows('Diagnosing one instance (the seed\'s crash)', one, one[0] as Row);
    const many = await benchMany(fixtures.servers, service, 48);
    printRows('Diagnosing 48 instances', many, many[0] as Row);
    const slack = await startFakeSlackApi();
    const bot = await startBot({ slackApiUrl: slack.apiUrl, env: { LOG_LEVEL: 'warn' } });
    try {
      const slackRows = await benchSlack(bot, slack, fixtures.servers);
      printSlack(slackRows);
      Object.assign(results, { diagnoseOne: one, diagnoseMany: many, slack: slackRows });
    } finally {
      await bot.stop();
      await slack.close();
    }
  } finally {
    await fixtures.teardown();
  }
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten: bench/results/latest.json`);
}

main().then(() => process.exit(0), (e: unknown) => {
  createLogger({ destination: process.stderr }).error({ err: e }, 'bench failed');
  process.exit(1);
});
