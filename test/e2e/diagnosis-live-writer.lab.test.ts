// A live writer is never reported stale, whatever Nova says (DESIGN.md §3: a matching watcher outranks everything).
// Five servers, the root disk of each locked by a live librbd writer: on compute-1 (ACTIVE), on compute-1 stopped
// (SHUTOFF), on compute-1 reset to ERROR, on compute-2, and on compute-1 with its lock moved between two live clients
// of the host (the pattern of corroboration 3, "new client on the same host"). compute-1 is then disabled, forced
// down, and killed (once), and every server is checked in each state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import { adminLocks } from '../support/ceph-admin-view.js';
import { assertCephLabUp } from '../support/ceph-lab.js';
import { cleanupScenarios, liveWriter } from '../support/ceph-scenarios.js';
import { startWriter } from '../support/ceph-writer.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { findNovaLab, startCompute, stopCompute } from '../support/nova-lab.js';
import { unreachableNovaEnv } from './support/diagnosis-broken-env.js';
import { inspectJson, onlyLock, type InspectContract } from './support/diagnosis-cli.js';
import { expectSlackReport } from './support/diagnosis-expect.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { askVmlocks } from './support/diagnosis-slack.js';
import { Timings } from './support/diagnosis-timings.js';

type Case = 'active' | 'shutoff' | 'error' | 'compute2' | 'moved';
interface Held { server: LabServer; lock: { lockId: string; locker: string; address: string } }

const timings = new Timings('live writers under every Nova state');
let slack: FakeSlackApi;
let bot: BotProcess;
let nova: NovaSetup;
const held = new Map<Case, Held>();

function get(c: Case): Held {
  const h = held.get(c);
  if (h === undefined) throw new Error(`no server for case ${c}`);
  return h;
}

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  slack = await startFakeSlackApi();
  const cases: Array<[Case, 'compute-1' | 'compute-2']> = [
    ['active', 'compute-1'], ['shutoff', 'compute-1'], ['error', 'compute-1'], ['compute2', 'compute-2'], ['moved', 'compute-1'],
  ];
  const servers = await nova.boot(cases.map(([c, host]) => ({ prefix: `e2e-live-${c}`, host })));
  const server = (c: Case): LabServer => {
    const s = servers[cases.findIndex(([k]) => k === c)];
    if (s === undefined) throw new Error(`no server booted for case ${c}`);
    return s;
  };
  expect((await nova.stop(server('shutoff'))).powerState).toBe(4);
  expect((await nova.resetToError(server('error'))).vmState).toBe('error');
  await Promise.all(cases.map(async ([c]) => {
    const s = await liveWriter({ spec: server(c).disk });
    held.set(c, { server: server(c), lock: s.lock });
  }));
  // a second live client of the same host writes to the "moved" disk: the first owner releases the lock on request
  // (librbd's cooperative exclusive lock), both stay connected, and the lock now names the second one
  const moved = server('moved');
  const mover = await startWriter(moved.disk, 'nova');
  expect((await mover.writeOutcome(60_000)).event).toBe('locked');
  const [lock, ...others] = await adminLocks(moved.disk);
  expect(others).toEqual([]);
  expect(lock?.address).toBe(mover.address);
  if (lock) held.set('moved', { server: moved, lock: { lockId: lock.id, locker: lock.locker, address: lock.address } });
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

/** `vmlocks inspect <uuid> --json` says alive, for the writer that holds the lock; returns the report. */
async function expectAlive(c: Case, state: string, env: Record<string, string> = {}): Promise<InspectContract> {
  const { server, lock } = get(c);
  const run = await inspectJson(server.id, env);
  timings.add({ scenario: `inspect ${c} (${state})`, cliMs: run.ms });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.report.verdict).toBe('alive');
  expect(onlyLock(run.report, server.disk)).toMatchObject({
    id: lock.lockId, locker: lock.locker, address: lock.address, verdict: 'alive',
    evidence: [`watcher ${lock.address} holds the lock (cookie ${lock.lockId.replace(/^auto /, '')})`],
  });
  expect(run.report.plan).toEqual([]);
  return run.report;
}

async function expectAliveInSlack(c: Case, state: string): Promise<string> {
  const { server, lock } = get(c);
  const answer = await askVmlocks(bot, slack, server.name);
  timings.add({ scenario: `/vmlocks ${c} (${state})`, ackMs: answer.ackMs, answerMs: answer.answerMs });
  return expectSlackReport(answer, {
    verdict: 'alive', name: server.name, lock: { id: lock.lockId, locker: lock.locker, address: lock.address },
    says: [`watcher ${lock.address} holds the lock`], neverSays: [/STALE/i, 'ceph osd blocklist add'],
  });
}

describe('with compute-1 up and enabled', () => {
  it('calls a live writer of an ACTIVE server alive, in Slack and in the CLI', async () => {
    await expectAliveInSlack('active', 'compute up');
    const report = await expectAlive('active', 'compute up');
    expect(report.instance).toMatchObject({ status: 'ACTIVE', powerState: 1, host: 'compute-1', hostState: 'up' });
  });

  it('calls a live writer alive when Nova says the server is SHUTOFF (power state 4)', async () => {
    const report = await expectAlive('shutoff', 'server SHUTOFF');
    expect(report.instance).toMatchObject({ status: 'SHUTOFF', vmState: 'stopped', powerState: 4 });
  });

  it('calls a live writer alive when the server was reset to ERROR', async () => {
    const report = await expectAlive('error', 'server ERROR');
    expect(report.instance).toMatchObject({ status: 'ERROR', vmState: 'error' });
  });

  it('calls a live writer alive for a server on compute-2', async () => {
    expect((await expectAlive('compute2', 'on compute-2')).instance).toMatchObject({ host: 'compute-2', hostState: 'up' });
  });

  it('calls a lock alive when it moved to a second live client of the same host, the first one still watching', async () => {
    const report = await expectAlive('moved', 'lock moved between live clients');
    expect(report.disks[0]?.watchers).toHaveLength(2);
  });

  it('calls a live writer\'s lock alive even when Nova cannot be reached, and the instance unknown, never stale', async () => {
    const broken = await unreachableNovaEnv();
    try {
      const { server, lock } = get('active');
      const run = await inspectJson(server.id, broken.env);
      timings.add({ scenario: 'inspect active (Nova unreachable)', cliMs: run.ms });
      expect(run.exitCode, run.stderr).toBe(0);
      // without Nova, attached volumes are unknown: the instance cannot be called alive as a whole
      expect(run.report.verdict).toBe('unknown');
      expect(onlyLock(run.report, server.disk)).toMatchObject({ address: lock.address, verdict: 'alive' });
      expect(run.report.instance).toMatchObject({ id: server.id, host: null, hostState: 'unknown' });
      expect(run.report.evidence?.join('\n')).toMatch(/Nova could not be asked/);
      expect(run.report.plan).toEqual([]);
    } finally {
      broken.remove();
    }
  });
});

describe('with compute-1 disabled (maintenance)', () => {
  beforeAll(async () => {
    await nova.setDisabled('compute-1', true);
    await nova.waitHostStatus(get('active').server, 'MAINTENANCE');
  });
  afterAll(async () => {
    await nova.setDisabled('compute-1', false);
  });

  it('calls the live writers of compute-1 alive', async () => {
    const reports = await Promise.all((['active', 'shutoff', 'error', 'moved'] as const).map((c) => expectAlive(c, 'compute disabled')));
    expect(reports[0]?.instance).toMatchObject({ host: 'compute-1', hostState: 'up' });
  });
});

describe('with compute-1 forced down (PUT /os-services, forced_down: true)', () => {
  beforeAll(async () => {
    await nova.setForcedDown('compute-1', true);
    await nova.waitHostStatus(get('active').server, 'DOWN');
  });
  afterAll(async () => {
    await nova.setForcedDown('compute-1', false);
    await nova.waitHostStatus(get('active').server, 'UP');
  });

  it('calls a live writer alive in Slack while its compute is forced down', async () => {
    const text = await expectAliveInSlack('active', 'compute forced down');
    expect(text).toContain('forced down');
  });

  it('calls the live writers of compute-1 alive in the CLI, the stopped and the ERROR server too', async () => {
    const reports = await Promise.all((['active', 'shutoff', 'error', 'moved'] as const).map((c) => expectAlive(c, 'compute forced down')));
    for (const r of reports) expect(r.instance.hostState).toBe('forced_down');
  });
});

describe('with compute-1 killed and reported down (host_status UNKNOWN)', () => {
  beforeAll(async () => {
    await stopCompute(nova.lab, 'compute-1');
    await nova.waitHostStatus(get('active').server, 'UNKNOWN');
  });
  afterAll(async () => {
    await startCompute(nova.lab, 'compute-1');
  });

  it('calls a live writer alive in Slack while its compute is down', async () => {
    const text = await expectAliveInSlack('active', 'compute down');
    expect(text).toContain('nova-compute *down*');
  });

  it('calls every live writer alive in the CLI: ACTIVE, SHUTOFF, ERROR, moved lock, and the server on compute-2', async () => {
    const reports = await Promise.all((['active', 'shutoff', 'error', 'moved', 'compute2'] as const).map((c) => expectAlive(c, 'compute-1 down')));
    expect(reports.map((r) => r.instance.hostState)).toEqual(['down', 'down', 'down', 'down', 'up']);
  });
});
