/**
 * `npm run bench`: performance on the real labs, as ratios against baselines measured in the same run (the manual
 * runbook, the bot's own Nova calls, the sequential CLI-per-call loop). Needs the labs up (`npm run lab:up`) and
 * dist/ built (the script builds it). Prints tables and writes bench/results/latest.json.
 * BENCH_ONLY=host runs only the host-view row (24 instances on one host by default: BENCH_HOST_EXTRA more servers),
 * BENCH_ONLY=many only the 48-diagnoses rows.
 * BENCH_REPS (default 5) sets the repetitions, BENCH_SOAK (default 10000) the diagnoses of the memory soak (Nova's
 * answers replayed, see replay-nova.ts; BENCH_SOAK_NOVA=lab for the lab's Nova).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/adapters/observability/logger.js';
import { createMetrics } from '../src/adapters/observability/metrics.js';
import { buildPorts, type OutboundPorts } from '../src/build-ports.js';
import { loadBaseConfig, type BaseConfig } from '../src/config.js';
import { createInspectService } from '../src/services/inspect-instance.js';
import { CLI, labEnv, startBot } from '../test/support/bot-process.js';
import { startFakeSlackApi } from '../test/support/fake-slack-api.js';
import { benchDiagnose, refOf } from './diagnose.js';
import { benchManyRows, type ManyServices } from './many.js';
import { benchHostView } from './host-view.js';
import { setUpServers, type BenchFixtures } from './fixtures.js';
import { printBars, printRows, printSlack, printSoak } from './print.js';
import { benchSlack } from './slack-path.js';
import { replayNova } from './replay-nova.js';
import { point, soak } from './soak.js';

const reps = Number(process.env.BENCH_REPS ?? 5);
const soakTotal = Number(process.env.BENCH_SOAK ?? 10_000);
const hostExtra = Number(process.env.BENCH_HOST_EXTRA ?? 16);

function serviceOf(cfg: BaseConfig, ports: OutboundPorts) {
  return createInspectService({ ...ports, novaPool: cfg.novaPool, cinderPools: cfg.cinderPools, clock: { now: () => new Date() } });
}

async function main(): Promise<void> {
  const env = { ...process.env, ...labEnv() } as Record<string, string>;
  const loaded = loadBaseConfig(env);
  if (!loaded.ok) throw new Error(loaded.error);
  const cfg = loaded.value;
  const cliCfg: BaseConfig = { ...cfg, ceph: { ...cfg.ceph, reads: 'cli' } };
  const [libradosPorts, cliPorts, novaPorts] = await Promise.all([
    buildPorts(cfg, createMetrics()), buildPorts(cliCfg, createMetrics()), buildPorts(cliCfg, createMetrics()),
  ]);
  const services: ManyServices = {
    librados: serviceOf(cfg, libradosPorts), cli: serviceOf(cliCfg, cliPorts),
    withNova: (nova) => ({ librados: serviceOf(cfg, { ...libradosPorts, nova }), cli: serviceOf(cliCfg, { ...cliPorts, nova }) }),
  };
  console.log('setting up 8 servers with disks in the incident\'s lock states…');
  const fixtures = await setUpServers(8);
  const results: Record<string, unknown> = { at: new Date().toISOString(), reps };
  let hostFixtures: BenchFixtures | undefined;
  try {
    // the benchmark's servers are on compute-2; more there make a host with many instances
    if (process.env.BENCH_ONLY === 'many') {
      Object.assign(results, { diagnoseMany: await benchMany() });
    } else {
      console.log(`adding ${hostExtra} servers to compute-2 for the host view…`);
      const host = await benchHostView(services.librados, 'compute-2', hostExtra, reps);
      hostFixtures = host.fixtures;
      printRows(`A whole host: the host view of ${host.instances} instances against a sequential loop`, host.rows, 0);
      Object.assign(results, { hostView: host.rows });
      if (process.env.BENCH_ONLY !== 'host') await benchTheRest();
    }
  } finally {
    await hostFixtures?.lab.admin.deleteServers(hostFixtures.servers.map((x) => x.id));
    await fixtures.teardown();
    await Promise.all([libradosPorts.close(), cliPorts.close(), novaPorts.close()]);
  }
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten: bench/results/latest.json`);

  async function benchMany() {
    const many = await benchManyRows(fixtures.servers, services, novaPorts.nova);
    printRows('Diagnosing 48 instances, the lab\'s Nova', [...many.lab, many.novaAlone], 0);
    printRows('Diagnosing 48 instances, Nova\'s answers replayed (the Ceph read path alone)', many.replayed, 0);
    return many;
  }

  async function benchTheRest(): Promise<void> {
    const seed = fixtures.servers.find((s) => s.state === 'seed_crash') ?? fixtures.servers[0];
    if (seed === undefined) throw new Error('no server');
    const t0 = performance.now();
    const one = await benchDiagnose(seed, env, services, novaPorts.nova, CLI, reps);
    const idle = point(0, t0);
    printRows('Diagnosing one instance (the seed\'s crash)', one, 0);
    const many = await benchMany();
    const soakNova = process.env.BENCH_SOAK_NOVA === 'lab' ? libradosPorts.nova : await replayNova(libradosPorts.nova, fixtures.servers.map((s) => refOf(s.name)));
    const soakService = serviceOf(cfg, { ...libradosPorts, nova: soakNova });
    const rss = await soak(soakService, fixtures.servers, soakTotal, Math.max(48, Math.round(soakTotal / 48 / 4) * 48));
    printSoak(idle, rss);
    const bars = printBars(one, many, idle, rss);
    Object.assign(results, { diagnoseOne: one, diagnoseMany: many, rssIdle: idle, rss, bars });
    const slack = await startFakeSlackApi();
    // the Slack path's users (slack-path.ts) are operators: otherwise every command is refused at once, not diagnosed
    const operators = Array.from({ length: 50 }, (_, i) => `U0BENCH${String(i).padStart(4, '0')}`).join(',');
    const bot = await startBot({ slackApiUrl: slack.apiUrl, env: { LOG_LEVEL: 'warn', VMLOCKS_OPERATORS: operators } });
    try {
      const slackRows = await benchSlack(bot, slack, fixtures.servers);
      printSlack(slackRows);
      Object.assign(results, { slack: slackRows });
    } finally {
      await bot.stop();
      await slack.close();
    }
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  createLogger({ destination: process.stderr }).error({ err: e }, 'bench failed');
  process.exit(1);
});
