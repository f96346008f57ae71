// The shipped image (scripts/container-smoke.sh builds it from the Dockerfile) run with podman against the labs,
// as an operator runs it: `vmlocks inspect` gives the same verdict as the CLI outside the container, `vmlocks
// serve` in http mode answers /healthz and a signed /vmlocks, as uid 1000; and the image holds the Ceph read path
// (rbd, ceph, the Python bindings) and nothing it must not (dev dependencies, keyrings, secrets, the build's CA).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCephLabUp } from '../support/ceph-lab.js';
import { cleanupScenarios, seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { findNovaLab } from '../support/nova-lab.js';
import { InspectContract, inspectJson } from '../e2e/support/diagnosis-cli.js';
import { NovaSetup, type LabServer } from '../e2e/support/diagnosis-nova.js';
import { IMAGE, imageConfig, operatorRunOptions, podman, type ImageConfig } from './support/podman.js';
import { startServeContainer, type ServeContainer } from './support/serve-container.js';

let nova: NovaSetup;
let server: LabServer;
let crash: SeedCrashScenario;
let image: { config: ImageConfig; size: number };

beforeAll(async () => {
  image = await imageConfig();
  console.log(`container image ${IMAGE}: ${(image.size / 1e6).toFixed(0)} MB`);
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  const [booted] = await nova.boot([{ prefix: 'container-crash', host: 'compute-1' }]);
  if (booted === undefined) throw new Error('no server');
  server = booted;
  crash = await seedCrash({ spec: server.disk });
});

afterAll(async () => {
  try {
    await cleanupScenarios();
  } finally {
    await nova?.restore();
  }
});

/** What must be the same inside and outside: the verdicts, the locks and the exact fix plan. */
function essentials(report: InspectContract) {
  return {
    instance: { id: report.instance.id, host: report.instance.host, hostState: report.instance.hostState },
    verdict: report.verdict,
    disks: report.disks.map((d) => ({
      image: d.image, objectMapInvalid: d.objectMapInvalid,
      locks: d.locks.map((l) => ({ id: l.id, locker: l.locker, address: l.address, verdict: l.verdict })),
      watchers: d.watchers.map((w) => w.address),
    })),
    plan: report.plan.map((s) => ({ step: s.step, argv: s.argv, request: s.request })),
  };
}

describe('vmlocks inspect in the container', () => {
  it('gives the seed crash the same verdict, locks and fix plan as the CLI outside the container', async () => {
    const outside = await inspectJson(server.id);
    expect(outside.report.verdict).toBe('stale');
    const { args, env } = await operatorRunOptions();
    const run = await podman(['run', '--rm', ...args, IMAGE, 'inspect', server.id, '--json'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    const inside = InspectContract.parse(JSON.parse(run.stdout));
    expect(essentials(inside)).toEqual(essentials(outside.report));
    expect(inside.disks[0]?.locks[0]?.address).toBe(crash.deadOwner.address);
  });
});

describe('vmlocks serve in the container (http mode)', () => {
  let bot: ServeContainer;
  beforeAll(async () => { bot = await startServeContainer(); });
  afterAll(async () => { await bot?.stop(); });

  it('answers /healthz on METRICS_PORT (not on PORT, the Slack port), and its HEALTHCHECK passes', async () => {
    const res = await fetch(`${bot.metricsUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    expect((await fetch(`${bot.baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).status).toBe(404);
    const health = await podman(['healthcheck', 'run', bot.name]);
    expect(health.exitCode, `${health.stdout} ${health.stderr}`).toBe(0);
  });

  it('answers a signed /vmlocks for the crashed instance with its STALE verdict', async () => {
    const answer = await bot.ask(server.name);
    expect(answer).toMatch(/STALE/);
    expect(answer).toContain(server.name);
  });

  it('runs every process as uid 1000 (node), none as root', async () => {
    const top = await podman(['top', bot.name, 'hpid', 'user', 'args']);
    expect(top.exitCode, top.stderr).toBe(0);
    const rows = top.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r[1])).toEqual(rows.map(() => 'node'));
    expect(top.stdout).toMatch(/node dist\/cli\.js serve/);
    // the kernel's view, from the host: real, effective, saved and filesystem uids of each process
    for (const [hpid] of rows) {
      expect(/^Uid:\s+(.*)$/m.exec(readFileSync(`/proc/${hpid}/status`, 'utf8'))?.[1]?.split(/\s+/)).toEqual(['1000', '1000', '1000', '1000']);
    }
  });

  it('keeps its SQLite database in the /data volume', async () => {
    const ls = await podman(['exec', bot.name, 'ls', '-ln', '/data']);
    expect(ls.exitCode, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/ 1000 +1000 .* vmlocks\.db$/m);
  });
});

describe('the image', () => {
  it('runs as the user node, in production, with a HEALTHCHECK and the OCI labels', () => {
    expect(image.config.User).toBe('node');
    expect(image.config.Env).toContain('NODE_ENV=production');
    expect(image.config.Env.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS'))).toBe(false);
    expect(image.config.Healthcheck?.Test.join(' ')).toMatch(/METRICS_PORT[\s\S]*9464[\s\S]*healthz/);
    expect(image.config.Env).toContain('METRICS_HOST=0.0.0.0');
    expect(Object.keys(image.config.ExposedPorts ?? {}).sort()).toEqual(['3000/tcp', '9464/tcp']);
    expect(image.config.Labels?.['org.opencontainers.image.title']).toBe('vmlocks');
  });

  it('has the Ceph read path: rbd, ceph and the rados/rbd Python bindings, usable by uid 1000', async () => {
    const r = await podman(['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', IMAGE, '-c',
      'id -u && rbd --version && ceph --version && python3 -c "import rados, rbd; print(rados.__file__)"']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1000\n/);
    expect(r.stdout).toMatch(/ceph version 16\.2\./);
  });
});
