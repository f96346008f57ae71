// When Ceph or Nova cannot be reached, a disk in the seed's crash state — stale when both answer — is never called
// stale: the answer is `unknown` with the reason (or, for a name Nova cannot resolve, an error that says what to
// do), in Slack and in `vmlocks inspect`. Ceph is "down" through a ceph.conf whose monitor is a closed port, Nova
// through a clouds.yaml whose Keystone is a closed port; the labs themselves are untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import { assertCephLabUp } from '../support/ceph-lab.js';
import { cleanupScenarios, seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { findNovaLab } from '../support/nova-lab.js';
import { unreachableCephEnv, unreachableNovaEnv, type BrokenEnv } from './support/diagnosis-broken-env.js';
import { inspectJson, onlyLock } from './support/diagnosis-cli.js';
import { expectSlackReport } from './support/diagnosis-expect.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { askVmlocks, blocksTextOf, buttonsOf } from './support/diagnosis-slack.js';
import { Timings } from './support/diagnosis-timings.js';

const timings = new Timings('diagnosis with Ceph or Nova unreachable');
let slack: FakeSlackApi;
let nova: NovaSetup;
let server: LabServer;
let crash: SeedCrashScenario;
let noCeph: BrokenEnv;
let noNova: BrokenEnv;
let botNoCeph: BotProcess;
let botNoNova: BotProcess;

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  const [booted] = await nova.boot([{ prefix: 'e2e-unreach-crash', host: 'compute-1' }]);
  if (booted === undefined) throw new Error('no server');
  server = booted;
  crash = await seedCrash({ spec: server.disk });
  [noCeph, noNova, slack] = await Promise.all([unreachableCephEnv(), unreachableNovaEnv(), startFakeSlackApi()]);
  [botNoCeph, botNoNova] = await Promise.all([
    startBot({ slackApiUrl: slack.apiUrl, env: noCeph.env }),
    startBot({ slackApiUrl: slack.apiUrl, env: noNova.env }),
  ]);
});

afterAll(async () => {
  timings.print();
  try {
    await botNoCeph?.stop();
    await botNoNova?.stop();
    await slack?.close();
    noCeph?.remove();
    noNova?.remove();
    await cleanupScenarios();
  } finally {
    await nova?.restore();
  }
});

it('calls the seed\'s crash stale when both Ceph and Nova answer (the baseline of this file)', async () => {
  const run = await inspectJson(server.name);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.report.verdict).toBe('stale');
});

describe('with Ceph unreachable', () => {
  it('makes vmlocks inspect --json answer unknown with the reason, exit 0, and no plan', async () => {
    const run = await inspectJson(server.name, noCeph.env);
    timings.add({ scenario: 'inspect, Ceph unreachable', cliMs: run.ms });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report.verdict).toBe('unknown');
    expect(run.report.instance).toMatchObject({ id: server.id, host: 'compute-1', hostState: 'up' });
    // no disk could be listed, so none is shown, and the instance cannot be called unlocked either
    expect(run.report.disks).toEqual([]);
    expect(run.report.plan).toEqual([]);
    expect(run.report.evidence).toEqual(expect.arrayContaining([
      expect.stringMatching(/^could not list every disk: could not list pool vms: Ceph did not answer `rbd ls` within \d+ s .*Check that the monitors in CEPH_CONF are reachable/),
      expect.stringMatching(/^could not read the OSD blocklist: Ceph did not answer `ceph osd blocklist ls`/),
    ]));
  });

  it('answers unknown in Slack with the reason and Check again, never Request fix', async () => {
    const a = await askVmlocks(botNoCeph, slack, server.name);
    timings.add({ scenario: '/vmlocks, Ceph unreachable', ackMs: a.ackMs, answerMs: a.answerMs });
    expectSlackReport(a, {
      verdict: 'unknown', name: server.name,
      says: ['some facts could not be read', /could not list pool vms: Ceph did not answer `rbd ls`/], neverSays: ['ceph osd blocklist add'],
    });
  });
});

describe('with Nova unreachable', () => {
  it('makes vmlocks inspect --json answer unknown for the instance\'s UUID, the dead owner\'s lock included, with Nova\'s failure as evidence', async () => {
    const run = await inspectJson(server.id, noNova.env);
    timings.add({ scenario: 'inspect by UUID, Nova unreachable', cliMs: run.ms });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report.verdict).toBe('unknown');
    const lock = onlyLock(run.report, server.disk);
    expect(lock).toMatchObject({ address: crash.deadOwner.address, verdict: 'unknown' });
    expect(lock.evidence).toEqual(expect.arrayContaining([
      expect.stringMatching(/Nova could not be asked about the instance: Could not reach Keystone at http:\/\/127\.0\.0\.1:\d+ /),
      `no watcher has address ${crash.deadOwner.address}`,
    ]));
    expect(run.report.instance).toMatchObject({ id: server.id, host: null, hostState: 'unknown' });
    expect(run.report.plan).toEqual([]);
  });

  it('answers unknown in Slack for the UUID, with Check again', async () => {
    const a = await askVmlocks(botNoNova, slack, server.id);
    timings.add({ scenario: '/vmlocks by UUID, Nova unreachable', ackMs: a.ackMs, answerMs: a.answerMs });
    expectSlackReport(a, {
      verdict: 'unknown', name: server.id, lock: { locker: crash.deadOwner.locker, address: crash.deadOwner.address },
      says: [/Nova could not be asked/], neverSays: ['ceph osd blocklist add'],
    });
  });

  it('answers a name it cannot resolve with an error only to the user that says to try the UUID', async () => {
    const a = await askVmlocks(botNoNova, slack, server.name);
    timings.add({ scenario: '/vmlocks by name, Nova unreachable', ackMs: a.ackMs, answerMs: a.answerMs });
    expect(a.answer.body.response_type).toBe('ephemeral');
    const text = blocksTextOf(a.answer.body);
    expect(text).toContain(`Could not reach Nova to find \`${server.name}\``);
    expect(text).toMatch(/Try the instance's UUID[\s\S]*Nothing was changed/);
    expect(buttonsOf(a.answer.body)).toEqual([]);
  });
});
