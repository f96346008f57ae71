// The diagnosis end to end: four servers booted on compute-1 (pinned, as admin), the root disk of each put in one
// scenario of the Ceph lab (the seed's crash, a live writer, an owner killed long enough ago for its watch to have
// expired, no lock), then `/vmlocks <name>` signed into the running bot and `vmlocks inspect <name> --json` spawned
// as an operator would. compute-1 is killed once, half way, for the expired owner's second verdict. A fifth server,
// on compute-2, stands for an evacuated one: its disk's dead owner came from 127.0.0.1, compute-1's host_ip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import { assertCephLabUp } from '../support/ceph-lab.js';
import {
  cleanupScenarios, expiredDeadOwner, liveWriter, seedCrash, unlockedImage,
  type ExpiredOwnerScenario, type LiveWriterScenario, type SeedCrashScenario,
} from '../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { findNovaLab, startCompute, stopCompute } from '../support/nova-lab.js';
import { inspectJson, onlyLock, type InspectContract } from './support/diagnosis-cli.js';
import { expectedPlanSteps, expectSlackReport } from './support/diagnosis-expect.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { askVmlocks, type SlashAnswer } from './support/diagnosis-slack.js';
import { Timings } from './support/diagnosis-timings.js';

const timings = new Timings('diagnosis of four servers on compute-1 (ack = slash command HTTP answer, answer = report on response_url)');
let slack: FakeSlackApi;
let bot: BotProcess;
let nova: NovaSetup;
let servers: { crash: LabServer; live: LabServer; expired: LabServer; unlocked: LabServer; evacuated: LabServer };
let crash: SeedCrashScenario;
let live: LiveWriterScenario;
let expired: ExpiredOwnerScenario;
let evacuated: ExpiredOwnerScenario;

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  slack = await startFakeSlackApi();
  const [a, b, c, d, e] = await nova.boot([
    ...['crash', 'live', 'expired', 'unlocked'].map((k) => ({ prefix: `e2e-diag-${k}`, host: 'compute-1' as const })),
    { prefix: 'e2e-diag-evacuated', host: 'compute-2' as const },
  ]);
  if (!a || !b || !c || !d || !e) throw new Error('five servers expected');
  servers = { crash: a, live: b, expired: c, unlocked: d, evacuated: e };
  [crash, live, expired, , evacuated] = await Promise.all([
    seedCrash({ spec: a.disk }), liveWriter({ spec: b.disk }), expiredDeadOwner({ spec: c.disk }), unlockedImage({ spec: d.disk }),
    expiredDeadOwner({ spec: e.disk }),
  ]);
  bot = await startBot({ slackApiUrl: slack.apiUrl, env: { VMLOCKS_USER_COMMANDS: '100' } });
});

afterAll(async () => {
  timings.print();
  try {
    await bot?.stop();
    await slack?.close();
    await cleanupScenarios();
  } finally {
    await nova?.restore();
  }
});

async function ask(scenario: string, server: LabServer): Promise<SlashAnswer> {
  const answer = await askVmlocks(bot, slack, server.name);
  timings.add({ scenario: `/vmlocks ${scenario}`, ackMs: answer.ackMs, answerMs: answer.answerMs });
  return answer;
}

async function inspect(scenario: string, server: LabServer): Promise<InspectContract> {
  const run = await inspectJson(server.name);
  timings.add({ scenario: `inspect ${scenario}`, cliMs: run.ms });
  expect(run.exitCode, run.stderr).toBe(0);
  return run.report;
}

function expectInstance(report: InspectContract, server: LabServer, hostState: string): void {
  expect(report.instance).toEqual({
    id: server.id, name: server.name, status: 'ACTIVE', vmState: 'active', powerState: 1, host: 'compute-1', hostState,
  });
  expect(report.disks.map((d) => d.image)).toEqual([server.disk]);
}

describe('with compute-1 up', () => {
  it('reports the seed\'s crash as stale in Slack, naming the dead owner\'s lock, the new client that replaced it, and offering only Request fix', async () => {
    const a = await ask('seed crash (compute up)', servers.crash);
    const text = expectSlackReport(a, {
      verdict: 'stale', name: servers.crash.name,
      lock: { id: crash.deadOwner.lockId, locker: crash.deadOwner.locker, address: crash.deadOwner.address },
      says: [
        `no watcher has address ${crash.deadOwner.address}`,
        `watcher ${crash.newWriter.address} on the same host (new client)`,
        `ceph osd blocklist add ${crash.deadOwner.address}`,
      ],
    });
    expect(text).toMatch(new RegExp(`rbd lock rm ${servers.crash.disk} '${crash.deadOwner.lockId}' ${crash.deadOwner.locker}`));
    // the "Checking…" note came first, only to the user
    expect(a.posts[0]?.body.response_type).toBe('ephemeral');
  });

  it('gives the same stale verdict in vmlocks inspect --json, with the exact fence and break commands of the seed', async () => {
    const report = await inspect('seed crash (compute up)', servers.crash);
    expect(report.verdict).toBe('stale');
    expectInstance(report, servers.crash, 'up');
    const lock = onlyLock(report, servers.crash.disk);
    expect(lock).toMatchObject({ id: crash.deadOwner.lockId, locker: crash.deadOwner.locker, address: crash.deadOwner.address, verdict: 'stale' });
    expect(lock.evidence).toContain(`watcher ${crash.newWriter.address} on the same host (new client)`);
    const [disk] = report.disks;
    expect(disk?.watchers.map((w) => w.address)).toEqual([crash.newWriter.address]);
    expect(disk?.watchers[0]?.client.replace(/^client\./, '')).toBe(crash.newWriter.client.replace(/^client\./, ''));
    expect(report.plan.map((s) => s.step)).toEqual(expectedPlanSteps(report, 1));
    expect(report.plan.find((s) => s.step === 'fence')?.argv).toEqual(['ceph', 'osd', 'blocklist', 'add', crash.deadOwner.address, '604800']);
    expect(report.plan.find((s) => s.step === 'break')?.argv)
      .toEqual(['rbd', 'lock', 'rm', servers.crash.disk, crash.deadOwner.lockId, crash.deadOwner.locker]);
    expect(report.plan.find((s) => s.step === 'reboot')?.request)
      .toEqual({ method: 'POST', path: `/servers/${servers.crash.id}/action`, body: { reboot: { type: 'HARD' } } });
  });

  it('reports a live writer as alive in Slack and in the CLI, with the watcher that holds its lock, and offers no button', async () => {
    const a = await ask('live writer (compute up)', servers.live);
    const holds = `watcher ${live.lock.address} holds the lock (cookie ${live.lock.lockId.replace(/^auto /, '')})`;
    expectSlackReport(a, { verdict: 'alive', name: servers.live.name, lock: { id: live.lock.lockId, locker: live.lock.locker, address: live.lock.address }, says: [holds] });
    const report = await inspect('live writer (compute up)', servers.live);
    expect(report.verdict).toBe('alive');
    expectInstance(report, servers.live, 'up');
    expect(onlyLock(report, servers.live.disk)).toEqual({
      id: live.lock.lockId, locker: live.lock.locker, address: live.lock.address, verdict: 'alive', evidence: [holds],
    });
    expect(report.plan).toEqual([]);
  });

  it('calls an expired owner unknown while Nova says compute-1 is up: Check again, never the fix', async () => {
    const a = await ask('expired owner (compute up)', servers.expired);
    expectSlackReport(a, {
      verdict: 'unknown', name: servers.expired.name,
      lock: { locker: expired.deadOwner.locker, address: expired.deadOwner.address },
      says: [`no watcher has address ${expired.deadOwner.address}`, /nothing corroborates that the owner is dead \([^)]*compute-1 nova-compute is up/],
      neverSays: ['ceph osd blocklist add'],
    });
    const report = await inspect('expired owner (compute up)', servers.expired);
    expect(report.verdict).toBe('unknown');
    expect(onlyLock(report, servers.expired.disk)).toMatchObject({ verdict: 'unknown', address: expired.deadOwner.address });
    expect(report.plan).toEqual([]);
  });

  it('calls the evacuated server\'s dead owner unknown while its own host, compute-1, is up', async () => {
    const report = await inspect('evacuated (owner host up)', servers.evacuated);
    expect(report.verdict).toBe('unknown');
    expect(report.instance).toMatchObject({ host: 'compute-2', hostState: 'up' });
    expect(onlyLock(report, servers.evacuated.disk).evidence.join(' ')).toContain(`the owner's IP 127.0.0.1 is compute-1's, which is up in Nova`);
    expect(report.plan).toEqual([]);
  });

  it('reports a disk without a lock as unlocked in Slack and in the CLI', async () => {
    const a = await ask('no lock', servers.unlocked);
    expectSlackReport(a, { verdict: 'unlocked', name: servers.unlocked.name, says: [`no lock on 1 disk: ${servers.unlocked.disk}`] });
    const report = await inspect('no lock', servers.unlocked);
    expect(report.verdict).toBe('unlocked');
    expectInstance(report, servers.unlocked, 'up');
    expect(report.disks[0]).toMatchObject({ locks: [], watchers: [] });
    expect(report.plan).toEqual([]);
  });
});

describe('with compute-1 killed and reported down by Nova', () => {
  beforeAll(async () => {
    await stopCompute(nova.lab, 'compute-1');
    await nova.waitHostStatus(servers.expired, 'UNKNOWN');
  });
  afterAll(async () => {
    await startCompute(nova.lab, 'compute-1');
  });

  it('reports the expired owner as stale, citing the down compute and its host_status, with Request fix', async () => {
    const a = await ask('expired owner (compute down)', servers.expired);
    expectSlackReport(a, {
      verdict: 'stale', name: servers.expired.name,
      lock: { id: expired.deadOwner.lockId, locker: expired.deadOwner.locker, address: expired.deadOwner.address },
      says: [
        `no watcher has address ${expired.deadOwner.address}`, /compute-1 nova-compute is down since /, 'host_status is UNKNOWN',
        `ceph osd blocklist add ${expired.deadOwner.address}`,
      ],
    });
  });

  it('gives stale, alive, stale and unlocked in vmlocks inspect --json, the stale ones with the down compute as evidence', async () => {
    const [c, b, a, d] = await Promise.all([
      inspect('expired owner (compute down)', servers.expired), inspect('live writer (compute down)', servers.live),
      inspect('seed crash (compute down)', servers.crash), inspect('no lock (compute down)', servers.unlocked),
    ]);
    expect([a.verdict, b.verdict, c.verdict, d.verdict]).toEqual(['stale', 'alive', 'stale', 'unlocked']);
    expectInstance(c, servers.expired, 'down');
    const lock = onlyLock(c, servers.expired.disk);
    expect(lock).toMatchObject({ id: expired.deadOwner.lockId, locker: expired.deadOwner.locker, address: expired.deadOwner.address, verdict: 'stale' });
    expect(lock.evidence).toEqual(expect.arrayContaining([
      `no watcher has address ${expired.deadOwner.address}`, expect.stringMatching(/^compute-1 nova-compute is down since /), 'host_status is UNKNOWN',
    ]));
    expect(c.plan.map((s) => s.step)).toEqual(expectedPlanSteps(c, 1));
    expect(c.plan.find((s) => s.step === 'fence')?.argv).toEqual(['ceph', 'osd', 'blocklist', 'add', expired.deadOwner.address, '604800']);
    // never a reboot into the dead host: the expired owner's server is evacuated; the seed crash's is not restarted
    // at all, because its new client (a VM still running on compute-1) watches the disk
    expect(c.plan.find((s) => s.step === 'evacuate')?.request).toEqual({ method: 'POST', path: `/servers/${servers.expired.id}/action`, body: { evacuate: {} } });
    expect(a.plan.map((s) => s.step)).not.toContain('reboot');
    expect(a.plan.map((s) => s.step)).not.toContain('evacuate');
    expect(JSON.stringify(a.plan.at(-1))).toMatch(/No restart: compute-1 is down in Nova, but client\.\d+ at .* still watches/);
    expect(c.plan.find((s) => s.step === 'break')?.argv)
      .toEqual(['rbd', 'lock', 'rm', servers.expired.disk, expired.deadOwner.lockId, expired.deadOwner.locker]);
    expect(onlyLock(a, servers.crash.disk).evidence).toEqual(expect.arrayContaining([
      `watcher ${crash.newWriter.address} on the same host (new client)`, 'host_status is UNKNOWN',
    ]));
    expect(onlyLock(b, servers.live.disk)).toMatchObject({ verdict: 'alive', address: live.lock.address });
    expect(b.plan).toEqual([]);
  });

  it('reports the evacuated server stale in Slack and the CLI: its lock\'s owner ran on compute-1, which is down, though it runs on compute-2', async () => {
    const a = await ask('evacuated (owner host down)', servers.evacuated);
    const ownerHostDown = "the owner's IP 127.0.0.1 is the host_ip of compute-1, whose nova-compute is down";
    expectSlackReport(a, {
      verdict: 'stale', name: servers.evacuated.name,
      lock: { id: evacuated.deadOwner.lockId, locker: evacuated.deadOwner.locker, address: evacuated.deadOwner.address },
      says: [`no watcher has address ${evacuated.deadOwner.address}`, ownerHostDown, `ceph osd blocklist add ${evacuated.deadOwner.address}`],
    });
    const report = await inspect('evacuated (owner host down)', servers.evacuated);
    expect(report.verdict).toBe('stale');
    expect(report.instance).toMatchObject({ host: 'compute-2', hostState: 'up' });
    expect(onlyLock(report, servers.evacuated.disk).evidence).toEqual([`no watcher has address ${evacuated.deadOwner.address}`, ownerHostDown]);
    expect(report.plan.find((s) => s.step === 'break')?.argv)
      .toEqual(['rbd', 'lock', 'rm', servers.evacuated.disk, evacuated.deadOwner.lockId, evacuated.deadOwner.locker]);
  });
});
