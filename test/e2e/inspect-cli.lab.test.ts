// `vmlocks inspect` as an operator runs it (node dist/cli.js, the labs' least-privilege users): the readable report,
// and the exit codes of DESIGN.md §6 — 0 when inspected (any verdict), 2 for bad input or not found, 1 for errors.
// Bad input starts no `rbd`/`ceph` at all: counting wrappers first on the CLI's PATH prove it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminLocks } from '../support/ceph-admin-view.js';
import { assertCephLabUp } from '../support/ceph-lab.js';
import { cleanupScenarios, seedCrash, type SeedCrashScenario } from '../support/ceph-scenarios.js';
import { findNovaLab } from '../support/nova-lab.js';
import { unreachableNovaEnv } from './support/diagnosis-broken-env.js';
import { runCli } from './support/diagnosis-cli.js';
import { createCountingPath, type CountingPath } from './support/diagnosis-counting-path.js';
import { NovaSetup, type LabServer } from './support/diagnosis-nova.js';
import { Timings } from './support/diagnosis-timings.js';

const timings = new Timings('vmlocks inspect (wall time of the whole CLI process)');
let nova: NovaSetup;
let server: LabServer;
let crash: SeedCrashScenario;
let counting: CountingPath;

beforeAll(async () => {
  await assertCephLabUp();
  nova = new NovaSetup(await findNovaLab());
  const [booted] = await nova.boot([{ prefix: 'e2e-cli-crash', host: 'compute-1' }]);
  if (booted === undefined) throw new Error('no server');
  server = booted;
  crash = await seedCrash({ spec: server.disk });
  counting = createCountingPath();
});

afterAll(async () => {
  timings.print();
  try {
    counting?.remove();
    await cleanupScenarios();
  } finally {
    await nova?.restore();
  }
});

describe('a diagnosis', () => {
  it('prints a readable report of the seed\'s crash with the verdict, the evidence and the exact fix commands, and exits 0', async () => {
    const run = await runCli(['inspect', server.name]);
    timings.add({ scenario: 'inspect seed crash (text)', cliMs: run.ms });
    expect(run.exitCode, run.stderr).toBe(0);
    const { deadOwner, newWriter } = crash;
    expect(run.stdout).toContain(`${server.name} (${server.id})`);
    expect(run.stdout).toMatch(/verdict: STALE: /);
    expect(run.stdout).toContain(`lock "${deadOwner.lockId}" ${deadOwner.locker} ${deadOwner.address}: STALE`);
    expect(run.stdout).toContain(`- watcher ${newWriter.address} on the same host (new client)`);
    expect(run.stdout).toContain(`fence: ceph osd blocklist add ${deadOwner.address}`);
    expect(run.stdout).toContain(`break: rbd lock rm ${server.disk} '${deadOwner.lockId}' ${deadOwner.locker}`);
    expect(run.stdout).toContain(`reboot: POST /servers/${server.id}/action {"reboot":{"type":"HARD"}}`);
  });

  it('only reads through the librados connection (the default): it starts no rbd or ceph at all, and the dead owner\'s lock is still there afterwards', async () => {
    const before = counting.calls().length;
    const run = await runCli(['inspect', server.id, '--json'], { PATH: counting.PATH });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'stale' });
    expect(counting.calls().slice(before)).toEqual([]);
    expect(await adminLocks(server.disk)).toEqual([{ id: crash.deadOwner.lockId, locker: crash.deadOwner.locker, address: crash.deadOwner.address }]);
  });

  it('only reads through the CLIs (VMLOCKS_CEPH_READS=cli): it starts no rbd or ceph that writes, and the dead owner\'s lock is still there afterwards', async () => {
    const before = counting.calls().length;
    const run = await runCli(['inspect', server.id, '--json'], { PATH: counting.PATH, VMLOCKS_CEPH_READS: 'cli' });
    expect(run.exitCode, run.stderr).toBe(0);
    const started = counting.calls().slice(before);
    expect(started.length).toBeGreaterThan(0);
    // only reads: lock ls, status, info, ls, blocklist ls
    const writes = started.filter((argv) => argv.includes('rm') || argv.includes('add') || argv.includes('rebuild'));
    expect(writes).toEqual([]);
    expect(await adminLocks(server.disk)).toEqual([{ id: crash.deadOwner.lockId, locker: crash.deadOwner.locker, address: crash.deadOwner.address }]);
  });
});

// [what, argv after `inspect`, what stderr says]
const BAD: Array<[string, string[], RegExp]> = [
  ['a shell command after a name', ['vm-1; rm -rf /'], /is not a valid instance name/],
  ['a command substitution', ['$(reboot)'], /is not a valid instance name/],
  ['a UUID one digit short', ['0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e0'], /is not a valid UUID/],
  ['a 300-character name', [`vm-${'x'.repeat(297)}`], /at most 255 characters/],
  ['an empty name', [''], /give an instance name or UUID/],
  ['no instance', [], /takes one instance name or UUID/],
  ['two instances', ['vm-1', 'vm-2'], /takes one instance name or UUID/],
  ['an unknown option', ['vm-1', '--force'], /Unknown option '--force'/],
];

describe('bad input', () => {
  it.each(BAD)('exits 2 for %s, with the usage on stderr, and starts no rbd or ceph', async (_what, args, says) => {
    const before = counting.calls().length;
    const run = await runCli(['inspect', ...args, '--json'], { PATH: counting.PATH });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(run.stderr).toMatch(/usage:[\s\S]*vmlocks inspect <instance/);
    expect(run.stdout).toBe('');
    expect(counting.calls().slice(before)).toEqual([]);
  });
});

describe('errors', () => {
  it('exits 1 with what to do when Nova cannot be reached to resolve a name, and changes nothing', async () => {
    const broken = await unreachableNovaEnv();
    try {
      const run = await runCli(['inspect', server.name, '--json'], { ...broken.env, PATH: counting.PATH });
      timings.add({ scenario: 'inspect by name, Nova unreachable', cliMs: run.ms });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`Could not reach Nova to find \`${server.name}\``);
      expect(run.stderr).toMatch(/Try the instance's UUID/);
      expect(run.stderr).toMatch(/Nothing was changed/);
    } finally {
      broken.remove();
    }
  });

  it('exits 1 naming the variable when the configuration is invalid', async () => {
    const run = await runCli(['inspect', server.name], { CEPH_ID: 'client.vmlocks', PATH: counting.PATH });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/CEPH_ID/);
    expect(run.stdout).toBe('');
  });
});
