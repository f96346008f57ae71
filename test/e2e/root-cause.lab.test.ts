// The root cause in the evidence (issue 9, item 4), end to end through the running bot and the CLI. Two servers on
// compute-1 (up), each as after a power loss and a restart of its VM on the same host:
// - the seed's crash: the old and new clients are client.nova-old (mon 'allow r', no `osd blocklist`), so the new
//   one cannot break the dead owner's lock; the report says so and gives the `ceph auth caps` that prevents it;
// - the same with client.nova (`profile rbd`): the new client blocklists the dead owner and breaks its lock itself,
//   so there is no stale lock and no such sentence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import { adminBlocklist, adminLocks } from '../support/ceph-admin-view.js';
import { assertCephLabUp, createImage, removeImage } from '../support/ceph-lab.js';
import { cleanupScenarios, seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { startWriter, type RbdWriter } from '../support/ceph-writer.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { findNovaLab } from '../support/nova-lab.js';
import { inspectJson, onlyLock } from './support/diagnosis-cli.js';
import { expectSlackReport } from './support/diagnosis-expect.js';
import { askVmlocks, blocksTextOf } from './support/diagnosis-slack.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';

// the lab's pools: VMLOCKS_NOVA_POOL=vms, VMLOCKS_CINDER_POOLS=volumes (bot-process.ts)
const CAPS = "ceph auth caps client.<nova or cinder user> mon 'profile rbd' osd 'profile rbd pool=vms, profile rbd pool=volumes'";
const LOCKED_OUT = /could not break the dead owner's lock itself: .* most likely lacks the "osd blocklist" mon capability/;

let slack: FakeSlackApi;
let bot: BotProcess;
let nova: NovaSetup;
let seedEra: LabServer;
let profileRbd: LabServer;
let crash: SeedCrashScenario;
let successor: RbdWriter;

/** client.nova holds the lock, dies; a new client.nova on the same host takes over once the dead watch expires. */
async function restartedWithProfileRbd(server: LabServer): Promise<RbdWriter> {
  await createImage(server.disk);
  const owner = await startWriter(server.disk, 'nova');
  if ((await owner.writeOutcome(60_000)).event !== 'locked') throw new Error('client.nova did not take the lock');
  await owner.kill('SIGKILL');
  const next = await startWriter(server.disk, 'nova');
  const outcome = await next.writeOutcome(180_000);
  if (outcome.event !== 'locked') throw new Error(`the new client.nova did not break the dead lock: ${JSON.stringify(outcome)}`);
  expect(await adminBlocklist()).toContain(owner.address);
  return next;
}

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  slack = await startFakeSlackApi();
  const [a, b] = await nova.boot([{ prefix: 'e2e-cause-nova-old', host: 'compute-1' }, { prefix: 'e2e-cause-profile-rbd', host: 'compute-1' }]);
  if (!a || !b) throw new Error('two servers expected');
  [seedEra, profileRbd] = [a, b];
  [crash, successor] = await Promise.all([seedCrash({ spec: a.disk, user: 'nova-old' }), restartedWithProfileRbd(b)]);
  bot = await startBot({ slackApiUrl: slack.apiUrl, env: { VMLOCKS_USER_COMMANDS: '100' } });
});

afterAll(async () => {
  try {
    await bot?.stop();
    await slack?.close();
    await cleanupScenarios(); // the writers first: they hold the images open
    if (profileRbd !== undefined) await removeImage(profileRbd.disk);
  } finally {
    await nova?.restore();
  }
});

describe('the root cause of a stale lock', () => {
  it('is named in Slack for the seed-era caps user, with the ceph auth caps command for the configured pools', async () => {
    const answer = await askVmlocks(bot, slack, seedEra.name);
    const text = expectSlackReport(answer, {
      verdict: 'stale', name: seedEra.name,
      lock: { id: crash.deadOwner.lockId, locker: crash.deadOwner.locker, address: crash.deadOwner.address },
      says: [`watcher ${crash.newWriter.address} on the same host (new client)`, `the new client ${crash.newWriter.address} could not break`, CAPS],
    });
    expect(text).toMatch(LOCKED_OUT);
    // the watcher's client.N is a session id, not the CephX user: the command keeps a placeholder and says why
    expect(text).toContain(`${crash.newWriter.client} in rbd status is a session id`);
  });

  it('is named in vmlocks inspect, in the stale lock\'s evidence', async () => {
    const run = await inspectJson(seedEra.name);
    expect(run.exitCode, run.stderr).toBe(0);
    const lock = onlyLock(run.report, seedEra.disk);
    expect(lock.verdict).toBe('stale');
    expect(lock.evidence).toEqual(expect.arrayContaining([expect.stringMatching(LOCKED_OUT), expect.stringContaining(CAPS)]));
  });

  it('is not there for a profile rbd user, whose new client broke the dead lock itself', async () => {
    expect(await adminLocks(profileRbd.disk)).toEqual([expect.objectContaining({ address: successor.address })]);
    const answer = await askVmlocks(bot, slack, profileRbd.name);
    expectSlackReport(answer, { verdict: 'alive', name: profileRbd.name, neverSays: [LOCKED_OUT, 'ceph auth caps'] });
    expect(blocksTextOf(answer.answer.body)).not.toContain('profile rbd');
    const run = await inspectJson(profileRbd.name);
    expect(run.report.verdict).toBe('alive');
    expect(JSON.stringify(run.report)).not.toContain('ceph auth caps');
  });
});
