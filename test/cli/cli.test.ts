// The `vmlocks` command as a process (tsx runs the TypeScript entry point), for what needs no lab.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  execa('node', ['--import', 'tsx', CLI, ...args], { reject: false, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, extendEnv: false, timeout: 60_000 });

describe('vmlocks (command line)', () => {
  it('serve without Slack credentials exits 1, naming each missing variable and manifest.yml', async () => {
    const r = await run(['serve']);
    expect(r.exitCode).toBe(1);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'VMLOCKS_INCIDENT_CHANNEL']) expect(r.stderr).toContain(name);
    expect(r.stderr).toContain('manifest.yml');
  });

  it.each([
    ['an injection string', 'vm-1; rm -rf /'],
    ['a command substitution', '$(reboot)'],
    ['a malformed UUID', '0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e0'],
    ['an over-long name', 'v'.repeat(300)],
  ])('inspect refuses %s with exit 2 before touching Ceph or Nova', async (_what, text) => {
    // No Ceph or OpenStack configuration at all: any attempt to reach them would fail differently (exit 1).
    const r = await run(['inspect', text, '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/usage: vmlocks inspect/);
    expect(r.stdout).toBe('');
  });

  it('rejects an unknown option with the usage and exit 2', async () => {
    const r = await run(['inspect', 'vm-1', '--jsno']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--jsno'[\s\S]*usage:/);
  });

  it('prints the usage for help', async () => {
    const r = await run(['help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/vmlocks inspect <instance> \[--json\]/);
  });

  it('audit prints the empty trail of a new database', async () => {
    const db = `/tmp/vmlocks-cli-test-${process.pid}-${Date.now()}.db`;
    const r = await run(['audit', '--json'], { VMLOCKS_DB: db });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
