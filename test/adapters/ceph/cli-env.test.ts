// The rbd/ceph processes get only what Ceph needs (CEPH_*, PATH, locale): never the bot's Slack or OpenStack secrets,
// whether the bot's environment comes from process.env or is given as baseEnv. Seen from inside the (fake) CLI.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCephCli, type CephCliOptions } from '../../../src/adapters/ceph/index.js';
import { fakeCephCli } from '../../support/ceph-fake-cli.js';

const blocklistLs = [{ program: 'ceph' as const, match: ['osd', 'blocklist', 'ls'], stdout: 'blocklist-ls-two-entries.json' }];

/** Runs `ceph osd blocklist ls` through the fake CLI and returns the environment the process saw. */
async function envSeenByCli(extra: Partial<CephCliOptions> = {}): Promise<Record<string, string>> {
  const envLog = join(mkdtempSync(join(tmpdir(), 'vmlocks-fake-ceph-env-')), 'env.jsonl');
  const fake = fakeCephCli(blocklistLs);
  await createCephCli({ ...fake.options, ...extra, env: { ...fake.options.env, FAKE_CEPH_ENV_LOG: envLog } }).listBlocklist();
  const lines = readFileSync(envLog, 'utf8').split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '{}') as Record<string, string>;
}

afterEach(() => { vi.unstubAllEnvs(); });

describe('the environment of the rbd/ceph processes', () => {
  it('does not pass the bot\'s own secrets from process.env', async () => {
    vi.stubEnv('SLACK_BOT_TOKEN', 'xoxb-secret-token');
    vi.stubEnv('SLACK_SIGNING_SECRET', 'signing-secret');
    vi.stubEnv('OS_PASSWORD', 'os-secret');
    vi.stubEnv('CEPH_ARGS', '--name client.vmlocks');
    const env = await envSeenByCli();
    expect(Object.keys(env).filter((k) => /^(SLACK_|OS_)/.test(k))).toEqual([]);
    expect(JSON.stringify(env)).not.toMatch(/secret/);
    expect(env.CEPH_ARGS).toBe('--name client.vmlocks');
  });

  it('takes only CEPH_*, PATH and locale from a given base environment', async () => {
    const env = await envSeenByCli({
      baseEnv: {
        PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', CEPH_CONF: '/etc/ceph/test.conf', CEPH_KEYRING: '/etc/ceph/k',
        SLACK_APP_TOKEN: 'xapp-secret', OS_APPLICATION_CREDENTIAL_SECRET: 'secret', HOME: '/root', VMLOCKS_DB: 'postgres://u:secret@db/v',
      },
    });
    expect(env).toMatchObject({ LANG: 'C.UTF-8', CEPH_CONF: '/etc/ceph/test.conf', CEPH_KEYRING: '/etc/ceph/k' });
    expect(env.HOME).toBeUndefined();
    expect(env.VMLOCKS_DB).toBeUndefined();
    expect(JSON.stringify(env)).not.toMatch(/secret/);
  });
});
